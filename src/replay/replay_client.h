// ReplayClient: one keep-alive HTTP/1.1 connection from the replay runner to the in-process
// proxy, used synchronously by one sender thread (it owns a private io_context, so the
// connect, the request's write and the whole response's read are each bounded by the
// timeout). Response bodies are read and dropped as they arrive (memory stays within one
// read buffer and the head limit). A request whose connection turns out stale (closed before
// any response byte) is sent once more on a fresh connection.
//
// Not thread-safe: one per sender thread.
#ifndef SHADOWDIFF_REPLAY_REPLAY_CLIENT_H_
#define SHADOWDIFF_REPLAY_REPLAY_CLIENT_H_

#include <chrono>
#include <cstdint>
#include <memory>

#include "src/core/exchange.h"
#include "src/core/result.h"

namespace shadowdiff {

class ReplayClient {
 public:
  ReplayClient(uint16_t port, std::chrono::milliseconds timeout);
  ~ReplayClient();
  ReplayClient(const ReplayClient&) = delete;
  ReplayClient& operator=(const ReplayClient&) = delete;

  // Sends `request` plus `extra` headers; the response status (the body is read and
  // discarded), or what went wrong.
  Result<int> Send(const Request& request, const HeaderList& extra);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace shadowdiff

#endif  // SHADOWDIFF_REPLAY_REPLAY_CLIENT_H_
