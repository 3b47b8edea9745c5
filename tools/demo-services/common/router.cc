#include "tools/demo-services/common/router.h"

#include "tools/demo-services/common/percent_decode.h"

namespace demo {
namespace {

bool IsParam(const std::string& segment) {
  return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

std::optional<std::vector<std::string>> SplitPath(std::string_view path) {
  if (path.empty() || path.front() != '/') return std::nullopt;
  std::vector<std::string> segments;
  if (path == "/") return segments;
  size_t start = 1;
  for (;;) {
    size_t slash = path.find('/', start);
    std::string_view raw =
        path.substr(start, slash == std::string_view::npos ? slash : slash - start);
    if (raw.empty()) return std::nullopt;
    auto decoded = PercentDecode(raw, false);
    if (!decoded || decoded->empty()) return std::nullopt;
    segments.push_back(std::move(*decoded));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return segments;
}

void Router::Add(std::string_view method, std::string_view path_template, RouteHandler handler) {
  Route route;
  route.method = std::string(method);
  size_t start = 1;
  while (start <= path_template.size()) {
    size_t slash = path_template.find('/', start);
    if (slash == std::string_view::npos) slash = path_template.size();
    route.segments.emplace_back(path_template.substr(start, slash - start));
    start = slash + 1;
  }
  route.handler = std::move(handler);
  routes_.push_back(std::move(route));
}

Router::Match Router::Find(std::string_view method, std::string_view path) const {
  if (method == "HEAD") {  // a GET route answers HEAD (the server drops the body)
    return Find("GET", path);
  }
  Match match;
  match.status = 404;
  auto segments = SplitPath(path);
  if (!segments) return match;
  for (const Route& route : routes_) {
    if (route.segments.size() != segments->size()) continue;
    PathParams params;
    bool matches = true;
    for (size_t i = 0; i < segments->size() && matches; ++i) {
      const std::string& pattern = route.segments[i];
      if (IsParam(pattern)) {
        params.emplace_back(pattern.substr(1, pattern.size() - 2), (*segments)[i]);
      } else {
        matches = pattern == (*segments)[i];
      }
    }
    if (!matches) continue;
    if (route.method == method) {
      match.handler = &route.handler;
      match.params = std::move(params);
      match.status = 0;
      match.allow.clear();
      return match;
    }
    match.status = 405;
    if (match.allow.find(route.method) == std::string::npos) {
      if (!match.allow.empty()) match.allow += ", ";
      match.allow += route.method;
      if (route.method == "GET") match.allow += ", HEAD";
    }
  }
  return match;
}

}  // namespace demo
