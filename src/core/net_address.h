// HostPort and TargetUrl: the network addresses endpoints.yaml names — listen addresses
// (`127.0.0.1:8080`, `[::1]:8080`) and upstream targets (`http://host:port[/base]`).
// Parsing only, no name resolution. Plain values; thread-safe.
#ifndef SHADOWDIFF_CORE_NET_ADDRESS_H_
#define SHADOWDIFF_CORE_NET_ADDRESS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "src/core/result.h"

namespace shadowdiff {

struct HostPort {
  std::string host;  // name, IPv4, or IPv6 without brackets
  uint16_t port = 0;

  std::string ToString() const;  // "host:port", IPv6 in brackets
  bool operator==(const HostPort&) const = default;
};

// "host:port" or "[v6]:port". Port 0 (any free port) only when `allow_port_zero`.
Result<HostPort> ParseHostPort(std::string_view text, bool allow_port_zero);

struct TargetUrl {
  HostPort address;       // port defaults to 80
  std::string base_path;  // "" or "/prefix" (no trailing slash): prepended to each request
  std::string text;       // as written

  bool operator==(const TargetUrl&) const = default;
};

// "http://host[:port][/base]". https is not supported yet (the error says so); userinfo,
// query strings and fragments are refused.
Result<TargetUrl> ParseTargetUrl(std::string_view text);

}  // namespace shadowdiff

#endif  // SHADOWDIFF_CORE_NET_ADDRESS_H_
