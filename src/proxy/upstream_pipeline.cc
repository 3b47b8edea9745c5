// UpstreamPool::ExchangePipelined: buffered exchanges that share keep-alive connections,
// several requests in flight on each (HTTP/1.1 pipelining). The header states the contract;
// this is how it is kept:
//   - a call is queued and one Flush is posted per turn of the event loop, so the calls of
//     one turn are placed together;
//   - Flush gives every `depth` queued calls a connection (an idle pooled one, else a new
//     one) and Write sends their request heads in one write;
//   - each such connection has one Run coroutine: it connects when it has no connection yet,
//     then reads the responses in order, completing the oldest call each time, until none is
//     in flight; then the connection goes back to the pool's idle list;
//   - a connection that ends with calls unanswered hands them to Requeue: they are sent again
//     on another connection, or fail (see the header for when).
#include <algorithm>
#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>

#include "src/proxy/upstream_connection.h"
#include "src/proxy/upstream_pool.h"
#include "src/proxy/upstream_pool_internal.h"
#include "src/proxy/upstream_wire.h"

namespace shadowdiff {
namespace asio = boost::asio;
using boost::system::error_code;
using upstream_internal::BodyEnd;
using upstream_internal::Fail;
using upstream_internal::FailWith;
using upstream_internal::ReadBuffered;

namespace {
constexpr auto kAwait = asio::as_tuple(asio::deferred);
}  // namespace

void UpstreamPool::ExchangePipelined(const UpstreamRequest& request, Clock::time_point deadline,
                                     std::function<void(UpstreamResult)> done) {
  auto call = std::make_unique<PipelinedCall>();
  call->start = Clock::now();
  call->deadline = deadline;
  call->done = std::move(done);
  call->head_request = request.method == "HEAD";
  Result<std::string> head = SerializeRequestHead(request, target_);
  if (!head.ok()) {
    Fail(call->result, UpstreamStatus::kInvalidRequest, head.error().message);
  } else if (!CanPipeline(request)) {
    Fail(call->result, UpstreamStatus::kInvalidRequest,
         "only a GET, HEAD or OPTIONS request without a body can be pipelined");
  }
  if (!call->result.ok()) {
    asio::post(executor_,
               [self = shared_from_this(), call = std::move(call)] { call->Complete(); });
    return;
  }
  call->head = std::move(*head);
  pipeline_queue_.push_back(std::move(call));
  ScheduleFlush();
}

void UpstreamPool::ScheduleFlush() {
  if (flush_posted_) return;
  flush_posted_ = true;
  asio::post(executor_, [self = shared_from_this()] {
    self->flush_posted_ = false;
    self->Flush();
  });
}

void UpstreamPool::Flush() {
  const size_t depth = std::max<size_t>(1, options_.pipeline_depth);
  while (!pipeline_queue_.empty()) {
    // A connection of its own for every `depth` calls of this turn: calls are pipelined with
    // calls submitted together, never behind those of an earlier turn, so a slow upstream
    // keeps as many connections working as before and a call waits at most behind its batch.
    auto connection = std::make_shared<PipelinedConnection>();
    connection->pool = shared_from_this();
    // An idle connection checked for liveness (one peek per batch), except for calls whose
    // last connection ended without answering: like Exchange's retry, they get a new one.
    // (Requeued calls are at the front of the queue, so they are batched together.)
    if (!pipeline_queue_.front()->unanswered_once)
      connection->lease = TakeIdle(/*may_retry=*/false);
    while (!pipeline_queue_.empty() && connection->calls.size() < depth) {
      connection->heads += pipeline_queue_.front()->head;
      connection->calls.push_back(std::move(pipeline_queue_.front()));
      pipeline_queue_.pop_front();
    }
    if (connection->lease) Write(connection);
    asio::co_spawn(executor_, Run(std::move(connection)), asio::detached);
  }
}

void UpstreamPool::Write(const std::shared_ptr<PipelinedConnection>& connection) {
  connection->write_pending = true;
  // One deadline per socket: Run's (the earliest of the calls in flight) also bounds this
  // write, so a peer that stops reading cannot hold it past any call's deadline.
  asio::async_write(connection->lease->socket, asio::buffer(connection->heads),
                    [connection](error_code ec, size_t) {
                      connection->write_pending = false;
                      // A failed write closes the socket: Run's read fails and requeues.
                      if (ec && !connection->ended && connection->lease) connection->lease->Close();
                    });
}

asio::awaitable<void> UpstreamPool::Run(std::shared_ptr<PipelinedConnection> connection) {
  // connection->pool keeps this pool alive while the coroutine runs.
  if (!connection->lease) {
    UpstreamResult connect;
    Lease lease = co_await Connect(connection->calls.front()->deadline, connect);
    if (!lease) {
      connection->ended = true;
      std::deque<std::unique_ptr<PipelinedCall>> calls = std::move(connection->calls);
      for (std::unique_ptr<PipelinedCall>& call : calls) {
        Fail(call->result, connect.status, connect.detail);
        call->Complete();
      }
      co_return;
    }
    connection->lease = std::move(lease);
    Write(connection);
  }
  UpstreamConnection& socket = *connection->lease;
  const bool reused = connection->lease.reused();
  bool keep = true;
  bool answered_any = false;  // some response on this connection began
  while (!connection->calls.empty()) {
    PipelinedCall& call = *connection->calls.front();
    UpstreamResult& result = call.result;
    result.reused_connection = reused;
    // The socket's deadline is the earliest of the calls in flight (usually the oldest's):
    // a call's deadline holds even behind a response that takes longer.
    Clock::time_point earliest = Clock::time_point::max();
    for (const std::unique_ptr<PipelinedCall>& in_flight : connection->calls) {
      earliest = std::min(earliest, in_flight->deadline);
    }
    socket.deadline.ExpiresAt(earliest);
    // Bytes read behind the previous response are this one's beginning.
    const bool had_bytes = socket.buffer.size() > 0;
    ResponseReader reader(socket, call.head_request, options_.max_header_bytes);
    std::optional<error_code> head_ec = reader.ParseHead();
    while (!head_ec) {
      auto [ec, bytes] = co_await socket.socket.async_read_some(reader.ReadSpace(), kAwait);
      head_ec = reader.HeadRead(ec, bytes);
    }
    const error_code head_failure = *head_ec;
    const bool answered_some = had_bytes || reader.got_some();
    if (head_failure && !answered_some && head_failure != boost::beast::error::timeout) {
      // Nothing of this response arrived: the upstream closed or reset the connection before
      // reading this request, or it was stale. Every call on it is unanswered.
      Requeue(*connection, answered_any,
              "the connection ended before the response: " + head_failure.message());
      keep = false;
      break;
    }
    BodyEnd end = BodyEnd::kFailed;
    if (head_failure) {
      FailWith(result, "read response head", head_failure);
    } else {
      end = co_await ReadBuffered(reader, result, options_);
    }
    if (end == BodyEnd::kFailed && result.status == UpstreamStatus::kTimeout) {
      // Some call's deadline passed: those calls time out, the others are sent again.
      Requeue(*connection, answered_any || answered_some, "the connection timed out");
      keep = false;
      break;
    }
    result.body_complete = end == BodyEnd::kComplete;
    keep = end == BodyEnd::kComplete && reader.keep_alive();
    std::unique_ptr<PipelinedCall> answered = std::move(connection->calls.front());
    connection->calls.pop_front();
    answered_any = true;
    if (!keep) Requeue(*connection, answered_any, "the connection ended before the response");
    answered->Complete();
    if (!keep) break;
  }
  socket.deadline.Clear();
  connection->ended = true;
  // Back to the idle list only when nothing is left to read or write on it.
  const bool reusable =
      keep && !connection->write_pending && socket.buffer.size() == 0 && socket.socket.is_open();
  connection->lease.Release(reusable);
}

void UpstreamPool::Requeue(PipelinedConnection& connection, bool answered_any,
                           std::string_view why) {
  std::deque<std::unique_ptr<PipelinedCall>> calls = std::move(connection.calls);
  connection.calls.clear();
  const Clock::time_point now = Clock::now();
  std::deque<std::unique_ptr<PipelinedCall>> again;
  std::deque<std::unique_ptr<PipelinedCall>> failed;
  for (std::unique_ptr<PipelinedCall>& call : calls) {
    if (now >= call->deadline) {
      Fail(call->result, UpstreamStatus::kTimeout, "deadline passed before the response");
      failed.push_back(std::move(call));
    } else if (!answered_any && call->unanswered_once) {
      Fail(call->result, UpstreamStatus::kIoError, std::string(why));
      failed.push_back(std::move(call));
    } else {
      if (!answered_any) call->unanswered_once = true;
      call->result = UpstreamResult{};
      call->result.retried = true;
      again.push_back(std::move(call));
    }
  }
  // Before the calls queued since: they were submitted earlier.
  pipeline_queue_.insert(pipeline_queue_.begin(), std::make_move_iterator(again.begin()),
                         std::make_move_iterator(again.end()));
  if (!pipeline_queue_.empty()) ScheduleFlush();
  for (std::unique_ptr<PipelinedCall>& call : failed) call->Complete();
}

}  // namespace shadowdiff
