// The comparison rules of endpoints.yaml applied through the whole proxy: ignore, arrays
// by_key, number spellings, compared headers, status — each seen as the outcome and field
// counters on /metrics.
#include <string>

#include <gtest/gtest.h>

#include "tests/integration/proxy/proxy_fixture.h"

namespace shadowdiff::test {
namespace {

constexpr char kConfig[] = R"(
defaults:
  compare:
    headers: [content-type]
    ignore: ["$..updated_at"]
endpoints:
  - path: /ignored
    methods: [GET]
  - path: /keyed
    methods: [GET]
    compare:
      arrays: {by_key: id}
  - path: /ordered
    methods: [GET]
  - path: /numbers
    methods: [GET]
  - path: /headers
    methods: [GET]
  - path: /status
    methods: [GET]
)";

class RulesTest : public ProxyFixture {
 protected:
  // Old and new answer `old_body` / `new_body` (JSON) for every request.
  void Bodies(const std::string& old_body, const std::string& new_body) {
    old_->SetReply(FakeReply::Json(200, old_body));
    new_->SetReply(FakeReply::Json(200, new_body));
  }
  double Field(const std::string& endpoint, const std::string& field, const std::string& kind) {
    return Counter("shadowdiff_field_mismatches_total",
                   {{"endpoint", endpoint}, {"method", "GET"}, {"field", field}, {"kind", kind}});
  }
};

TEST_F(RulesTest, IgnoredFieldsAtAnyDepthMatch) {
  Bodies(R"({"updated_at":"2024-01-01","a":{"updated_at":1,"b":[{"updated_at":"x","c":1}]}})",
         R"({"updated_at":"2025-05-05","a":{"updated_at":2,"b":[{"updated_at":"y","c":1}]}})");
  ASSERT_TRUE(StartProxy(kConfig));
  ASSERT_EQ(Get("/ignored").status, 200);
  EXPECT_TRUE(WaitForOutcome("/ignored", "GET", "match"));
  EXPECT_EQ(Counter("shadowdiff_requests_total", OutcomeLabels("/ignored", "GET", "mismatch")), 0);
}

TEST_F(RulesTest, ArraysByKeyMatchWhenReordered) {
  const std::string old_body = R"({"items":[{"id":1,"v":"a"},{"id":2,"v":"b"},{"id":3,"v":"c"}]})";
  const std::string new_body = R"({"items":[{"id":3,"v":"c"},{"id":1,"v":"a"},{"id":2,"v":"b"}]})";
  Bodies(old_body, new_body);
  ASSERT_TRUE(StartProxy(kConfig));
  ASSERT_EQ(Get("/keyed").status, 200);
  EXPECT_TRUE(WaitForOutcome("/keyed", "GET", "match"));
  // The same reordering is a mismatch where arrays are ordered (the default).
  ASSERT_EQ(Get("/ordered").status, 200);
  EXPECT_TRUE(WaitForOutcome("/ordered", "GET", "mismatch"));
}

TEST_F(RulesTest, ArraysByKeyStillSeeAChangedElement) {
  Bodies(R"({"items":[{"id":1,"v":"a"},{"id":2,"v":"b"}]})",
         R"({"items":[{"id":2,"v":"B"},{"id":1,"v":"a"}]})");
  ASSERT_TRUE(StartProxy(kConfig));
  ASSERT_EQ(Get("/keyed").status, 200);
  EXPECT_TRUE(WaitForOutcome("/keyed", "GET", "mismatch"));
  EXPECT_TRUE(WaitForCounter(
      "shadowdiff_field_mismatches_total",
      {{"endpoint", "/keyed"}, {"method", "GET"}, {"field", "$.items[*].v"}, {"kind", "value"}},
      1));
}

TEST_F(RulesTest, NumberSpellingsAreEqual) {
  Bodies(R"({"n":1,"m":100,"f":0.5})", R"({"n":1.0,"m":1e2,"f":5e-1})");
  ASSERT_TRUE(StartProxy(kConfig));
  ASSERT_EQ(Get("/numbers").status, 200);
  EXPECT_TRUE(WaitForOutcome("/numbers", "GET", "match"));
}

TEST_F(RulesTest, ComparedHeaderDiffers) {
  old_->SetReply(FakeReply::Text(200, R"({"a":1})", "application/json"));
  new_->SetReply(FakeReply::Text(200, R"({"a":1})", "application/problem+json"));
  ASSERT_TRUE(StartProxy(kConfig));
  ASSERT_EQ(Get("/headers").status, 200);
  EXPECT_TRUE(WaitForOutcome("/headers", "GET", "mismatch"));
  EXPECT_TRUE(WaitForCounter("shadowdiff_field_mismatches_total",
                             {{"endpoint", "/headers"},
                              {"method", "GET"},
                              {"field", "header:content-type"},
                              {"kind", "value"}},
                             1));
}

TEST_F(RulesTest, UncomparedHeaderDoesNotMatter) {
  old_->SetReply(FakeReply::Json(200, R"({"a":1})").WithHeader("X-Served-By", "old-7"));
  new_->SetReply(FakeReply::Json(200, R"({"a":1})").WithHeader("X-Served-By", "new-2"));
  ASSERT_TRUE(StartProxy(kConfig));
  ASSERT_EQ(Get("/headers").status, 200);
  EXPECT_TRUE(WaitForOutcome("/headers", "GET", "match"));
}

TEST_F(RulesTest, StatusDiffers) {
  old_->SetReply(FakeReply::Json(200, R"({"a":1})"));
  new_->SetReply(FakeReply::Json(201, R"({"a":1})"));
  ASSERT_TRUE(StartProxy(kConfig));
  ASSERT_EQ(Get("/status").status, 200);
  EXPECT_TRUE(WaitForOutcome("/status", "GET", "mismatch"));
  EXPECT_TRUE(WaitForCounter(
      "shadowdiff_field_mismatches_total",
      {{"endpoint", "/status"}, {"method", "GET"}, {"field", "status"}, {"kind", "value"}}, 1));
}

}  // namespace
}  // namespace shadowdiff::test
