#include "src/core/net_address.h"

#include <charconv>

namespace shadowdiff {
namespace {

bool IsHostChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_';
}

bool IsV6Char(char c) {
  return (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || (c >= '0' && c <= '9') || c == ':' ||
         c == '.';
}

Result<uint16_t> ParsePort(std::string_view text, bool allow_zero) {
  unsigned value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || value > 65535 ||
      (value == 0 && !allow_zero)) {
    return Error{"port `" + std::string(text) + "` must be a number from " +
                 (allow_zero ? "0" : "1") + " to 65535"};
  }
  return static_cast<uint16_t>(value);
}

// Splits "host:port" / "[v6]:port" / "host" (has_port false).
Result<HostPort> ParseAuthority(std::string_view text, bool require_port, bool allow_zero,
                                uint16_t default_port) {
  HostPort out;
  std::string_view host;
  std::string_view port;
  bool has_port = false;
  if (!text.empty() && text[0] == '[') {
    const size_t close = text.find(']');
    if (close == std::string_view::npos) return Error{"`[` without a matching `]`"};
    host = text.substr(1, close - 1);
    if (host.empty()) return Error{"empty IPv6 address in `[]`"};
    for (char c : host) {
      if (!IsV6Char(c)) return Error{"`" + std::string(host) + "` is not an IPv6 address"};
    }
    std::string_view after = text.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') return Error{"expected `:PORT` after `]`"};
      port = after.substr(1);
      has_port = true;
    }
  } else {
    const size_t colon = text.rfind(':');
    if (colon != std::string_view::npos) {
      host = text.substr(0, colon);
      port = text.substr(colon + 1);
      has_port = true;
    } else {
      host = text;
    }
    if (host.empty()) return Error{"missing host (write e.g. `127.0.0.1`)"};
    for (char c : host) {
      if (!IsHostChar(c)) {
        return Error{"`" + std::string(host) +
                     "` is not a host name or IPv4 address (IPv6 goes in brackets: `[::1]`)"};
      }
    }
  }
  out.host = std::string(host);
  if (!has_port) {
    if (require_port) return Error{"missing `:PORT`"};
    out.port = default_port;
    return out;
  }
  Result<uint16_t> parsed = ParsePort(port, allow_zero);
  if (!parsed.ok()) return parsed.error();
  out.port = *parsed;
  return out;
}

}  // namespace

std::string HostPort::ToString() const {
  if (host.find(':') != std::string::npos) return "[" + host + "]:" + std::to_string(port);
  return host + ":" + std::to_string(port);
}

Result<HostPort> ParseHostPort(std::string_view text, bool allow_port_zero) {
  Result<HostPort> parsed = ParseAuthority(text, /*require_port=*/true, allow_port_zero, 0);
  if (!parsed.ok()) {
    return Error{"`" + std::string(text) + "` is not HOST:PORT: " + parsed.error().message};
  }
  return parsed;
}

Result<TargetUrl> ParseTargetUrl(std::string_view text) {
  const auto bad = [&](const std::string& why) {
    return Error{"`" + std::string(text) + "` is not an http://HOST:PORT[/BASE] URL: " + why};
  };
  if (text.starts_with("https://")) {
    return bad(
        "https targets are not supported yet; point shadowdiff at a plain-HTTP address "
        "(e.g. a local TLS-terminating sidecar)");
  }
  if (!text.starts_with("http://")) return bad("it must start with `http://`");
  std::string_view rest = text.substr(7);
  const size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view base = slash == std::string_view::npos ? std::string_view() : rest.substr(slash);
  if (authority.find('@') != std::string_view::npos) {
    return bad("credentials in the URL are not supported");
  }
  if (base.find_first_of("?#") != std::string_view::npos) {
    return bad("a target has no query string or fragment");
  }
  Result<HostPort> address = ParseAuthority(authority, false, false, 80);
  if (!address.ok()) return bad(address.error().message);
  TargetUrl out;
  out.address = std::move(address).value();
  while (base.size() > 0 && base.back() == '/') base.remove_suffix(1);
  out.base_path = std::string(base);
  out.text = std::string(text);
  return out;
}

}  // namespace shadowdiff
