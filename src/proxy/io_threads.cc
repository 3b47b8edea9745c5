#include "src/proxy/io_threads.h"

#include <exception>
#include <future>
#include <string>
#include <utility>

#include <boost/asio/post.hpp>

#include "src/io/log.h"

namespace shadowdiff {

IoThreads::IoThreads(size_t count) {
  if (count == 0) count = 1;
  for (size_t i = 0; i < count; ++i) {
    // Concurrency hint 1: only this context's own thread runs it.
    contexts_.push_back(std::make_unique<boost::asio::io_context>(1));
  }
}

IoThreads::~IoThreads() { Stop(); }

void IoThreads::Start() {
  if (running()) return;
  for (auto& context : contexts_) {
    context->restart();
    work_.emplace_back(context->get_executor());
  }
  for (size_t i = 0; i < contexts_.size(); ++i) {
    threads_.emplace_back([this, i] {
      boost::asio::io_context& context = *contexts_[i];
      for (;;) {
        // Handlers must not throw; if one does anyway, log it and keep the thread serving.
        try {
          context.run();
          return;
        } catch (const std::exception& e) {
          log::Error("io_thread_exception", {{"thread", std::to_string(i)}, {"error", e.what()}});
        } catch (...) {
          log::Error("io_thread_exception", {{"thread", std::to_string(i)}});
        }
      }
    });
  }
}

void IoThreads::Stop() {
  work_.clear();
  for (auto& context : contexts_) context->stop();
  for (auto& thread : threads_) thread.join();
  threads_.clear();
}

bool IoThreads::RunOn(size_t index, std::function<void()> fn, std::chrono::milliseconds timeout) {
  auto done = std::make_shared<std::promise<void>>();
  std::future<void> future = done->get_future();
  boost::asio::post(*contexts_[index], [fn = std::move(fn), done] {
    fn();
    done->set_value();
  });
  return future.wait_for(timeout) == std::future_status::ready;
}

}  // namespace shadowdiff
