// Router: maps METHOD + path to a route handler by path templates such as
// "/merchants/{mid}/customers/{token}". A "{name}" segment matches one non-empty segment
// (percent-decoded); routes are tried in the order added. A path that matches a template under
// another method is "method not allowed" (405, with the allowed methods), else "not found"
// (404). HEAD is answered by the GET route. Immutable after setup: Find is thread-safe.
#ifndef DEMO_SERVICES_COMMON_ROUTER_H_
#define DEMO_SERVICES_COMMON_ROUTER_H_

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "tools/demo-services/common/route_context.h"

namespace demo {

class Router {
 public:
  void Add(std::string_view method, std::string_view path_template, RouteHandler handler);

  struct Match {
    const RouteHandler* handler = nullptr;  // set when found
    PathParams params;
    int status = 0;     // 0 found, 404 no route, 405 wrong method
    std::string allow;  // for 405: "GET, POST"
  };
  // `path` is the request path without the query string.
  Match Find(std::string_view method, std::string_view path) const;

 private:
  struct Route {
    std::string method;
    std::vector<std::string> segments;  // literal, or "{name}"
    RouteHandler handler;
  };
  std::vector<Route> routes_;
};

// Splits "/a/b%20c" into {"a", "b c"}; nullopt for a path that is not absolute, has empty
// segments or a bad percent-escape.
std::optional<std::vector<std::string>> SplitPath(std::string_view path);

}  // namespace demo

#endif  // DEMO_SERVICES_COMMON_ROUTER_H_
