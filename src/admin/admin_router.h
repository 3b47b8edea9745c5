// AdminRouter: the admin server's request -> response decisions, with no I/O (Beast's
// `handle_request` idea): exact-path routes per method, bearer-token auth for mutating
// routes, and JSON 401/404/405/500 answers. AdminServer feeds it parsed requests; tests call
// Handle() directly.
//
// Routing: a route is (method, path); the path is compared exactly with the request-target
// before its `?`. HEAD is answered by the GET route of the same path (the server sends the
// head only). A known path with another method gets 405 with an `Allow` header; an unknown
// path 404.
//
// Bodies: a route that changes something (any method but GET and HEAD) takes its arguments
// from the query string unless it was added with `reads_body`; a request to it with a body
// that is not blank is refused with 400 before the handler runs, so that arguments sent as a
// JSON body (e.g. {"endpoint": ...} to /api/endpoints/reset, which would otherwise reset every
// endpoint) are never silently ignored.
//
// Auth: when a bearer token is set (non-empty), every route whose method is not GET or HEAD
// requires `Authorization: Bearer <token>`, compared in constant time; otherwise 401 with
// `WWW-Authenticate: Bearer`. With no token every route is open (SPEC.md: the admin server
// binds to loopback by default; AdminServer warns when it does not).
//
// Thread-safety: configure (AddRoute, SetBearerToken) before the server starts; afterwards
// Handle() is const and may run on any thread. Handlers run on the admin server's thread and
// must not block for long: they delay every other admin request, never the proxy.
#ifndef SHADOWDIFF_ADMIN_ADMIN_ROUTER_H_
#define SHADOWDIFF_ADMIN_ADMIN_ROUTER_H_

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace shadowdiff {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct AdminRequest {
  std::string method;  // as on the request line, e.g. "GET"
  std::string target;  // request-target as sent, e.g. "/api/mismatches?endpoint=%2Fa&limit=5"
  std::string path;    // `target` before the first '?'
  std::string query;   // `target` after the first '?' (raw), "" when none
  HeaderList headers;  // in arrival order, names as sent
  std::string body;

  // First header named `name` (case-insensitive), or nullopt.
  std::optional<std::string_view> Header(std::string_view name) const;
  // First query parameter named `name`, percent-decoded ('+' as space), or nullopt.
  std::optional<std::string> QueryParam(std::string_view name) const;

  // Splits `target` into path and query.
  static AdminRequest Make(std::string method, std::string target);
};

struct AdminResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  HeaderList headers;  // extra headers (not Content-Type / Content-Length)

  static AdminResponse Json(int status, std::string json);
  static AdminResponse Text(int status, std::string text);
  // {"ok":false,"error":"<message>"} with `status`.
  static AdminResponse Error(int status, std::string_view message);
};

using AdminHandler = std::function<AdminResponse(const AdminRequest&)>;

class AdminRouter {
 public:
  // Adds or replaces the route for (method, path). `method` is upper-case ("GET", "POST"),
  // `path` starts with '/'. `reads_body`: the handler reads AdminRequest::body (see Bodies).
  void AddRoute(std::string method, std::string path, AdminHandler handler,
                bool reads_body = false);

  // Mutating routes need this token from now on; "" makes every route open.
  void SetBearerToken(std::string token) { token_ = std::move(token); }
  bool has_token() const { return !token_.empty(); }

  // The response to `request`. A handler that throws yields 500 (the server keeps serving).
  AdminResponse Handle(const AdminRequest& request) const;

 private:
  struct Route {
    AdminHandler handler;
    bool reads_body = false;
  };

  bool Authorized(const AdminRequest& request) const;

  std::map<std::string, std::map<std::string, Route>, std::less<>> routes_;  // path -> method
  std::string token_;
};

// The bearer token from environment variable `env_name`, or "" when the name is empty or the
// variable is unset or empty. Reads the environment: call at startup, before threads start.
std::string BearerTokenFromEnv(const std::string& env_name);

// Whether `a` and `b` are equal, in time independent of where they differ and of their
// lengths (both are hashed first).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace shadowdiff

#endif  // SHADOWDIFF_ADMIN_ADMIN_ROUTER_H_
