// HttpRequest / HttpResponse: the plain request and response values the demo services'
// handlers work on, independent of the HTTP stack (Beast stays in http_server.cc), so that
// request -> response decisions are plain functions a test can call without a socket.
#ifndef DEMO_SERVICES_COMMON_HTTP_MESSAGE_H_
#define DEMO_SERVICES_COMMON_HTTP_MESSAGE_H_

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace demo {

struct HttpRequest {
  std::string method;  // as on the request line, e.g. "GET"
  std::string target;  // request-target exactly as on the request line, e.g. "/a?b=1"
  std::vector<std::pair<std::string, std::string>> headers;  // in arrival order
  std::string body;

  // The first header with this name (case-insensitive), or nullopt.
  std::optional<std::string_view> Header(std::string_view name) const;
  // The target without its query string.
  std::string_view Path() const;
  // The query string after '?', or "".
  std::string_view Query() const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;  // besides Content-Type
  std::string body;
};

}  // namespace demo

#endif  // DEMO_SERVICES_COMMON_HTTP_MESSAGE_H_
