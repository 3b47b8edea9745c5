#include "src/proxy/listener.h"

#include <sys/socket.h>

#include <chrono>
#include <exception>
#include <string>
#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detail/socket_option.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "src/io/log.h"

namespace shadowdiff {

namespace asio = boost::asio;
using ReusePort = asio::detail::socket_option::boolean<SOL_SOCKET, SO_REUSEPORT>;

namespace {

constexpr auto kNoThrow = asio::as_tuple(asio::use_awaitable);

void LogSessionException(std::exception_ptr error) {
  if (!error) return;
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    log::Error("session_exception", {{"error", e.what()}});
  } catch (...) {
    log::Error("session_exception");
  }
}

}  // namespace

Listener::Listener(asio::io_context& context, std::shared_ptr<SessionContext> sessions)
    : context_(context), acceptor_(context), sessions_(std::move(sessions)) {}

Status Listener::Open(const asio::ip::tcp::endpoint& endpoint) {
  boost::system::error_code ec;
  auto fail = [&](const char* step) {
    boost::system::error_code ignored;
    acceptor_.close(ignored);
    return Error{std::string("cannot listen on ") + endpoint.address().to_string() + ":" +
                 std::to_string(endpoint.port()) + " (" + step + "): " + ec.message() +
                 "; check that the address is local and the port is free"};
  };
  acceptor_.open(endpoint.protocol(), ec);
  if (ec) return fail("open");
  acceptor_.set_option(asio::socket_base::reuse_address(true), ec);
  if (ec) return fail("SO_REUSEADDR");
  acceptor_.set_option(ReusePort(true), ec);
  if (ec) return fail("SO_REUSEPORT");
  acceptor_.bind(endpoint, ec);
  if (ec) return fail("bind");
  acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return fail("listen");
  port_ = acceptor_.local_endpoint(ec).port();
  if (ec) return fail("local_endpoint");
  return Status();
}

void Listener::Start() {
  accepting_.store(true, std::memory_order_release);
  asio::co_spawn(
      context_, [self = shared_from_this()] { return self->AcceptLoop(); },
      [self = shared_from_this()](std::exception_ptr error) {
        self->accepting_.store(false, std::memory_order_release);
        LogSessionException(error);
      });
}

void Listener::Stop() {
  boost::system::error_code ignored;
  acceptor_.close(ignored);
}

asio::awaitable<void> Listener::AcceptLoop() {
  asio::steady_timer backoff(context_);
  while (acceptor_.is_open()) {
    auto [ec, socket] = co_await acceptor_.async_accept(kNoThrow);
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) break;
    if (ec) {
      // Out of file descriptors or similar: say so, wait a moment instead of spinning.
      log::Warn("accept_failed", {{"error", ec.message()}});
      backoff.expires_after(std::chrono::milliseconds(50));
      co_await backoff.async_wait(kNoThrow);
      continue;
    }
    boost::system::error_code ignored;
    socket.set_option(asio::ip::tcp::no_delay(true), ignored);
    asio::co_spawn(context_, RunClientSession(std::move(socket), sessions_), LogSessionException);
  }
  accepting_.store(false, std::memory_order_release);
}

}  // namespace shadowdiff
