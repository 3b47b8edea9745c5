// The dashboard's routes (AddUiRoutes) through AdminRouter::Handle, no socket: what each
// path answers, with which headers, and that the embedded bytes are the files of
// src/admin/ui/. Plus guards on those files for what the CSP and the XSS rule require.
#include "src/admin/ui_routes.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <optional>
#include <sstream>
#include <string>

namespace shadowdiff {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

std::string ReadSourceFile(const std::string& name) {
  std::string path = SHADOWDIFF_UI_DIR "/";
  path.append(name);
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

std::optional<std::string> HeaderOf(const AdminResponse& response, std::string_view name) {
  for (const auto& [n, v] : response.headers) {
    if (n == name) return v;
  }
  return std::nullopt;
}

class UiRoutesTest : public ::testing::Test {
 protected:
  UiRoutesTest() { AddUiRoutes(&router_); }
  AdminResponse Get(std::string target, std::string method = "GET") const {
    return router_.Handle(AdminRequest::Make(std::move(method), std::move(target)));
  }
  AdminRouter router_;
};

TEST_F(UiRoutesTest, RootServesIndexHtml) {
  AdminResponse response = Get("/");
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.content_type, "text/html; charset=utf-8");
  EXPECT_EQ(response.body, ReadSourceFile("index.html"));
  EXPECT_THAT(response.body, HasSubstr("<script src=\"/ui/app.js\""));
  EXPECT_THAT(response.body, HasSubstr("href=\"/ui/app.css\""));
}

TEST_F(UiRoutesTest, RootIgnoresTheQuery) { EXPECT_EQ(Get("/?refresh=1").status, 200); }

TEST_F(UiRoutesTest, AssetsAreTheSourceFilesByteForByte) {
  AdminResponse js = Get("/ui/app.js");
  EXPECT_EQ(js.status, 200);
  EXPECT_EQ(js.content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(js.body, ReadSourceFile("app.js"));
  AdminResponse css = Get("/ui/app.css");
  EXPECT_EQ(css.status, 200);
  EXPECT_EQ(css.content_type, "text/css; charset=utf-8");
  EXPECT_EQ(css.body, ReadSourceFile("app.css"));
  EXPECT_FALSE(css.body.empty());
}

TEST_F(UiRoutesTest, EveryAnswerHasNoCacheCspAndNosniff) {
  for (const char* target : {"/", "/ui/index.html", "/ui/app.js", "/ui/app.css"}) {
    SCOPED_TRACE(target);
    AdminResponse response = Get(target);
    EXPECT_EQ(HeaderOf(response, "Cache-Control"), "no-cache");
    EXPECT_EQ(HeaderOf(response, "Content-Security-Policy"), std::string(kUiContentSecurityPolicy));
    EXPECT_EQ(HeaderOf(response, "X-Content-Type-Options"), "nosniff");
  }
  EXPECT_THAT(std::string(kUiContentSecurityPolicy), HasSubstr("default-src 'self'"));
  EXPECT_THAT(std::string(kUiContentSecurityPolicy), Not(HasSubstr("unsafe-inline")));
  EXPECT_THAT(std::string(kUiContentSecurityPolicy), Not(HasSubstr("unsafe-eval")));
}

TEST_F(UiRoutesTest, UnknownAssetIs404AndOtherMethodsAre405) {
  EXPECT_EQ(Get("/ui/missing.js").status, 404);
  EXPECT_EQ(Get("/ui/../admin_router.h").status, 404);
  EXPECT_EQ(Get("/", "POST").status, 405);
  EXPECT_EQ(Get("/", "HEAD").status, 200);
}

TEST(UiContentTypeTest, ByExtension) {
  EXPECT_EQ(UiContentType("index.html"), "text/html; charset=utf-8");
  EXPECT_EQ(UiContentType("app.js"), "text/javascript; charset=utf-8");
  EXPECT_EQ(UiContentType("app.css"), "text/css; charset=utf-8");
  EXPECT_EQ(UiContentType("logo.svg"), "image/svg+xml");
  EXPECT_EQ(UiContentType("data.bin"), "application/octet-stream");
  EXPECT_EQ(UiContentType("js"), "application/octet-stream");
}

// The CSP allows no inline script or style attribute and no other origin: the page must
// not need them (it would break silently, in the browser only).
TEST(UiFilesTest, IndexHtmlHasNoInlineScriptStyleOrExternalResource) {
  const std::string html = ReadSourceFile("index.html");
  EXPECT_THAT(html, Not(HasSubstr("<script>")));
  EXPECT_THAT(html, Not(HasSubstr("style=")));
  EXPECT_THAT(html, Not(HasSubstr("<style")));
  EXPECT_THAT(html, Not(HasSubstr("onclick")));
  EXPECT_THAT(html, Not(HasSubstr("http://")));
  EXPECT_THAT(html, Not(HasSubstr("https://")));
}

// Examples are untrusted traffic: the script builds nodes with textContent only.
TEST(UiFilesTest, AppJsNeverParsesHtmlOrLoadsFromElsewhere) {
  std::string js = ReadSourceFile("app.js");
  // The SVG namespace is a name, not a resource.
  const std::string svg_namespace = "'http://www.w3.org/2000/svg'";
  for (size_t at; (at = js.find(svg_namespace)) != std::string::npos;) {
    js.erase(at, svg_namespace.size());
  }
  for (const char* sink : {"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write",
                           "eval(", "new Function", "https://", "http://"}) {
    EXPECT_THAT(js, Not(HasSubstr(sink))) << sink;
  }
}

}  // namespace
}  // namespace shadowdiff
