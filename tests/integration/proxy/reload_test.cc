// Reloading the config of a running proxy (POST /api/reload on the admin server): a good file
// changes the rules for the next requests; a broken one is rejected whole with its error, the
// old config keeps serving, and the failure is counted.
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/integration/proxy/proxy_fixture.h"

namespace shadowdiff::test {
namespace {

using ::testing::HasSubstr;

constexpr char kBefore[] = R"(
endpoints:
  - path: /c
    methods: [GET]
)";
constexpr char kAfter[] = R"(
endpoints:
  - path: /c
    methods: [GET]
    compare:
      ignore: ["$.request_id"]
)";

class ReloadTest : public ProxyFixture {
 protected:
  void SetUp() override {
    old_->SetReply(FakeReply::Json(200, R"({"a":1,"request_id":"r-1"})"));
    new_->SetReply(FakeReply::Json(200, R"({"a":1,"request_id":"r-2"})"));
  }
};

TEST_F(ReloadTest, AddedIgnoreRuleTurnsMismatchIntoMatch) {
  ASSERT_TRUE(StartProxy(kBefore));
  const double ok_before = Counter("shadowdiff_config_reloads_total", {{"result", "ok"}});
  ASSERT_EQ(Get("/c").status, 200);
  ASSERT_TRUE(WaitForOutcome("/c", "GET", "mismatch"));

  WriteConfig(kAfter);
  HttpResponse reload = Admin("POST", "/api/reload");
  ASSERT_TRUE(reload.ok);
  EXPECT_EQ(reload.status, 200) << reload.body;
  EXPECT_EQ(Counter("shadowdiff_config_reloads_total", {{"result", "ok"}}), ok_before + 1);

  for (int i = 0; i < 3; ++i) ASSERT_EQ(Get("/c").status, 200);
  EXPECT_TRUE(WaitForOutcome("/c", "GET", "match", 3));
  EXPECT_EQ(Counter("shadowdiff_requests_total", OutcomeLabels("/c", "GET", "mismatch")), 1);
}

TEST_F(ReloadTest, BrokenFileIsRejectedAndTheOldConfigKeepsServing) {
  ASSERT_TRUE(StartProxy(kAfter));
  ASSERT_EQ(Get("/c").status, 200);
  ASSERT_TRUE(WaitForOutcome("/c", "GET", "match"));

  WriteFile(std::string("targets:\n  old: ") + old_->url() + "\n  new: " + new_->url() +
            "\nendpoints:\n  - path: /c\n    methods: [GET]\n    sampel: 0.5\n");
  HttpResponse reload = Admin("POST", "/api/reload");
  ASSERT_TRUE(reload.ok);
  EXPECT_EQ(reload.status, 400);
  EXPECT_THAT(reload.body, HasSubstr("sampel"));
  EXPECT_THAT(reload.body, HasSubstr("endpoints.yaml:"));  // FILE:LINE:COL
  EXPECT_EQ(Counter("shadowdiff_config_reloads_total", {{"result", "error"}}), 1);

  // Still the old rules (the ignore rule): match.
  ASSERT_EQ(Get("/c").status, 200);
  EXPECT_TRUE(WaitForOutcome("/c", "GET", "match", 2));

  // A file that is not YAML at all, and a missing target: rejected too.
  WriteFile("{{{{ not yaml\n");
  EXPECT_EQ(Admin("POST", "/api/reload").status, 400);
  WriteFile("endpoints:\n  - path: /c\n");
  EXPECT_EQ(Admin("POST", "/api/reload").status, 400);
  EXPECT_EQ(Counter("shadowdiff_config_reloads_total", {{"result", "error"}}), 3);
  ASSERT_EQ(Get("/c").status, 200);
  EXPECT_TRUE(WaitForOutcome("/c", "GET", "match", 3));
}

TEST_F(ReloadTest, NewEndpointAppearsAfterReload) {
  ASSERT_TRUE(StartProxy(kBefore));
  ASSERT_EQ(Get("/d").status, 200);
  ASSERT_TRUE(WaitForOutcome("unmatched", "GET", "not_shadowed"));
  WriteConfig(std::string(kBefore) + "  - path: /d\n    methods: [GET]\n");
  ASSERT_EQ(Admin("POST", "/api/reload").status, 200);
  ASSERT_EQ(Get("/d").status, 200);
  EXPECT_TRUE(WaitForOutcome("/d", "GET", "mismatch"));
}

}  // namespace
}  // namespace shadowdiff::test
