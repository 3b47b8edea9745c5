// UpstreamPool: HTTP/1.1 keep-alive connections to one upstream target (TargetUrl), and the
// two ways the proxy talks through them:
//   - Exchange: buffered, for the shadow and secondary sides — the response is captured for
//     comparison (body up to capture_cap, the rest read and discarded);
//   - Relay: for the primary — the response is streamed to the client as it arrives, head
//     first, while a prefix of the body is captured for comparison.
//
// Connections: idle ones are kept (at most max_idle, most recently used first, closed after
// idle_timeout) and checked without blocking before reuse. A request that meets a stale
// pooled connection — the write failed, or the connection closed before any response byte —
// is sent once more on a fresh connection, and only when its method is GET, HEAD or OPTIONS
// (never a POST; see IsRetryableMethod). The request's target gets the target's base path
// prefixed and Host is set to the target.
//
// ExchangePipelined is the shadow side's cheaper way to the same buffered result: requests
// share connections, several in flight on each (see there).
//
// Threading and ownership: one pool per target per io_context thread. A pool is NOT
// thread-safe and takes no locks: construct it, call it and destroy it on its executor's
// thread. It must outlive every Exchange/Relay coroutine started on it; the caller owns it.
// Idle connections past idle_timeout are closed lazily, when the pool is next used, or by
// PruneIdle() (call it from a periodic timer of the owner's to release sockets of an
// unused pool). No exceptions escape: errors are values in the results.
#ifndef SHADOWDIFF_PROXY_UPSTREAM_POOL_H_
#define SHADOWDIFF_PROXY_UPSTREAM_POOL_H_

#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <string>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include "src/core/net_address.h"
#include "src/proxy/upstream_gauges.h"
#include "src/proxy/upstream_types.h"

namespace shadowdiff {

struct UpstreamConnection;
class ResponseReader;

class UpstreamPool : public std::enable_shared_from_this<UpstreamPool> {
 public:
  using Clock = std::chrono::steady_clock;

  // `gauge` (may be null) receives the pool's idle and active counts as they change.
  UpstreamPool(boost::asio::any_io_executor executor, TargetUrl target, UpstreamOptions options,
               std::shared_ptr<UpstreamPoolGauge> gauge = nullptr);
  ~UpstreamPool();
  UpstreamPool(const UpstreamPool&) = delete;
  UpstreamPool& operator=(const UpstreamPool&) = delete;

  // Sends `request` and reads the whole response, buffered for comparison. Everything —
  // connect, write, head and body — ends by `deadline`: past it the result is kTimeout and the
  // connection is closed. The body is kept up to capture_cap (body_truncated beyond it) and
  // read on, discarded, up to drain_limit so the connection can be reused (else it is closed
  // and body_complete is false); memory stays bounded whatever the upstream sends. Bytes that
  // are not an HTTP/1.x response are kProtocolError. `request` must stay valid until the
  // coroutine completes.
  boost::asio::awaitable<UpstreamResult> Exchange(const UpstreamRequest& request,
                                                  Clock::time_point deadline);

  // Exchange's result for `request`, handed to `done`, with HTTP/1.1 pipelining (RFC 9112
  // §9.3.2): the requests submitted in one turn of the event loop share a connection, up to
  // options().pipeline_depth on each (0 counts as 1), and go out in one write — a request
  // never waits behind one submitted in an earlier turn, so a slow upstream gets as many
  // connections working as with Exchange, divided by the batch size. Responses are read in
  // order, each buffered, capped and drained as Exchange does. `request` is serialised at
  // once (it need not outlive the call).
  //   - Only for requests that may be sent twice (CanPipeline; the caller checks): any other
  //     request is answered kInvalidRequest, as is one Exchange could not send.
  //   - Sent again: a connection that ends — closed by the upstream (`Connection: close`
  //     after a keep-alive limit, say, or a close-delimited response), reset, stale, failed
  //     or timed out — with requests unanswered sends them again on another connection
  //     (UpstreamResult::retried). A request fails when a second connection ends before
  //     answering anything; one that answered some requests first (a response began, even
  //     one that then timed out) does not count against those behind them. A connection that
  //     cannot be made fails its requests with that result (kConnectError or kTimeout).
  //   - Deadlines: each request's `deadline` bounds its whole exchange: the connection's
  //     socket deadline is the earliest of its requests in flight; when it passes, the
  //     connection is closed, the requests past their deadline are kTimeout and the others
  //     are sent again.
  //   - Timing: duration_ms runs from this call to the end of the response, so it includes
  //     the wait behind earlier responses on the connection.
  //   - `done` runs exactly once, on the pool's thread, never inside this call — unless the
  //     io_context is stopped first (then it is destroyed uncalled).
  // The pool must be owned by a std::shared_ptr: the pipeline keeps it alive until the last
  // `done` has run.
  void ExchangePipelined(const UpstreamRequest& request, Clock::time_point deadline,
                         std::function<void(UpstreamResult)> done);

  // Sends `request` and streams the response to `client` as it arrives. `deadline` bounds
  // everything up to the response head (connect, write, head); once the head is sent, each
  // body read and client write must progress within body_idle_timeout. To the client:
  //   - "HTTP/1.1 <status> <reason as received>", the upstream's fields in order with their
  //     names as received, minus hop-by-hop fields (StripHopByHop);
  //   - framing re-done (ComposeResponseHead): the upstream's Content-Length when it sent one,
  //     else chunked for an HTTP/1.1 client, else close-delimited for HTTP/1.0; no body for
  //     HEAD, 204 and 304; "Connection: close" when the client connection will not be reused;
  //   - the body bytes exactly as decoded from the upstream's framing.
  // Up to capture_cap body bytes are copied into the result for comparison.
  // Failure before the head is written: nothing is written to `client` (head_sent false) and
  // the caller answers 502/504. Failure after it (upstream or client): the client connection
  // is reset so the client can never mistake a cut body for a whole one (client_reusable
  // false). Relay bounds each of its client writes itself (a SocketDeadline on client.socket():
  // the client is closed when one takes longer) and leaves `client`'s own expiry alone.
  // `request` and `client` must stay valid until the coroutine completes.
  boost::asio::awaitable<RelayResult> Relay(const UpstreamRequest& request,
                                            RelayClient client_framing,
                                            boost::beast::tcp_stream& client,
                                            Clock::time_point deadline);

  // Closes idle connections older than idle_timeout.
  void PruneIdle();

  size_t idle_connections() const { return idle_.size(); }
  // Connections currently leased by an Exchange or Relay (plus those being connected).
  size_t active_connections() const { return active_; }
  // Connections opened since construction (a gauge for keep-alive effectiveness).
  uint64_t connections_opened() const { return opened_; }
  const TargetUrl& target() const { return target_; }
  const UpstreamOptions& options() const { return options_; }

 private:
  class Lease;
  struct Started;
  struct PipelinedCall;
  struct PipelinedConnection;

  // ExchangePipelined's parts (upstream_pipeline.cc). Flush gives every `depth` queued calls
  // a connection of their own (idle or new); Write sends a connection's request heads in
  // one write; Run connects when needed, then reads the responses in order
  // until none is in flight; Requeue sends a connection's unanswered calls again, or fails
  // them.
  void ScheduleFlush();
  void Flush();
  void Write(const std::shared_ptr<PipelinedConnection>& connection);
  boost::asio::awaitable<void> Run(std::shared_ptr<PipelinedConnection> connection);
  void Requeue(PipelinedConnection& connection, bool answered_any, std::string_view why);

  // Sends the request head and body and reads the response head, on a pooled or new
  // connection, retrying once per the class comment. On failure the returned Started has no
  // lease and `result` holds the status.
  boost::asio::awaitable<Started> Start(const UpstreamRequest& request, Clock::time_point deadline,
                                        UpstreamResult& result);
  // A live idle connection, most recently released first, or an empty Lease when there is
  // none (synchronous: no coroutine frame when the pool is warm). A pooled connection is
  // checked for liveness first (MSG_PEEK), except for requests the pool may retry on a stale
  // connection (`may_retry`) when the connection was used very recently
  // (kSkipLivenessCheckWithin): the retry covers the rare close, and the check costs a
  // syscall per request.
  Lease TakeIdle(bool may_retry);
  // A new connection, connected by `deadline` (an empty Lease and an error in `result`
  // otherwise).
  boost::asio::awaitable<Lease> Connect(Clock::time_point deadline, UpstreamResult& result);
  // Returns a leased connection: kept idle when reusable and there is room, else closed.
  void Release(std::unique_ptr<UpstreamConnection> connection, bool reusable);
  // Stores idle_.size() and active_ into gauge_ (after every change of either).
  void Publish();

  boost::asio::any_io_executor executor_;
  TargetUrl target_;
  UpstreamOptions options_;
  // Most recently released at the back; expired connections accumulate at the front.
  std::deque<std::unique_ptr<UpstreamConnection>> idle_;
  size_t active_ = 0;
  uint64_t opened_ = 0;
  std::shared_ptr<UpstreamPoolGauge> gauge_;
  // ExchangePipelined: calls waiting for a connection (in submission order), and whether a
  // Flush is posted.
  std::deque<std::unique_ptr<PipelinedCall>> pipeline_queue_;
  bool flush_posted_ = false;
};

}  // namespace shadowdiff

#endif  // SHADOWDIFF_PROXY_UPSTREAM_POOL_H_
