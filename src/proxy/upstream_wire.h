// The HTTP/1.1 wire text UpstreamPool writes, as plain functions with no I/O so tests can
// call them without a socket: the request head sent upstream, the retry rule, and the
// response head a relay sends to its client with the body framing it chooses. Thread-safe.
#ifndef SHADOWDIFF_PROXY_UPSTREAM_WIRE_H_
#define SHADOWDIFF_PROXY_UPSTREAM_WIRE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "src/core/exchange.h"
#include "src/core/net_address.h"
#include "src/core/result.h"
#include "src/proxy/upstream_types.h"

namespace shadowdiff {

// The Host header value for `target`: "host" for port 80, else "host:port" (IPv6 bracketed).
std::string HostHeaderValue(const TargetUrl& target);

// The request line and fields to send for `request` to `target`, ending with the blank line
// (the body follows as is). The target's base path is prefixed to request.target; Host is
// the target; Host, Content-Length, Transfer-Encoding and Connection from request.headers
// are dropped and Content-Length is written when the body is non-empty or the method is
// POST, PUT or PATCH. An error (nothing may be sent) when the method is not a token, the
// target holds a control character or space, or a field name/value could split the head.
Result<std::string> SerializeRequestHead(const UpstreamRequest& request, const TargetUrl& target);

// Whether a request may be sent again on a fresh connection after a pooled connection failed
// before any response byte arrived. Only GET, HEAD and OPTIONS: this project counts PUT and
// DELETE as writes (docs/DESIGN.md), and a POST is never resent.
bool IsRetryableMethod(std::string_view method);
// Whether UpstreamPool::ExchangePipelined may carry `request`: a method IsRetryableMethod
// allows (an unanswered pipelined request is sent again) and no body.
bool CanPipeline(const UpstreamRequest& request);

// How a relayed body is delimited towards the client.
enum class RelayFraming {
  kNone,            // no body: HEAD request, 1xx, 204, 304
  kContentLength,   // the upstream's Content-Length, bytes copied as they arrive
  kChunked,         // re-chunked for an HTTP/1.1 client (upstream chunked or close-delimited)
  kCloseDelimited,  // HTTP/1.0 client and no Content-Length: the end of the body is a close
};

RelayFraming ChooseClientFraming(bool response_has_body, bool upstream_content_length,
                                 unsigned client_version);

// The response head a relay writes to its client: "HTTP/1.1 <status> <reason>", the fields of
// `headers` in order with their names as given (the caller removed hop-by-hop fields), then
// the framing: for kContentLength the first Content-Length field keeps its place with the
// value `content_length` and later ones are dropped; for kChunked and kCloseDelimited every
// Content-Length is dropped and kChunked appends "Transfer-Encoding: chunked"; kNone keeps
// Content-Length fields as sent unless the status is 204 or 1xx. Then "Connection: close"
// when !keep_alive, "Connection: keep-alive" for a keep-alive HTTP/1.0 client, and the blank
// line.
std::string ComposeResponseHead(int status, std::string_view reason, const HeaderList& headers,
                                RelayFraming framing, std::optional<uint64_t> content_length,
                                unsigned client_version, bool keep_alive);

// "<size in hex>\r\n" — the line before a chunk of `size` bytes (size > 0).
std::string ChunkSizeLine(size_t size);

}  // namespace shadowdiff

#endif  // SHADOWDIFF_PROXY_UPSTREAM_WIRE_H_
