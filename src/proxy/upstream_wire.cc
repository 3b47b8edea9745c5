// Wire text of the upstream side; the header states the contracts.
#include "src/proxy/upstream_wire.h"

#include <charconv>
#include <cstdio>

#include "src/proxy/http_guard.h"

namespace shadowdiff {
namespace {

// A field value or request target may not contain CR, LF or NUL (they would split the head).
// One pass with one compare per byte for the common bytes (all of them above CR).
bool HasLineBreakOrNul(std::string_view text) {
  for (unsigned char c : text) {
    if (c <= '\r' && (c == '\r' || c == '\n' || c == '\0')) return true;
  }
  return false;
}

bool IsRequestTargetSafe(std::string_view target) {
  for (unsigned char c : target) {
    if (c <= 0x20 || c == 0x7f) return false;
  }
  return true;
}

bool IsFramingOrHostField(std::string_view name) {
  return EqualsLower(name, "host") || EqualsLower(name, "content-length") ||
         EqualsLower(name, "transfer-encoding") || EqualsLower(name, "connection");
}

void AppendField(std::string& out, std::string_view name, std::string_view value) {
  out.append(name);
  out.append(": ");
  out.append(value);
  out.append("\r\n");
}

}  // namespace

std::string_view UpstreamStatusName(UpstreamStatus status) {
  switch (status) {
    case UpstreamStatus::kOk:
      return "ok";
    case UpstreamStatus::kConnectError:
      return "connect_error";
    case UpstreamStatus::kTimeout:
      return "timeout";
    case UpstreamStatus::kIoError:
      return "io_error";
    case UpstreamStatus::kProtocolError:
      return "protocol_error";
    case UpstreamStatus::kInvalidRequest:
      return "invalid_request";
  }
  return "unknown";
}

namespace {

// Appends HostHeaderValue(target) to `out` (no temporary strings: once per request sent).
void AppendHostHeaderValue(std::string& out, const TargetUrl& target) {
  const std::string& host = target.address.host;
  const bool ipv6 = host.find(':') != std::string::npos;
  if (ipv6) out.push_back('[');
  out.append(host);
  if (ipv6) out.push_back(']');
  if (target.address.port != 80) {
    char port[8];
    auto [end, ec] = std::to_chars(port, port + sizeof(port), target.address.port);
    (void)ec;  // a uint16_t always fits
    out.push_back(':');
    out.append(port, end);
  }
}

}  // namespace

std::string HostHeaderValue(const TargetUrl& target) {
  std::string value;
  AppendHostHeaderValue(value, target);
  return value;
}

Result<std::string> SerializeRequestHead(const UpstreamRequest& request, const TargetUrl& target) {
  if (!IsToken(request.method)) {
    return Error{"request method is not an HTTP token"};
  }
  if (!IsRequestTargetSafe(request.target)) {
    return Error{"request target contains a space or control character"};
  }
  std::string head;
  head.reserve(256 + request.target.size() + request.headers.size() * 48);
  head.append(request.method);
  head.push_back(' ');
  head.append(target.base_path);
  if (request.target.empty()) {
    if (target.base_path.empty()) head.push_back('/');
  } else if (request.target == "*" && target.base_path.empty()) {
    head.push_back('*');
  } else {
    if (request.target.front() != '/') head.push_back('/');
    head.append(request.target);
  }
  head.append(" HTTP/1.1\r\n");
  head.append("Host: ");
  AppendHostHeaderValue(head, target);
  head.append("\r\n");
  for (const auto& [name, value] : request.headers) {
    if (!IsToken(name) || HasLineBreakOrNul(value)) {
      return Error{"request header field '" + name +
                   "' cannot be sent (not a token, or CR/LF/NUL)"};
    }
    if (IsFramingOrHostField(name)) continue;
    AppendField(head, name, value);
  }
  if (!request.body.empty() || request.method == "POST" || request.method == "PUT" ||
      request.method == "PATCH") {
    AppendField(head, "Content-Length", std::to_string(request.body.size()));
  }
  head.append("\r\n");
  return head;
}

bool IsRetryableMethod(std::string_view method) {
  return method == "GET" || method == "HEAD" || method == "OPTIONS";
}

bool CanPipeline(const UpstreamRequest& request) {
  return IsRetryableMethod(request.method) && request.body.empty();
}

RelayFraming ChooseClientFraming(bool response_has_body, bool upstream_content_length,
                                 unsigned client_version) {
  if (!response_has_body) return RelayFraming::kNone;
  if (upstream_content_length) return RelayFraming::kContentLength;
  return client_version >= 11 ? RelayFraming::kChunked : RelayFraming::kCloseDelimited;
}

std::string ComposeResponseHead(int status, std::string_view reason, const HeaderList& headers,
                                RelayFraming framing, std::optional<uint64_t> content_length,
                                unsigned client_version, bool keep_alive) {
  std::string head;
  size_t estimate = 64;
  for (const auto& [name, value] : headers) estimate += name.size() + value.size() + 4;
  head.reserve(estimate);
  head.append("HTTP/1.1 ");
  if (status >= 0 && status <= 999) {  // always, from Beast's parser: three digits
    const char digits[3] = {static_cast<char>('0' + status / 100),
                            static_cast<char>('0' + status / 10 % 10),
                            static_cast<char>('0' + status % 10)};
    head.append(digits, 3);
  } else {
    char status_text[16];
    std::snprintf(status_text, sizeof(status_text), "%03d", status);
    head.append(status_text);
  }
  head.push_back(' ');
  head.append(reason);
  head.append("\r\n");
  bool keep_length_fields =
      framing == RelayFraming::kNone && status != 204 && !(status >= 100 && status < 200);
  bool length_written = false;
  for (const auto& [name, value] : headers) {
    if (EqualsLower(name, "content-length")) {
      if (framing == RelayFraming::kContentLength && !length_written && content_length) {
        AppendField(head, name, std::to_string(*content_length));
        length_written = true;
      } else if (keep_length_fields) {
        AppendField(head, name, value);
      }
      continue;
    }
    AppendField(head, name, value);
  }
  if (framing == RelayFraming::kContentLength && !length_written && content_length) {
    AppendField(head, "Content-Length", std::to_string(*content_length));
  }
  if (framing == RelayFraming::kChunked) AppendField(head, "Transfer-Encoding", "chunked");
  if (!keep_alive) {
    AppendField(head, "Connection", "close");
  } else if (client_version < 11) {
    AppendField(head, "Connection", "keep-alive");
  }
  head.append("\r\n");
  return head;
}

std::string ChunkSizeLine(size_t size) {
  char line[32];
  int n = std::snprintf(line, sizeof(line), "%zx\r\n", size);
  return std::string(line, static_cast<size_t>(n));
}

}  // namespace shadowdiff
