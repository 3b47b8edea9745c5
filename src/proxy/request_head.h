// The head step of a client session, without I/O: the edge's limits (EdgeOptions), parsing
// a complete request head with Beast's parser under the HTTP guard (http_guard.h), and the
// bytes of the edge's own error answers. Client sessions (client_session.h) call it per
// request; the request fuzzer and unit tests call it directly. Pure functions.
#ifndef SHADOWDIFF_PROXY_REQUEST_HEAD_H_
#define SHADOWDIFF_PROXY_REQUEST_HEAD_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

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
  // For the whole body of one request, after its head.
  std::chrono::milliseconds body_timeout{Limits{}.body_timeout_ms};
  // For writing an answer of the edge's own (400, 413, ...), and then for discarding what
  // the client still sends before the socket is closed.
  std::chrono::milliseconds error_write_timeout{5000};
  std::chrono::milliseconds linger_timeout{1000};

  static EdgeOptions FromLimits(const Limits& limits);
};

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

#endif  // SHADOWDIFF_PROXY_REQUEST_HEAD_H_
