// UpstreamPool: connection management, the shared start of an exchange (write, head, retry),
// then the two ways of reading the body: Exchange (captured) and Relay (streamed). The
// header states the contracts.
#include "src/proxy/upstream_pool.h"

#include <algorithm>
#include <array>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>

#include "src/proxy/http_guard.h"
#include "src/proxy/socket_deadline.h"
#include "src/proxy/upstream_connection.h"
#include "src/proxy/upstream_pool_internal.h"
#include "src/proxy/upstream_wire.h"

namespace shadowdiff {
namespace asio = boost::asio;
namespace beast = boost::beast;
using asio::ip::tcp;
using boost::system::error_code;
using upstream_internal::BodyEnd;
using upstream_internal::Capture;
using upstream_internal::EndToEndHeaders;
using upstream_internal::Fail;
using upstream_internal::FailWith;
using upstream_internal::MillisSince;
using upstream_internal::ReadBuffered;

namespace upstream_internal {

double MillisSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
      .count();
}

HeaderList EndToEndHeaders(ResponseReader& reader) {
  HeaderList headers = std::move(reader.fields());
  StripHopByHop(headers);
  return headers;
}

void Fail(UpstreamResult& result, UpstreamStatus status, std::string detail) {
  result.status = status;
  result.detail = std::move(detail);
}

void FailWith(UpstreamResult& result, std::string_view what,
              const boost::system::error_code& error) {
  UpstreamStatus status = ClassifyError(error);
  std::string detail(what);
  detail += status == UpstreamStatus::kTimeout ? std::string(": deadline passed")
                                               : ": " + error.message();
  Fail(result, status, std::move(detail));
}

// Appends up to the capture cap of `piece` to the captured body.
void Capture(UpstreamResult& result, std::string_view piece, uint64_t cap) {
  result.body_bytes += piece.size();
  std::string& body = result.response.body;
  size_t room = body.size() < cap ? static_cast<size_t>(cap - body.size()) : 0;
  if (piece.size() > room) result.response.body_truncated = true;
  size_t take = std::min(room, piece.size());
  if (body.size() + take > body.capacity()) {
    // Grow geometrically, but never past the cap, so memory stays at most the cap per
    // response. (A fresh string: std::string::reserve may round up to twice the old size.)
    std::string grown;
    grown.reserve(static_cast<size_t>(
        std::min<uint64_t>(cap, std::max(body.size() + take, body.capacity() * 2))));
    grown.append(body);
    body.swap(grown);
  }
  body.append(piece.data(), take);
}

asio::awaitable<BodyEnd> ReadBuffered(ResponseReader& reader, UpstreamResult& result,
                                      const UpstreamOptions& options) {
  result.response.status = reader.status();
  result.response.headers = EndToEndHeaders(reader);
  if (const std::optional<uint64_t> length = reader.content_length()) {
    result.response.body.reserve(static_cast<size_t>(std::min(*length, options.capture_cap)));
  }
  while (!reader.done()) {
    if (result.body_bytes >= options.drain_limit) co_return BodyEnd::kOverDrainLimit;
    std::optional<std::pair<error_code, std::string_view>> buffered = reader.NextBuffered();
    auto [ec, bytes] = buffered ? *buffered : co_await reader.ReadBody();
    if (ec) {
      FailWith(result, "read response body", ec);
      co_return BodyEnd::kFailed;
    }
    Capture(result, bytes, options.capture_cap);
  }
  co_return BodyEnd::kComplete;
}

}  // namespace upstream_internal

namespace {

// Operations are awaited as deferred operations: co_await runs them without the extra
// coroutine frame that use_awaitable's initiation costs on every read and write.
constexpr auto kAwait = asio::as_tuple(asio::deferred);
constexpr auto kAwaitable = asio::as_tuple(asio::use_awaitable);  // for awaitable operators

// Ends a client connection so that the client sees an error, never a clean end of body:
// RST, not FIN (a FIN would end a close-delimited body as if it were complete).
void ResetClient(beast::tcp_stream& client) {
  error_code ignored;
  client.socket().set_option(asio::socket_base::linger(true, 0), ignored);
  client.socket().close(ignored);
}

}  // namespace

// A request that was sent and whose response head was read.
struct UpstreamPool::Started {
  Lease lease;
  std::optional<ResponseReader> reader;  // refers to *lease (which does not move)
};

UpstreamPool::UpstreamPool(asio::any_io_executor executor, TargetUrl target,
                           UpstreamOptions options, std::shared_ptr<UpstreamPoolGauge> gauge)
    : executor_(std::move(executor)),
      target_(std::move(target)),
      options_(options),
      gauge_(std::move(gauge)) {}

UpstreamPool::~UpstreamPool() = default;

void UpstreamPool::PruneIdle() {
  auto oldest_allowed = Clock::now() - options_.idle_timeout;
  while (!idle_.empty() && idle_.front()->idle_since < oldest_allowed) {
    idle_.front()->Close();
    idle_.pop_front();
  }
  Publish();
}

void UpstreamPool::Publish() {
  if (gauge_ == nullptr) return;
  gauge_->idle.store(static_cast<uint32_t>(idle_.size()), std::memory_order_relaxed);
  gauge_->active.store(static_cast<uint32_t>(active_), std::memory_order_relaxed);
}

void UpstreamPool::Release(std::unique_ptr<UpstreamConnection> connection, bool reusable) {
  --active_;
  if (reusable && idle_.size() < options_.max_idle && connection->socket.is_open()) {
    ++connection->requests;
    connection->idle_since = Clock::now();
    connection->deadline.Clear();
    idle_.push_back(std::move(connection));
  } else {
    connection->Close();
  }
  Publish();
}

UpstreamPool::Lease UpstreamPool::TakeIdle(bool may_retry) {
  constexpr auto kSkipLivenessCheckWithin = std::chrono::milliseconds(500);
  PruneIdle();
  const auto now = Clock::now();
  while (!idle_.empty()) {
    std::unique_ptr<UpstreamConnection> connection = std::move(idle_.back());
    idle_.pop_back();
    const bool recent = may_retry && connection->buffer.size() == 0 &&
                        connection->socket.is_open() &&
                        now - connection->idle_since < kSkipLivenessCheckWithin;
    if (recent || connection->LooksAlive()) return Lease(this, std::move(connection), true);
    connection->Close();
  }
  Publish();
  return Lease{};
}

asio::awaitable<UpstreamPool::Lease> UpstreamPool::Connect(Clock::time_point deadline,
                                                           UpstreamResult& result) {
  using namespace asio::experimental::awaitable_operators;
  Lease lease(this, std::make_unique<UpstreamConnection>(executor_), false);
  Clock::time_point connect_deadline = std::min(deadline, Clock::now() + options_.connect_timeout);
  const HostPort& address = target_.address;
  tcp::socket& socket = lease->socket;
  SocketDeadline& socket_deadline = lease->deadline;
  error_code ec;
  asio::ip::address ip = asio::ip::make_address(address.host, ec);
  if (!ec) {
    socket_deadline.ExpiresAt(connect_deadline);
    auto [connect_ec] = co_await socket.async_connect(tcp::endpoint(ip, address.port), kAwait);
    ec = socket_deadline.Check(connect_ec);
  } else {
    // A name: resolve it (bounded by the connect deadline as far as the resolver can be
    // cancelled), then try its addresses in order.
    tcp::resolver resolver(executor_);
    asio::steady_timer timer(executor_, connect_deadline);
    auto resolved =
        co_await (resolver.async_resolve(address.host, std::to_string(address.port), kAwaitable) ||
                  timer.async_wait(kAwaitable));
    if (resolved.index() == 1) {
      ec = beast::error::timeout;
    } else {
      auto [resolve_ec, endpoints] = std::get<0>(std::move(resolved));
      if (resolve_ec) {
        Fail(result, UpstreamStatus::kConnectError,
             "resolve " + address.host + ": " + resolve_ec.message());
        co_return Lease{};
      }
      socket_deadline.ExpiresAt(connect_deadline);
      // Once the deadline closed the socket, try no further address.
      auto [connect_ec, endpoint] = co_await asio::async_connect(
          socket, endpoints,
          [&socket_deadline](const error_code&, const tcp::endpoint&) {
            return !socket_deadline.expired();
          },
          kAwait);
      (void)endpoint;
      ec = socket_deadline.Check(connect_ec);
    }
  }
  if (ec) {
    std::string what = "connect to " + address.ToString();
    if (ec == beast::error::timeout && Clock::now() >= deadline) {
      Fail(result, UpstreamStatus::kTimeout, what + ": deadline passed");
    } else if (ec == beast::error::timeout) {
      Fail(result, UpstreamStatus::kConnectError,
           what + ": timed out after " + std::to_string(options_.connect_timeout.count()) + " ms");
    } else {
      Fail(result, UpstreamStatus::kConnectError, what + ": " + ec.message());
    }
    co_return Lease{};
  }
  socket_deadline.Clear();
  error_code ignored;
  socket.set_option(tcp::no_delay(true), ignored);
  ++opened_;
  co_return lease;
}

asio::awaitable<UpstreamPool::Started> UpstreamPool::Start(const UpstreamRequest& request,
                                                           Clock::time_point deadline,
                                                           UpstreamResult& result) {
  Result<std::string> head = SerializeRequestHead(request, target_);
  if (!head.ok()) {
    Fail(result, UpstreamStatus::kInvalidRequest, head.error().message);
    co_return Started{};
  }
  const bool head_request = request.method == "HEAD";
  const bool may_retry = IsRetryableMethod(request.method);
  for (int attempt = 0;; ++attempt) {
    // The retry uses a new connection.
    Lease lease = attempt == 0 ? TakeIdle(may_retry) : Lease{};
    if (!lease) lease = co_await Connect(deadline, result);
    if (!lease) co_return Started{};
    result.reused_connection = lease.reused();
    // Only a pooled connection can be stale, and only once: the retry uses a new one.
    const bool stale_retry_allowed = lease.reused() && attempt == 0 && may_retry;
    // One deadline for writing the request and reading the whole response head.
    lease->deadline.ExpiresAt(deadline);
    std::array<asio::const_buffer, 2> out{asio::buffer(*head), asio::buffer(request.body)};
    auto [sent_ec, written] = co_await asio::async_write(lease->socket, out, kAwait);
    (void)written;
    const error_code write_ec = lease->deadline.Check(sent_ec);
    if (write_ec) {
      if (stale_retry_allowed && write_ec != beast::error::timeout) {
        result.retried = true;
        continue;
      }
      FailWith(result, "write request", write_ec);
      co_return Started{};
    }
    std::optional<ResponseReader> reader;
    reader.emplace(*lease, head_request, options_.max_header_bytes);
    std::optional<error_code> head_ec = reader->ParseHead();
    while (!head_ec) {
      auto [ec, bytes] = co_await lease->socket.async_read_some(reader->ReadSpace(), kAwait);
      head_ec = reader->HeadRead(ec, bytes);
    }
    const error_code read_ec = *head_ec;
    if (read_ec) {
      if (stale_retry_allowed && !reader->got_some() && read_ec != beast::error::timeout) {
        result.retried = true;
        continue;
      }
      FailWith(result, "read response head", read_ec);
      co_return Started{};
    }
    co_return Started{std::move(lease), std::move(reader)};
  }
}

asio::awaitable<UpstreamResult> UpstreamPool::Exchange(const UpstreamRequest& request,
                                                       Clock::time_point deadline) {
  const Clock::time_point start = Clock::now();
  UpstreamResult result;
  Started started = co_await Start(request, deadline, result);
  if (!started.lease) {
    result.response.duration_ms = MillisSince(start);
    co_return result;
  }
  ResponseReader& reader = *started.reader;
  const BodyEnd end = co_await ReadBuffered(reader, result, options_);
  if (end == BodyEnd::kComplete) {
    result.body_complete = true;
    started.lease.Release(reader.reusable());
  }  // else the lease closes the connection
  result.response.duration_ms = MillisSince(start);
  co_return result;
}

asio::awaitable<RelayResult> UpstreamPool::Relay(const UpstreamRequest& request,
                                                 RelayClient client_framing,
                                                 beast::tcp_stream& client,
                                                 Clock::time_point deadline) {
  const Clock::time_point start = Clock::now();
  RelayResult out;
  UpstreamResult& result = out.upstream;
  Started started = co_await Start(request, deadline, result);
  if (!started.lease) {
    result.response.duration_ms = MillisSince(start);
    co_return out;
  }
  ResponseReader& reader = *started.reader;
  SocketDeadline& upstream_deadline = started.lease->deadline;
  // Bounds each client write of this relay (body_idle_timeout); the caller's edge sets its own.
  SocketDeadline client_deadline(client.socket());
  result.response.status = reader.status();
  result.response.headers = EndToEndHeaders(reader);
  const bool has_body = reader.has_body();
  const std::optional<uint64_t> content_length = has_body ? reader.content_length() : std::nullopt;
  const RelayFraming framing =
      ChooseClientFraming(has_body, content_length.has_value(), client_framing.version);
  const bool closing =
      client_framing.closing != nullptr && client_framing.closing->load(std::memory_order_acquire);
  const bool keep_alive =
      client_framing.keep_alive && !closing && framing != RelayFraming::kCloseDelimited;
  std::string client_head =
      ComposeResponseHead(result.response.status, reader.reason(), result.response.headers, framing,
                          content_length, client_framing.version, keep_alive);

  // The head (until it was sent, out.head_sent) and the body pieces gathered from one read,
  // framed as one chunk when the client gets chunked framing, as buffers for one gathered
  // write; the write itself is awaited inline (no coroutine frame per write). An upstream that
  // sends many small chunks at once costs one client write per kMaxPieces of them, not one
  // each: re-chunking is allowed (RFC 9112 §7.1), and the pieces are views into the upstream
  // connection's buffer, valid until its next read.
  // With the framing, 16 buffers: Asio's async_write passes at most 16 to one sendmsg.
  constexpr size_t kMaxPieces = 12;
  std::array<std::string_view, kMaxPieces> pieces;
  size_t piece_count = 0;
  size_t piece_bytes = 0;
  std::string chunk_line;
  std::array<asio::const_buffer, kMaxPieces + 4> buffers;
  auto frame_for_client = [&](bool last) {
    size_t count = 0;
    if (!out.head_sent) buffers[count++] = asio::buffer(client_head);
    if (piece_bytes > 0) {
      if (framing == RelayFraming::kChunked) {
        chunk_line = ChunkSizeLine(piece_bytes);
        buffers[count++] = asio::buffer(chunk_line);
      }
      for (size_t i = 0; i < piece_count; ++i) {
        buffers[count++] = asio::buffer(pieces[i].data(), pieces[i].size());
      }
      if (framing == RelayFraming::kChunked) buffers[count++] = asio::buffer("\r\n", 2);
    }
    if (last && framing == RelayFraming::kChunked) buffers[count++] = asio::buffer("0\r\n\r\n", 5);
    piece_count = 0;
    piece_bytes = 0;
    if (count > 0) {
      out.head_sent = true;
      client_deadline.ExpiresAfter(options_.body_idle_timeout);
    }
    return std::span<const asio::const_buffer>(buffers.data(), count);
  };
  // Captures a body piece and queues it for the next write.
  auto add_piece = [&](std::string_view piece) {
    Capture(result, piece, options_.capture_cap);
    if (piece.empty()) return;
    pieces[piece_count++] = piece;
    piece_bytes += piece.size();
  };
  // A failed body read: the client must not take a cut body for a whole one.
  auto body_failed = [&](const error_code& ec) {
    FailWith(result, "read response body", ec);
    ResetClient(client);
    result.response.duration_ms = MillisSince(start);
  };
  // After a write of frame_for_client's buffers: true when it failed (or the deadline closed
  // the socket), with the client reset and the failure recorded.
  auto client_write_failed = [&](const error_code& ec) {
    const error_code checked = client_deadline.Check(ec);
    client_deadline.Clear();  // not while waiting for the next upstream piece
    if (!checked) return false;
    out.client_write_failed = true;
    ResetClient(client);
    result.response.duration_ms = MillisSince(start);
    return true;
  };

  if (content_length) {
    result.response.body.reserve(
        static_cast<size_t>(std::min(*content_length, options_.capture_cap)));
  }
  // With body bytes already buffered behind the head, or a small body of known length (which
  // the client cannot use without its body anyway, and which follows the head at once), the
  // first piece goes out with the head: one write. Otherwise the head goes out alone, before
  // waiting for a large or open-ended body.
  constexpr uint64_t kCoalesceBodyBytes = 16 << 10;
  const bool small_body = content_length && *content_length <= kCoalesceBodyBytes;
  if (!has_body || (started.lease->buffer.size() == 0 && !small_body)) {
    auto [ec, written] =
        co_await asio::async_write(client.socket(), frame_for_client(!has_body), kAwait);
    (void)written;
    if (client_write_failed(ec)) co_return out;
  }
  while (!reader.done()) {
    upstream_deadline.ExpiresAfter(options_.body_idle_timeout);
    // The pieces view the upstream connection's buffer until the next read: written before it.
    std::optional<std::pair<error_code, std::string_view>> buffered = reader.NextBuffered();
    auto [ec, bytes] = buffered ? *buffered : co_await reader.ReadBody();
    if (ec) {
      body_failed(ec);
      co_return out;
    }
    add_piece(bytes);
    // Whatever else that read brought, up to kMaxPieces pieces.
    while (piece_count < kMaxPieces && !reader.done()) {
      buffered = reader.NextBuffered();
      if (!buffered) break;
      if (buffered->first) {
        body_failed(buffered->first);
        co_return out;
      }
      add_piece(buffered->second);
    }
    if (piece_count == 0 && !reader.done() && out.head_sent) continue;
    const std::span<const asio::const_buffer> framed = frame_for_client(reader.done());
    if (framed.empty()) continue;
    auto [write_ec, written] = co_await asio::async_write(client.socket(), framed, kAwait);
    (void)written;
    if (client_write_failed(write_ec)) co_return out;
  }
  result.body_complete = true;
  started.lease.Release(reader.reusable());
  if (framing == RelayFraming::kCloseDelimited) {
    error_code ignored;  // the end of the body is the end of the stream
    client.socket().shutdown(tcp::socket::shutdown_send, ignored);
  }
  out.client_reusable = keep_alive;
  result.response.duration_ms = MillisSince(start);
  co_return out;
}

}  // namespace shadowdiff
