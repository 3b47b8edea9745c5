#include "src/proxy/request_head.h"

#include <algorithm>
#include <iterator>
#include <tuple>
#include <utility>

#include <boost/asio/buffer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/status.hpp>

namespace shadowdiff {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

EdgeOptions EdgeOptions::FromLimits(const Limits& limits) {
  EdgeOptions options;
  options.max_request_body_bytes = limits.max_request_body_bytes;
  options.max_header_bytes = limits.max_header_bytes;
  options.header_timeout = std::chrono::milliseconds(limits.header_timeout_ms);
  options.idle_timeout = std::chrono::milliseconds(limits.idle_timeout_ms);
  options.body_timeout = std::chrono::milliseconds(limits.body_timeout_ms);
  return options;
}

std::string EdgeErrorResponse(const Refusal& refusal) {
  std::string body(refusal.reason);
  body += '\n';
  std::string out = "HTTP/1.1 ";
  out += std::to_string(refusal.status);
  out += ' ';
  out += http::obsolete_reason(http::int_to_status(static_cast<unsigned>(refusal.status)));
  out += "\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ";
  out += std::to_string(body.size());
  out += "\r\nConnection: close\r\n\r\n";
  out += body;
  return out;
}

HeadVerdict ParseRequestHead(std::string_view head, const EdgeOptions& options,
                             std::string_view client_ip, RequestParser& parser,
                             InboundRequest& out) {
  HeadVerdict verdict;
  // The scanner bounded the head already; Beast's own limit (8 KiB by default) must not cut
  // in first. Its body limit makes it refuse a too-large Content-Length at once.
  parser.header_limit(std::max<uint32_t>(options.max_header_bytes, 1024) + 1024);
  parser.body_limit(options.max_request_body_bytes);
  parser.eager(false);
  beast::error_code ec;
  size_t used = parser.put(asio::buffer(head.data(), head.size()), ec);
  if (ec == http::error::body_limit) {
    verdict.refusal = Refusal{413, "request body too large"};
    return verdict;
  }
  if (ec == http::error::header_limit) {
    verdict.refusal = Refusal{431, "request header fields too large"};
    return verdict;
  }
  if (ec || !parser.is_header_done() || used != head.size()) {
    verdict.refusal = Refusal{400, "malformed request head"};
    return verdict;
  }

  const auto& message = parser.get();
  // Sized once: the fields, and the two AppendForwardedFor adds.
  HeaderList headers;
  headers.reserve(static_cast<size_t>(std::distance(message.begin(), message.end())) + 2);
  for (const auto& field : message) {
    const std::string_view name = field.name_string();
    const std::string_view value = field.value();
    headers.emplace_back(std::piecewise_construct, std::forward_as_tuple(name.data(), name.size()),
                         std::forward_as_tuple(value.data(), value.size()));
  }
  verdict = CheckRequestHead(message.method_string(), message.target(), message.version(), headers,
                             options.max_request_body_bytes);
  if (!verdict.ok()) return verdict;

  out.method = std::string(message.method_string());
  out.target = std::string(message.target());
  out.version = message.version();
  out.keep_alive = message.keep_alive();
  out.client_ip = std::string(client_ip);
  StripHopByHop(headers);
  StripShadowHeaders(headers);
  // The edge answers 100-continue itself and forwards a complete body.
  std::erase_if(headers, [](const auto& field) { return EqualsLower(field.first, "expect"); });
  AppendForwardedFor(headers, client_ip);
  out.headers = std::move(headers);
  return verdict;
}

}  // namespace shadowdiff
