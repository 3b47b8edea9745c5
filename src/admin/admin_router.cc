#include "src/admin/admin_router.h"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <cstdlib>
#include <exception>

#include "src/core/diff_json.h"
#include "src/core/exchange.h"  // EqualsIgnoreCase
#include "src/io/log.h"

namespace shadowdiff {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decodes a query component; '+' is a space. Invalid escapes are kept as written.
std::string DecodeQueryComponent(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '+') {
      out.push_back(' ');
    } else if (c == '%' && i + 2 < text.size() && HexValue(text[i + 1]) >= 0 &&
               HexValue(text[i + 2]) >= 0) {
      out.push_back(static_cast<char>(HexValue(text[i + 1]) * 16 + HexValue(text[i + 2])));
      i += 2;
    } else {
      out.push_back(c);
    }
  }
  return out;
}

bool IsReadOnly(std::string_view method) { return method == "GET" || method == "HEAD"; }

}  // namespace

// ---- AdminRequest / AdminResponse ----------------------------------------------------------

std::optional<std::string_view> AdminRequest::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (EqualsIgnoreCase(key, name)) return std::string_view(value);
  }
  return std::nullopt;
}

std::optional<std::string> AdminRequest::QueryParam(std::string_view name) const {
  std::string_view rest = query;
  while (!rest.empty()) {
    size_t amp = rest.find('&');
    std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    size_t eq = pair.find('=');
    std::string_view key = pair.substr(0, eq);
    std::string_view value =
        eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    if (DecodeQueryComponent(key) == name) return DecodeQueryComponent(value);
  }
  return std::nullopt;
}

AdminRequest AdminRequest::Make(std::string method, std::string target) {
  AdminRequest request;
  request.method = std::move(method);
  request.target = std::move(target);
  size_t q = request.target.find('?');
  request.path = request.target.substr(0, q);
  if (q != std::string::npos) request.query = request.target.substr(q + 1);
  return request;
}

AdminResponse AdminResponse::Json(int status, std::string json) {
  AdminResponse response;
  response.status = status;
  response.body = std::move(json);
  return response;
}

AdminResponse AdminResponse::Text(int status, std::string text) {
  AdminResponse response;
  response.status = status;
  response.content_type = "text/plain; charset=utf-8";
  response.body = std::move(text);
  return response;
}

AdminResponse AdminResponse::Error(int status, std::string_view message) {
  std::string json = "{\"ok\":false,\"error\":";
  AppendJsonString(&json, message);
  json += '}';
  return Json(status, std::move(json));
}

// ---- AdminRouter ---------------------------------------------------------------------------

void AdminRouter::AddRoute(std::string method, std::string path, AdminHandler handler,
                           bool reads_body) {
  routes_[std::move(path)][std::move(method)] = Route{std::move(handler), reads_body};
}

bool AdminRouter::Authorized(const AdminRequest& request) const {
  if (token_.empty() || IsReadOnly(request.method)) return true;
  std::optional<std::string_view> header = request.Header("authorization");
  if (!header) return false;
  constexpr std::string_view kScheme = "bearer ";
  std::string_view value = *header;
  if (value.size() < kScheme.size() ||
      !EqualsIgnoreCase(value.substr(0, kScheme.size()), kScheme)) {
    return false;
  }
  value.remove_prefix(kScheme.size());
  while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
  while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.remove_suffix(1);
  return ConstantTimeEquals(value, token_);
}

AdminResponse AdminRouter::Handle(const AdminRequest& request) const {
  auto path_it = routes_.find(request.path);
  if (path_it == routes_.end()) {
    return AdminResponse::Error(404, "no such admin resource: " + request.path);
  }
  const auto& by_method = path_it->second;
  auto it = by_method.find(request.method);
  if (it == by_method.end() && request.method == "HEAD") it = by_method.find("GET");
  if (it == by_method.end()) {
    std::string allow;
    for (const auto& [method, route] : by_method) {
      if (!allow.empty()) allow += ", ";
      allow += method;
      if (method == "GET" && !by_method.contains("HEAD")) allow += ", HEAD";
    }
    AdminResponse response = AdminResponse::Error(
        405, request.method + " is not allowed on " + request.path + "; use " + allow);
    response.headers.emplace_back("Allow", allow);
    return response;
  }
  if (!Authorized(request)) {
    AdminResponse response = AdminResponse::Error(
        401,
        "this call needs \"Authorization: Bearer <token>\" with the admin token (the "
        "environment variable named by admin.token_env)");
    response.headers.emplace_back("WWW-Authenticate", "Bearer");
    return response;
  }
  if (!it->second.reads_body && !IsReadOnly(request.method) &&
      request.body.find_first_not_of(" \t\r\n") != std::string::npos) {
    return AdminResponse::Error(
        400, request.method + " " + request.path +
                 " takes its arguments from the query string and does not read a request body "
                 "(e.g. POST /api/endpoints/reset?endpoint=/users/{id}&method=GET); send it "
                 "without one");
  }
  try {
    return it->second.handler(request);
  } catch (const std::exception& e) {
    log::Error("admin_handler_failed", {{"path", request.path}, {"error", e.what()}});
    return AdminResponse::Error(500, std::string("internal error: ") + e.what());
  } catch (...) {
    log::Error("admin_handler_failed", {{"path", request.path}, {"error", "unknown exception"}});
    return AdminResponse::Error(500, "internal error");
  }
}

std::string BearerTokenFromEnv(const std::string& env_name) {
  if (env_name.empty()) return "";
  const char* value = std::getenv(env_name.c_str());  // NOLINT(concurrency-mt-unsafe): startup
  return value == nullptr ? "" : value;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  unsigned char hash_a[SHA256_DIGEST_LENGTH];
  unsigned char hash_b[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(a.data()), a.size(), hash_a);
  SHA256(reinterpret_cast<const unsigned char*>(b.data()), b.size(), hash_b);
  return CRYPTO_memcmp(hash_a, hash_b, sizeof(hash_a)) == 0;
}

}  // namespace shadowdiff
