// RunAwaitable: runs one coroutine to completion on a test's io_context, bounded in time, and
// returns its value — so a test body reads top-down. Test-only; call it from the thread that
// owns `io` (nothing else may be running it).
#ifndef SHADOWDIFF_TESTS_INTEGRATION_UPSTREAM_RUN_AWAITABLE_H_
#define SHADOWDIFF_TESTS_INTEGRATION_UPSTREAM_RUN_AWAITABLE_H_

#include <gtest/gtest.h>

#include <chrono>
#include <exception>
#include <optional>
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

namespace shadowdiff::test {

// Runs `awaitable` on `io` until it completes or `limit` passes (a test failure, and then a
// default-constructed T). Other work on `io` runs meanwhile.
template <typename T>
T RunAwaitable(boost::asio::io_context& io, boost::asio::awaitable<T> awaitable,
               std::chrono::milliseconds limit = std::chrono::seconds(30)) {
  std::optional<T> out;
  boost::asio::co_spawn(io, std::move(awaitable), [&](std::exception_ptr error, T value) {
    if (error) std::rethrow_exception(error);
    out = std::move(value);
  });
  auto deadline = std::chrono::steady_clock::now() + limit;
  io.restart();
  while (!out && std::chrono::steady_clock::now() < deadline) {
    io.run_one_for(std::chrono::milliseconds(50));
    if (io.stopped()) io.restart();
  }
  EXPECT_TRUE(out.has_value()) << "coroutine did not finish within " << limit.count() << " ms";
  return out ? std::move(*out) : T{};
}

}  // namespace shadowdiff::test

#endif  // SHADOWDIFF_TESTS_INTEGRATION_UPSTREAM_RUN_AWAITABLE_H_
