// The values UpstreamPool (upstream_pool.h) takes and returns: the request to send, the
// options of a pool, and the outcome of a buffered exchange (UpstreamResult) or of a relay to
// a client (RelayResult). Plain values with no I/O; safe to copy between threads.
#ifndef SHADOWDIFF_PROXY_UPSTREAM_TYPES_H_
#define SHADOWDIFF_PROXY_UPSTREAM_TYPES_H_

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "src/core/exchange.h"

namespace shadowdiff {

// One request to send upstream. `target` is origin-form ("/a/b?c=d", as the client sent it);
// the pool prefixes the target's base path. `headers` are sent in order, names as given,
// except Host (the pool sets it to the target), Content-Length, Transfer-Encoding and
// Connection (the pool frames the request itself: Content-Length when there is a body or the
// method usually has one). The caller has already removed the client's hop-by-hop headers.
struct UpstreamRequest {
  std::string method;  // "GET"
  std::string target;  // "/a/b?c=d"
  HeaderList headers;
  std::string body;
};

enum class UpstreamStatus {
  kOk,              // a complete response head (and, for Exchange, body) was received
  kConnectError,    // refused, unreachable, name not resolved, connect timeout: nothing sent
  kTimeout,         // the deadline passed (or, in Relay's body phase, the idle timeout)
  kIoError,         // reset, or closed before the response was complete
  kProtocolError,   // the upstream sent something that is not an HTTP/1.x response
  kInvalidRequest,  // the request cannot be sent as given (CR/LF/NUL in a field); nothing sent
};

// "ok", "connect_error", "timeout", "io_error", "protocol_error", "invalid_request".
std::string_view UpstreamStatusName(UpstreamStatus status);

struct UpstreamOptions {
  // Connecting (resolve + TCP handshake) fails after this long (kConnectError), or at the
  // exchange's deadline if that comes first (kTimeout).
  std::chrono::milliseconds connect_timeout{1000};
  // An idle keep-alive connection older than this is closed, never reused.
  std::chrono::milliseconds idle_timeout{60000};
  // At most this many idle connections are kept; a connection released beyond it is closed.
  size_t max_idle = 64;
  // A response head (status line + fields) larger than this is kProtocolError.
  uint32_t max_header_bytes = 64 << 10;
  // Response bodies are kept for comparison up to this many bytes (Response::body); the rest
  // is counted and discarded (Response::body_truncated).
  uint64_t capture_cap = 8 << 20;
  // Exchange only: a body is read (and discarded past capture_cap) up to this many bytes in
  // total so the connection can be reused; past it, reading stops, the connection is closed
  // and UpstreamResult::body_complete is false (the result is still kOk: status, headers and
  // the captured prefix are valid).
  uint64_t drain_limit = 64 << 20;
  // Relay only: once the head has been sent to the client, each upstream body read and each
  // client write must complete within this long (kTimeout otherwise, client closed). There is
  // no total bound on the body phase: a slow client may take as long as it needs to download.
  std::chrono::milliseconds body_idle_timeout{30000};
  // ExchangePipelined only: how many requests one connection carries at once (HTTP/1.1
  // pipelining). 1 (or 0) sends one request at a time, as Exchange does.
  size_t pipeline_depth = 1;
};

struct UpstreamResult {
  UpstreamStatus status = UpstreamStatus::kOk;
  std::string detail;  // for logs when status != kOk: what failed ("connect: refused")
  // status, end-to-end headers in wire order with names as received (hop-by-hop removed),
  // body decoded from chunked framing (not from Content-Encoding) up to capture_cap,
  // body_truncated, duration_ms (start of the call to the end of the body or the failure).
  // Valid when status == kOk; after a failure mid-body it holds what arrived.
  Response response;
  uint64_t body_bytes = 0;         // body bytes received in total, captured or not
  bool body_complete = false;      // the whole body was received (see drain_limit)
  bool reused_connection = false;  // sent on a pooled keep-alive connection
  // Sent again: a stale pooled connection failed (Exchange, Relay), or a pipelined
  // connection ended before its response (ExchangePipelined).
  bool retried = false;

  bool ok() const { return status == UpstreamStatus::kOk; }
};

// How the client connection of a relay is framed: its HTTP version and whether it asked to
// stay open (HTTP/1.1 without `Connection: close`, HTTP/1.0 with `Connection: keep-alive`).
struct RelayClient {
  unsigned version = 11;  // 10 or 11
  bool keep_alive = true;
  // When set and true by the time the response head is composed, the client connection will
  // close after this response (a graceful stop began): the head says `Connection: close`.
  const std::atomic<bool>* closing = nullptr;
};

struct RelayResult {
  // The upstream side: status, captured response (headers as received minus hop-by-hop, body
  // prefix up to capture_cap) and timings, as for Exchange.
  UpstreamResult upstream;
  // Some byte was written to the client. When false nothing was written and the caller
  // answers the client itself (502 on kConnectError/kIoError/kProtocolError, 504 on kTimeout).
  bool head_sent = false;
  // Writing to the client failed (it went away or stopped reading); the upstream connection
  // was closed.
  bool client_write_failed = false;
  // The client connection may carry another request. False after `Connection: close`, a
  // close-delimited body (HTTP/1.0 client), or any failure once the head was sent — in those
  // failure cases Relay has already reset the client connection.
  bool client_reusable = false;
};

}  // namespace shadowdiff

#endif  // SHADOWDIFF_PROXY_UPSTREAM_TYPES_H_
