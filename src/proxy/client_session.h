// Client sessions: one coroutine per accepted client connection. It reads a request head
// under a deadline, runs the HTTP guard (http_guard.h), reads the body, hands the sanitised
// request to a RequestHandler and loops for keep-alive — one request at a time, strictly in
// order (pipelined bytes wait in the buffer until the previous response is written).
//
// What the edge answers itself (then closes, after a short lingering close so the client
// reads the answer): 400 malformed head or smuggling opening, 413 body too large, 417
// unsupported Expect, 431 head too large, 501 CONNECT, 505 version. A client that does not
// finish its head within header_timeout (slowloris), or its body within body_timeout, or
// sends nothing within idle_timeout between requests, is disconnected without an answer
// (like nginx: there is no one to answer reliably).
//
// Threading: a session, its SessionContext and SessionRegistry belong to one io_context
// thread; the registry's counters may be read from any thread.
#ifndef SHADOWDIFF_PROXY_CLIENT_SESSION_H_
#define SHADOWDIFF_PROXY_CLIENT_SESSION_H_

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_set>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "src/core/config.h"
#include "src/proxy/http_guard.h"
#include "src/proxy/request_handler.h"
#include "src/proxy/request_head.h"

namespace shadowdiff {

class ClientSession;

// The live sessions of one io_context, for graceful drain. Owned by the per-thread state of
// the edge server. All members but the counters must be called on the owning thread.
class SessionRegistry {
 public:
  SessionRegistry() = default;
  SessionRegistry(const SessionRegistry&) = delete;
  SessionRegistry& operator=(const SessionRegistry&) = delete;

  // From now on every session closes after its current response; sessions waiting for a
  // next request are closed now. Sessions reading a request head or body finish the request.
  void BeginDrain();
  bool draining() const { return draining_; }
  // Closes every session's socket now (the drain deadline passed).
  void CloseAll();

  // Thread-safe snapshots.
  size_t sessions() const { return sessions_.load(std::memory_order_relaxed); }
  size_t requests_in_flight() const { return in_flight_.load(std::memory_order_relaxed); }

 private:
  friend class ClientSession;
  void Add(ClientSession* session);
  void Remove(ClientSession* session);

  std::unordered_set<ClientSession*> live_;
  bool draining_ = false;
  std::atomic<size_t> sessions_{0};
  std::atomic<size_t> in_flight_{0};
};

// What every session on one io_context shares. Must outlive the sessions.
struct SessionContext {
  EdgeOptions options;
  RequestHandler* handler = nullptr;  // not owned; called on this context's thread
  SessionRegistry registry;
};

// Serves one client connection until it closes. Never throws. `socket` must belong to the
// thread that runs `context`. The session keeps `context` alive (so a session frame that
// outlives the edge server, e.g. one destroyed with its io_context, stays safe).
boost::asio::awaitable<void> RunClientSession(boost::asio::ip::tcp::socket socket,
                                              std::shared_ptr<SessionContext> context);

}  // namespace shadowdiff

#endif  // SHADOWDIFF_PROXY_CLIENT_SESSION_H_
