// Sampling and cutover through the whole proxy: `sample` decides whether the shadow is
// called at all (and sampled-out requests are counted as drops); `cutover_percent: 100`
// makes new the primary and old the shadow.
#include <string>

#include <gtest/gtest.h>

#include "tests/integration/proxy/proxy_fixture.h"

namespace shadowdiff::test {
namespace {

class SamplingTest : public ProxyFixture {};

constexpr int kRequests = 8;

TEST_F(SamplingTest, SampleZeroCallsNoShadowAndCountsSampledOut) {
  ASSERT_TRUE(StartProxy(R"(
endpoints:
  - path: /s
    methods: [GET]
    sample: 0
)"));
  const double dropped_before =
      Counter("shadowdiff_shadow_dropped_total", {{"reason", "sampled_out"}});
  for (int i = 0; i < kRequests; ++i) ASSERT_EQ(Get("/s").status, 200);
  EXPECT_TRUE(WaitForOutcome("/s", "GET", "not_shadowed", kRequests));
  EXPECT_EQ(Counter("shadowdiff_shadow_dropped_total", {{"reason", "sampled_out"}}),
            dropped_before + kRequests);
  EXPECT_EQ(old_->request_count(), static_cast<size_t>(kRequests));
  EXPECT_EQ(new_->request_count(), 0u);
}

TEST_F(SamplingTest, SampleOneShadowsEveryRequest) {
  ASSERT_TRUE(StartProxy(R"(
endpoints:
  - path: /s
    methods: [GET]
    sample: 1
)"));
  for (int i = 0; i < kRequests; ++i) ASSERT_EQ(Get("/s").status, 200);
  EXPECT_TRUE(WaitForOutcome("/s", "GET", "match", kRequests));
  EXPECT_TRUE(new_->WaitForRequests(kRequests, 2s));
  EXPECT_EQ(new_->request_count(), static_cast<size_t>(kRequests));
  EXPECT_EQ(Counter("shadowdiff_shadow_dropped_total", {{"reason", "sampled_out"}}), 0);
}

TEST_F(SamplingTest, CutoverHundredPercentMakesNewThePrimary) {
  old_->SetReply(FakeReply::Json(200, R"({"from":"old"})"));
  new_->SetReply(FakeReply::Json(200, R"({"from":"new"})"));
  ASSERT_TRUE(StartProxy(R"(
endpoints:
  - path: /c
    methods: [GET]
    cutover_percent: 100
)"));
  for (int i = 0; i < 3; ++i) {
    HttpResponse r = Get("/c");
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(r.body, R"({"from":"new"})");
  }
  // Old received the shadow copies: with the protocol headers, and after the client's answer.
  ASSERT_TRUE(old_->WaitForRequests(3, 2s));
  for (const RecordedRequest& r : old_->requests()) {
    EXPECT_TRUE(r.Header("Shadow-Id").has_value());
    EXPECT_EQ(r.Header("Shadow-Mode"), "compare");
  }
  for (const RecordedRequest& r : new_->requests()) EXPECT_FALSE(r.Header("Shadow-Id"));
  // Old vs new still compared (old's answer is the reference).
  EXPECT_TRUE(WaitForOutcome("/c", "GET", "mismatch", 3));
  EXPECT_TRUE(WaitForCounter(
      "shadowdiff_field_mismatches_total",
      {{"endpoint", "/c"}, {"method", "GET"}, {"field", "$.from"}, {"kind", "value"}}, 3));
}

TEST_F(SamplingTest, PrimaryNew) {
  new_->SetReply(FakeReply::Json(200, R"({"from":"new"})"));
  ASSERT_TRUE(StartProxy(R"(
defaults:
  primary: new
endpoints:
  - path: /c
    methods: [GET]
)"));
  EXPECT_EQ(Get("/c").body, R"({"from":"new"})");
  ASSERT_TRUE(old_->WaitForRequests(1, 2s));
  EXPECT_TRUE(old_->requests()[0].Header("Shadow-Id").has_value());
}

}  // namespace
}  // namespace shadowdiff::test
