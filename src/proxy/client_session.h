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
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "src/core/config.h"
#include "src/proxy/http_guard.h"
#include "src/proxy/request_handler.h"

namespace shadowdiff {

// The edge's limits and timeouts, from the config's `limits:`.
struct EdgeOptions {
  uint64_t max_request_body_bytes = Limits{}.max_request_body_bytes;
  uint32_t max_header_bytes = Limits{}.max_header_bytes;
  // From the first byte of a request (or the accept) to the end of its head.
  std::chrono::milliseconds header_timeout{Limits{}.header_timeout_ms};
  // Between requests on a keep-alive connection.
  std::chrono::milliseconds idle_timeout{Limits{}.idle_timeout_ms};
  // For the whole body of one request. `limits:` has no key for it: idle_timeout_ms.
  std::chrono::milliseconds body_timeout{Limits{}.idle_timeout_ms};
  // For writing an answer of the edge's own (400, 413, ...), and then for discarding what
  // the client still sends before the socket is closed.
  std::chrono::milliseconds error_write_timeout{5000};
  std::chrono::milliseconds linger_timeout{1000};

  static EdgeOptions FromLimits(const Limits& limits);
};

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

using RequestParser = boost::beast::http::request_parser<boost::beast::http::string_body>;

// The head step of a session without I/O (the fuzzer and tests call it): feeds `head` — a
// complete head as RawHeadScanner delimits it — to a fresh `parser`, checks it with
// CheckRequestHead and, when accepted, fills `out` (method, target, version, sanitised
// headers, keep_alive; client_ip as given). The body is then read through `parser`.
HeadVerdict ParseRequestHead(std::string_view head, const EdgeOptions& options,
                             std::string_view client_ip, RequestParser& parser,
                             InboundRequest& out);

// The bytes of an answer of the edge's own: a small text/plain response with
// `Connection: close`, e.g. "HTTP/1.1 400 Bad Request\r\n...\r\n\r\nmissing Host\n".
std::string EdgeErrorResponse(const Refusal& refusal);

}  // namespace shadowdiff

#endif  // SHADOWDIFF_PROXY_CLIENT_SESSION_H_
