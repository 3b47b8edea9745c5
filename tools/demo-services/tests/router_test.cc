#include "tools/demo-services/common/router.h"

#include <gtest/gtest.h>

namespace demo {
namespace {

RouteResult Answer(int status) { return HttpResponse{status, "", {}, ""}; }

TEST(Router, MatchesTemplatesAndDecodesParams) {
  Router router;
  router.Add("GET", "/merchants/{mid}/customers/{token}",
             [](const RouteContext&) { return Answer(200); });
  Router::Match match = router.Find("GET", "/merchants/m%5Facme/customers/cus_1");
  ASSERT_EQ(match.status, 0);
  ASSERT_NE(match.handler, nullptr);
  ASSERT_EQ(match.params.size(), 2u);
  EXPECT_EQ(match.params[0], (std::pair<std::string, std::string>{"mid", "m_acme"}));
  EXPECT_EQ(match.params[1], (std::pair<std::string, std::string>{"token", "cus_1"}));
}

TEST(Router, WrongMethodIs405WithAllowAndUnknownPathIs404) {
  Router router;
  router.Add("GET", "/merchants/{mid}/customers", [](const RouteContext&) { return Answer(200); });
  router.Add("POST", "/merchants/{mid}/customers", [](const RouteContext&) { return Answer(201); });
  Router::Match wrong = router.Find("DELETE", "/merchants/m/customers");
  EXPECT_EQ(wrong.status, 405);
  EXPECT_EQ(wrong.allow, "GET, HEAD, POST");
  EXPECT_EQ(router.Find("GET", "/merchants/m/customers/").status, 404);
  EXPECT_EQ(router.Find("GET", "/merchants//customers").status, 404);
  EXPECT_EQ(router.Find("GET", "/merchants/m%zz/customers").status, 404);
  EXPECT_EQ(router.Find("HEAD", "/merchants/m/customers").status, 0);
}

}  // namespace
}  // namespace demo
