#include "src/admin/ui_routes.h"

#include <string>
#include <utility>

namespace shadowdiff {
namespace {

bool EndsWith(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

AdminResponse FileResponse(const EmbeddedFile& file) {
  AdminResponse response;
  response.content_type = std::string(UiContentType(file.name));
  response.body = std::string(file.content);
  response.headers = {
      {"Cache-Control", "no-cache"},
      {"Content-Security-Policy", std::string(kUiContentSecurityPolicy)},
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "no-referrer"},
  };
  return response;
}

}  // namespace

std::string_view UiContentType(std::string_view name) {
  static constexpr std::pair<std::string_view, std::string_view> kTypes[] = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".json", "application/json"},
  };
  for (const auto& [extension, type] : kTypes) {
    if (EndsWith(name, extension)) return type;
  }
  return "application/octet-stream";
}

void AddUiRoutes(AdminRouter* router) {
  for (const EmbeddedFile& file : EmbeddedUiFiles()) {
    router->AddRoute("GET", "/ui/" + std::string(file.name),
                     [&file](const AdminRequest&) { return FileResponse(file); });
    if (file.name == "index.html") {
      router->AddRoute("GET", "/", [&file](const AdminRequest&) { return FileResponse(file); });
    }
  }
}

}  // namespace shadowdiff
