// AdminRouter without sockets: routing, 404/405, bearer auth on mutating routes, handler
// failures, and the /metrics, /healthz, /api/reload routes.
#include "src/admin/admin_router.h"

#include <gtest/gtest.h>

#include <stdexcept>

#include "src/admin/admin_routes.h"
#include "src/metrics/metrics.h"

namespace shadowdiff {
namespace {

AdminRequest Req(std::string method, std::string target, HeaderList headers = {}) {
  AdminRequest request = AdminRequest::Make(std::move(method), std::move(target));
  request.headers = std::move(headers);
  return request;
}

std::optional<std::string> HeaderOf(const AdminResponse& response, std::string_view name) {
  for (const auto& [k, v] : response.headers) {
    if (k == name) return v;
  }
  return std::nullopt;
}

AdminRouter RouterWithEcho() {
  AdminRouter router;
  router.AddRoute("GET", "/echo", [](const AdminRequest& r) {
    return AdminResponse::Text(200, "GET " + r.path + " q=" + r.query);
  });
  router.AddRoute(
      "POST", "/api/do",
      [](const AdminRequest& r) {
        return AdminResponse::Json(200, "{\"body\":\"" + r.body + "\"}");
      },
      /*reads_body=*/true);
  return router;
}

TEST(AdminRequestTest, SplitsTargetAndDecodesQueryParameters) {
  AdminRequest r = Req("GET", "/api/mismatches?endpoint=%2Fa%2F%7Bid%7D&limit=5&x=a+b&flag");
  EXPECT_EQ(r.path, "/api/mismatches");
  EXPECT_EQ(r.query, "endpoint=%2Fa%2F%7Bid%7D&limit=5&x=a+b&flag");
  EXPECT_EQ(r.QueryParam("endpoint"), "/a/{id}");
  EXPECT_EQ(r.QueryParam("limit"), "5");
  EXPECT_EQ(r.QueryParam("x"), "a b");
  EXPECT_EQ(r.QueryParam("flag"), "");
  EXPECT_FALSE(r.QueryParam("missing").has_value());
  EXPECT_EQ(Req("GET", "/p?bad=%zz%4").QueryParam("bad"), "%zz%4");
  EXPECT_EQ(Req("GET", "/plain").query, "");
}

TEST(AdminRequestTest, HeaderLookupIsCaseInsensitive) {
  AdminRequest r = Req("GET", "/", {{"X-One", "1"}, {"x-one", "2"}});
  EXPECT_EQ(r.Header("x-ONE"), "1");
  EXPECT_FALSE(r.Header("x-two").has_value());
}

TEST(AdminRouterTest, RoutesByExactPathAndMethod) {
  AdminRouter router = RouterWithEcho();
  AdminResponse response = router.Handle(Req("GET", "/echo?a=1"));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "GET /echo q=a=1");
  EXPECT_EQ(router.Handle(Req("GET", "/echo/")).status, 404);
  EXPECT_EQ(router.Handle(Req("GET", "/ECHO")).status, 404);
}

TEST(AdminRouterTest, UnknownPathIs404WithAJsonError) {
  AdminResponse response = RouterWithEcho().Handle(Req("GET", "/nope"));
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.content_type, "application/json");
  EXPECT_EQ(response.body, R"({"ok":false,"error":"no such admin resource: /nope"})");
}

TEST(AdminRouterTest, WrongMethodIs405WithAllow) {
  AdminRouter router = RouterWithEcho();
  AdminResponse response = router.Handle(Req("DELETE", "/echo"));
  EXPECT_EQ(response.status, 405);
  EXPECT_EQ(HeaderOf(response, "Allow"), "GET, HEAD");
  EXPECT_NE(response.body.find("\"ok\":false"), std::string::npos);
  EXPECT_EQ(HeaderOf(router.Handle(Req("GET", "/api/do")), "Allow"), "POST");
}

TEST(AdminRouterTest, HeadUsesTheGetRoute) {
  AdminResponse response = RouterWithEcho().Handle(Req("HEAD", "/echo"));
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "GET /echo q=");  // the server sends only the head
}

TEST(AdminRouterTest, WithoutATokenMutatingRoutesAreOpen) {
  AdminRouter router = RouterWithEcho();
  EXPECT_FALSE(router.has_token());
  EXPECT_EQ(router.Handle(Req("POST", "/api/do")).status, 200);
}

TEST(AdminRouterTest, WithATokenMutatingRoutesNeedTheBearerToken) {
  AdminRouter router = RouterWithEcho();
  router.SetBearerToken("s3cret");
  AdminResponse missing = router.Handle(Req("POST", "/api/do"));
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(HeaderOf(missing, "WWW-Authenticate"), "Bearer");
  EXPECT_NE(missing.body.find("admin.token_env"), std::string::npos);
  for (const char* value : {"Bearer wrong", "Bearer s3cret2", "Bearer s3cre", "Basic s3cret",
                            "s3cret", "Bearer", "Bearer "}) {
    EXPECT_EQ(router.Handle(Req("POST", "/api/do", {{"Authorization", value}})).status, 401)
        << value;
  }
  EXPECT_EQ(router.Handle(Req("POST", "/api/do", {{"Authorization", "Bearer s3cret"}})).status,
            200);
  EXPECT_EQ(router.Handle(Req("POST", "/api/do", {{"authorization", "bearer  s3cret "}})).status,
            200);
  // Reads stay open: Prometheus scrapes without credentials.
  EXPECT_EQ(router.Handle(Req("GET", "/echo")).status, 200);
  EXPECT_EQ(router.Handle(Req("HEAD", "/echo")).status, 200);
}

TEST(AdminRouterTest, AMutatingRouteThatTakesQueryArgumentsRefusesABody) {
  AdminRouter router = RouterWithEcho();
  int calls = 0;
  router.AddRoute("POST", "/api/reset", [&calls](const AdminRequest&) {
    ++calls;
    return AdminResponse::Json(200, "{\"ok\":true}");
  });
  AdminRequest with_json = Req("POST", "/api/reset");
  with_json.body = R"({"endpoint":"/users/{id}"})";
  AdminResponse refused = router.Handle(with_json);
  EXPECT_EQ(refused.status, 400);
  EXPECT_NE(refused.body.find("query string"), std::string::npos) << refused.body;
  EXPECT_EQ(calls, 0);  // the handler (here: reset everything) never ran
  // A blank body is no argument at all; a route added with reads_body gets its body.
  AdminRequest blank = Req("POST", "/api/reset");
  blank.body = " \r\n";
  EXPECT_EQ(router.Handle(blank).status, 200);
  EXPECT_EQ(calls, 1);
  AdminRequest echoed = Req("POST", "/api/do");
  echoed.body = "x";
  EXPECT_EQ(router.Handle(echoed).body, R"({"body":"x"})");
  // Without the token the answer is 401 first, body or not.
  router.SetBearerToken("t");
  EXPECT_EQ(router.Handle(with_json).status, 401);
}

TEST(AdminRouterTest, AThrowingHandlerIs500AndTheRouterKeepsWorking) {
  AdminRouter router = RouterWithEcho();
  router.AddRoute("GET", "/boom",
                  [](const AdminRequest&) -> AdminResponse { throw std::runtime_error("bad"); });
  AdminResponse response = router.Handle(Req("GET", "/boom"));
  EXPECT_EQ(response.status, 500);
  EXPECT_EQ(response.body, R"({"ok":false,"error":"internal error: bad"})");
  EXPECT_EQ(router.Handle(Req("GET", "/echo")).status, 200);
}

TEST(AdminResponseTest, ErrorMessagesAreJsonEscaped) {
  EXPECT_EQ(AdminResponse::Error(400, "t.yaml:1:2: bad \"x\"\n").body,
            R"({"ok":false,"error":"t.yaml:1:2: bad \"x\"\n"})");
}

TEST(ConstantTimeEqualsTest, ComparesContents) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abcd"));
  EXPECT_FALSE(ConstantTimeEquals("", "a"));
}

TEST(BearerTokenFromEnvTest, ReadsTheNamedVariable) {
  ::setenv("SHADOWDIFF_TEST_ADMIN_TOKEN", "tok", 1);
  EXPECT_EQ(BearerTokenFromEnv("SHADOWDIFF_TEST_ADMIN_TOKEN"), "tok");
  ::setenv("SHADOWDIFF_TEST_ADMIN_TOKEN", "", 1);
  EXPECT_EQ(BearerTokenFromEnv("SHADOWDIFF_TEST_ADMIN_TOKEN"), "");
  ::unsetenv("SHADOWDIFF_TEST_ADMIN_TOKEN");
  EXPECT_EQ(BearerTokenFromEnv("SHADOWDIFF_TEST_ADMIN_TOKEN"), "");
  EXPECT_EQ(BearerTokenFromEnv(""), "");
}

TEST(AdminRoutesTest, MetricsHealthAndReload) {
  Metrics metrics("9.9.9");
  metrics.CountDropped(ShadowSkip::kPaused);
  AdminRouter router;
  AddMetricsRoute(&router, &metrics);
  AddHealthRoute(&router);
  bool fail = false;
  int calls = 0;
  AddReloadRoute(&router, [&]() -> Status {
    ++calls;
    if (fail) return Error{"e.yaml:3:5: unknown key `sampel`"};
    return {};
  });

  AdminResponse scrape = router.Handle(Req("GET", "/metrics"));
  EXPECT_EQ(scrape.status, 200);
  EXPECT_EQ(scrape.content_type, "text/plain; version=0.0.4; charset=utf-8");
  EXPECT_NE(scrape.body.find("\nshadowdiff_shadow_dropped_total{reason=\"paused\"} 1\n"),
            std::string::npos);
  EXPECT_NE(scrape.body.find("shadowdiff_build_info{version=\"9.9.9\"} 1"), std::string::npos);

  AdminResponse health = router.Handle(Req("GET", "/healthz"));
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, R"({"ok":true})");

  AdminResponse ok = router.Handle(Req("POST", "/api/reload"));
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(ok.body, R"({"ok":true})");
  fail = true;
  AdminResponse bad = router.Handle(Req("POST", "/api/reload"));
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body, R"({"ok":false,"error":"e.yaml:3:5: unknown key `sampel`"})");
  EXPECT_EQ(router.Handle(Req("GET", "/api/reload")).status, 405);
  EXPECT_EQ(calls, 2);
}

}  // namespace
}  // namespace shadowdiff
