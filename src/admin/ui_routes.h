// The diff dashboard's routes: GET / (index.html) and GET /ui/<file> for the other files of
// src/admin/ui/, which are compiled into the binary (cmake/EmbedFiles.cmake), so the
// dashboard works without internet access and never goes out of step with the binary.
//
// Every answer carries `Cache-Control: no-cache` (the browser revalidates after an upgrade),
// a strict `Content-Security-Policy` (only this origin's scripts, styles and fetches; no
// inline script, no framing) and `X-Content-Type-Options: nosniff`. The page reads the JSON
// API of docs/ADMIN_API.md (/api/endpoints, /api/mismatches), registered elsewhere.
//
// Thread-safety: the embedded files are immutable; the handlers may run on any thread.
#ifndef SHADOWDIFF_ADMIN_UI_ROUTES_H_
#define SHADOWDIFF_ADMIN_UI_ROUTES_H_

#include <span>
#include <string_view>

#include "src/admin/admin_router.h"

namespace shadowdiff {

// One file of src/admin/ui/: `name` relative to that folder ("app.js"), `content` its bytes.
struct EmbeddedFile {
  std::string_view name;
  std::string_view content;
};

// The embedded dashboard files (defined by the source generated at build time).
std::span<const EmbeddedFile> EmbeddedUiFiles();

// The Content-Security-Policy sent with the dashboard.
inline constexpr std::string_view kUiContentSecurityPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'";

// "text/html; charset=utf-8" for "index.html", by extension (.html .js .css .svg .png .ico
// .json); "application/octet-stream" otherwise.
std::string_view UiContentType(std::string_view name);

// GET / -> index.html, GET /ui/<name> -> each embedded file (index.html included).
void AddUiRoutes(AdminRouter* router);

}  // namespace shadowdiff

#endif  // SHADOWDIFF_ADMIN_UI_ROUTES_H_
