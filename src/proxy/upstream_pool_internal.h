// UpstreamPool's parts shared by its two source files, upstream_pool.cc (connections, Exchange,
// Relay) and upstream_pipeline.cc (ExchangePipelined): the lease of a pooled connection and
// the steps that fill an UpstreamResult, and ExchangePipelined's calls and connections. Internal to
// the pool: include it nowhere else.
#ifndef SHADOWDIFF_PROXY_UPSTREAM_POOL_INTERNAL_H_
#define SHADOWDIFF_PROXY_UPSTREAM_POOL_INTERNAL_H_

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/system/error_code.hpp>

#include "src/proxy/http_guard.h"
#include "src/proxy/upstream_connection.h"
#include "src/proxy/upstream_pool.h"

namespace shadowdiff {
namespace upstream_internal {

// Milliseconds from `start` to now.
double MillisSince(std::chrono::steady_clock::time_point start);
// The response's fields minus the hop-by-hop ones, taken from `reader`.
HeaderList EndToEndHeaders(ResponseReader& reader);
void Fail(UpstreamResult& result, UpstreamStatus status, std::string detail);
// Fails `result` with the status ClassifyError gives `error`; `what` says what failed.
void FailWith(UpstreamResult& result, std::string_view what,
              const boost::system::error_code& error);
// Appends up to the capture cap of `piece` to the captured body.
void Capture(UpstreamResult& result, std::string_view piece, uint64_t cap);

// How ReadBuffered ended.
enum class BodyEnd {
  kComplete,        // the whole response is in `result`
  kOverDrainLimit,  // drain_limit bytes read and more to come: not worth reading on, so the
                    // connection cannot be reused (the result is still ok: a captured prefix)
  kFailed,          // `result` holds the error (FailWith)
};
// The rest of a response whose head `reader` has read, into `result`, as Exchange and
// ExchangePipelined keep it: the status and end-to-end fields, then the body, captured up to
// options.capture_cap and read on, discarded, up to options.drain_limit.
boost::asio::awaitable<BodyEnd> ReadBuffered(ResponseReader& reader, UpstreamResult& result,
                                             const UpstreamOptions& options);

}  // namespace upstream_internal

// A connection leased from the pool. Returned to the pool by Release(); closed (and the
// pool's active count decremented) when dropped without it.
class UpstreamPool::Lease {
 public:
  Lease() = default;
  Lease(UpstreamPool* pool, std::unique_ptr<UpstreamConnection> connection, bool reused)
      : pool_(pool), connection_(std::move(connection)), reused_(reused) {
    ++pool_->active_;
    pool_->Publish();
  }
  Lease(Lease&& other) noexcept
      : pool_(other.pool_), connection_(std::move(other.connection_)), reused_(other.reused_) {}
  Lease& operator=(Lease&& other) noexcept {
    if (this != &other) {
      Drop();
      pool_ = other.pool_;
      connection_ = std::move(other.connection_);
      reused_ = other.reused_;
    }
    return *this;
  }
  ~Lease() { Drop(); }

  explicit operator bool() const { return connection_ != nullptr; }
  UpstreamConnection& operator*() const { return *connection_; }
  UpstreamConnection* operator->() const { return connection_.get(); }
  bool reused() const { return reused_; }

  void Release(bool reusable) {
    if (connection_) pool_->Release(std::move(connection_), reusable);
  }

 private:
  void Drop() { Release(false); }

  UpstreamPool* pool_ = nullptr;
  std::unique_ptr<UpstreamConnection> connection_;
  bool reused_ = false;
};

// One ExchangePipelined call, from submission until `done` has run.
struct UpstreamPool::PipelinedCall {
  std::string head;  // the serialised request (CanPipeline: a head without a body)
  bool head_request = false;
  Clock::time_point start;
  Clock::time_point deadline;
  std::function<void(UpstreamResult)> done;
  UpstreamResult result;
  // It was on a connection that ended before answering anything: the next time that happens,
  // it fails (a connection that answered some calls before it ended is no fault of the calls
  // behind them, and each such connection answers at least one, so requeuing ends).
  bool unanswered_once = false;

  void Complete() {
    result.response.duration_ms = upstream_internal::MillisSince(start);
    std::function<void(UpstreamResult)> fn = std::move(done);
    fn(std::move(result));
  }
};

// A connection carrying one batch of pipelined calls. Owned by its Run coroutine and a
// pending write's handler.
struct UpstreamPool::PipelinedConnection {
  // Keeps the pool alive as long as the connection: declared before `lease`, so the lease is
  // returned (or closed) while the pool still exists, in whatever order the io_context
  // destroys the coroutine and the handlers that hold this.
  std::shared_ptr<UpstreamPool> pool;
  Lease lease;  // empty until Run has a connection
  // In flight, oldest first.
  std::deque<std::unique_ptr<PipelinedCall>> calls;
  std::string heads;  // the calls' request heads, written in one write
  bool write_pending = false;
  bool ended = false;  // Run is done with it; a write's handler leaves it alone
};

}  // namespace shadowdiff

#endif  // SHADOWDIFF_PROXY_UPSTREAM_POOL_INTERNAL_H_
