// Every outcome kind of SPEC.md on /metrics, produced through the whole proxy:
// shadowdiff_requests_total{endpoint,method,outcome} (and the field counters of a mismatch).
// (rollback_unconfirmed: rollback_test.cc; the shadow fault matrix: faults_test.cc.)
#include <condition_variable>
#include <mutex>
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/integration/proxy/proxy_fixture.h"

namespace shadowdiff::test {
namespace {

using ::testing::HasSubstr;

constexpr char kConfig[] = R"(
defaults:
  timeout_ms: 1000
  shadow_timeout_ms: 500
endpoints:
  - path: /customers/{token}
    methods: [GET]
  - path: /off
    methods: [GET]
    shadow: off
  - path: /sampled
    methods: [GET]
    sample: 0
)";
constexpr char kEndpoint[] = "/customers/{token}";

class OutcomesTest : public ProxyFixture {};

TEST_F(OutcomesTest, Match) {
  old_->SetReply(FakeReply::Json(200, R"({"customer":{"phone":"555-1","name":"Ann"}})"));
  new_->SetReply(FakeReply::Json(200, R"({"customer":{"name":"Ann","phone":"555-1"}})"));
  ASSERT_TRUE(StartProxy(kConfig));
  ASSERT_EQ(Get("/customers/c1").status, 200);
  EXPECT_TRUE(WaitForOutcome(kEndpoint, "GET", "match"));
  EXPECT_EQ(CounterSum("shadowdiff_field_mismatches_total"), 0);
}

TEST_F(OutcomesTest, MismatchCountsTheField) {
  old_->SetReply(FakeReply::Json(200, R"({"customer":{"phone":"555-1","name":"Ann"}})"));
  new_->SetReply(FakeReply::Json(200, R"({"customer":{"phone":"555-2","name":"Ann"}})"));
  ASSERT_TRUE(StartProxy(kConfig));
  HttpResponse r = Get("/customers/c1");
  EXPECT_EQ(r.body, R"({"customer":{"phone":"555-1","name":"Ann"}})");
  EXPECT_TRUE(WaitForOutcome(kEndpoint, "GET", "mismatch"));
  EXPECT_TRUE(WaitForCounter("shadowdiff_field_mismatches_total",
                             {{"endpoint", kEndpoint},
                              {"method", "GET"},
                              {"field", "$.customer.phone"},
                              {"kind", "value"}},
                             1));
  EXPECT_EQ(CounterSum("shadowdiff_field_mismatches_total"), 1);
}

TEST_F(OutcomesTest, MismatchKindsMissingExtraType) {
  old_->SetReply(FakeReply::Json(200, R"({"a":1,"b":"x","c":true})"));
  new_->SetReply(FakeReply::Json(200, R"({"b":2,"c":true,"d":null})"));
  ASSERT_TRUE(StartProxy(kConfig));
  ASSERT_EQ(Get("/customers/c1").status, 200);
  ASSERT_TRUE(WaitForOutcome(kEndpoint, "GET", "mismatch"));
  const Labels base{{"endpoint", kEndpoint}, {"method", "GET"}};
  auto with = [&](std::string field, std::string kind) {
    Labels l = base;
    l["field"] = std::move(field);
    l["kind"] = std::move(kind);
    return l;
  };
  EXPECT_TRUE(WaitForCounter("shadowdiff_field_mismatches_total", with("$.a", "missing"), 1));
  EXPECT_EQ(Counter("shadowdiff_field_mismatches_total", with("$.b", "type")), 1);
  EXPECT_EQ(Counter("shadowdiff_field_mismatches_total", with("$.d", "extra")), 1);
}

TEST_F(OutcomesTest, NoiseWhenTheSecondaryDiffersInTheSameField) {
  old_->SetReply(FakeReply::Json(200, R"({"customer":{"phone":"555-1","request_id":"r-old"}})"));
  new_->SetReply(FakeReply::Json(200, R"({"customer":{"phone":"555-1","request_id":"r-new"}})"));
  ASSERT_TRUE(StartProxy(kConfig, {.secondary = true}));
  secondary_->SetReply(
      FakeReply::Json(200, R"({"customer":{"phone":"555-1","request_id":"r-sec"}})"));
  ASSERT_EQ(Get("/customers/c1").status, 200);
  EXPECT_TRUE(WaitForOutcome(kEndpoint, "GET", "noise"));
  ASSERT_TRUE(secondary_->WaitForRequests(1, 2s));
  EXPECT_EQ(Counter("shadowdiff_requests_total", OutcomeLabels(kEndpoint, "GET", "mismatch")), 0);
  // Noise counts no field.
  EXPECT_EQ(CounterSum("shadowdiff_field_mismatches_total"), 0);

  // A difference the secondary does not share is still a mismatch.
  new_->SetReply(FakeReply::Json(200, R"({"customer":{"phone":"555-9","request_id":"r-new"}})"));
  ASSERT_EQ(Get("/customers/c1").status, 200);
  EXPECT_TRUE(WaitForOutcome(kEndpoint, "GET", "mismatch"));
  EXPECT_TRUE(WaitForCounter("shadowdiff_field_mismatches_total",
                             {{"endpoint", kEndpoint},
                              {"method", "GET"},
                              {"field", "$.customer.phone"},
                              {"kind", "value"}},
                             1));
  EXPECT_EQ(CounterSum("shadowdiff_field_mismatches_total", {{"field", "$.customer.request_id"}}),
            0);
}

TEST_F(OutcomesTest, ShadowErrorOn5xx) {
  old_->SetReply(FakeReply::Json(200, R"({"a":1})"));
  new_->SetReply(FakeReply::Json(500, R"({"error":"boom"})"));
  ASSERT_TRUE(StartProxy(kConfig));
  HttpResponse r = Get("/customers/c1");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"a":1})");
  EXPECT_TRUE(WaitForOutcome(kEndpoint, "GET", "shadow_error"));
}

TEST_F(OutcomesTest, ShadowErrorOnInvalidJsonWhenThePrimaryIsJson) {
  old_->SetReply(FakeReply::Json(200, R"({"a":1})"));
  new_->SetReply(FakeReply::Json(200, R"({"a":1,)"));
  ASSERT_TRUE(StartProxy(kConfig));
  EXPECT_EQ(Get("/customers/c1").body, R"({"a":1})");
  EXPECT_TRUE(WaitForOutcome(kEndpoint, "GET", "shadow_error"));
}

TEST_F(OutcomesTest, ShadowErrorOnConnectionRefused) {
  old_->SetReply(FakeReply::Json(200, R"({"a":1})"));
  new_->StopListening();
  ASSERT_TRUE(StartProxy(kConfig));
  HttpResponse r = Get("/customers/c1");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"a":1})");
  EXPECT_TRUE(WaitForOutcome(kEndpoint, "GET", "shadow_error"));
}

TEST_F(OutcomesTest, ShadowTimeout) {
  old_->SetReply(FakeReply::Json(200, R"({"a":1})"));
  new_->SetReply(FakeReply::Hang());
  ASSERT_TRUE(StartProxy(R"(
endpoints:
  - path: /customers/{token}
    methods: [GET]
    shadow_timeout_ms: 2500
)"));
  HttpResponse r = Get("/customers/c1");
  EXPECT_EQ(r.status, 200);
  EXPECT_LT(r.elapsed_ms, 1200) << "the client waited for the shadow (2.5 s)";
  EXPECT_TRUE(WaitForOutcome(kEndpoint, "GET", "shadow_timeout", 1, 5s));
}

TEST_F(OutcomesTest, NotShadowedWhenOff) {
  ASSERT_TRUE(StartProxy(kConfig));
  EXPECT_EQ(Get("/off").status, 200);
  EXPECT_TRUE(WaitForOutcome("/off", "GET", "not_shadowed"));
  EXPECT_EQ(new_->request_count(), 0u);
}

TEST_F(OutcomesTest, NotShadowedWhenSampledOut) {
  ASSERT_TRUE(StartProxy(kConfig));
  EXPECT_EQ(Get("/sampled").status, 200);
  EXPECT_TRUE(WaitForOutcome("/sampled", "GET", "not_shadowed"));
  EXPECT_EQ(new_->request_count(), 0u);
}

TEST_F(OutcomesTest, NotShadowedWhenUnmatched) {
  ASSERT_TRUE(StartProxy(kConfig));
  EXPECT_EQ(Get("/nowhere/at/all").status, 200);
  EXPECT_TRUE(WaitForOutcome("unmatched", "GET", "not_shadowed"));
  EXPECT_EQ(new_->request_count(), 0u);
}

TEST_F(OutcomesTest, PrimaryDownGives502) {
  old_->StopListening();
  ASSERT_TRUE(StartProxy(kConfig));
  HttpResponse r = Get("/customers/c1");
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.status, 502);
  EXPECT_TRUE(WaitForOutcome(kEndpoint, "GET", "primary_error"));
}

TEST_F(OutcomesTest, PrimaryHangGives504AfterTimeout) {
  old_->SetReply(FakeReply::Hang());
  ASSERT_TRUE(StartProxy(kConfig));  // timeout_ms: 1000
  HttpResponse r = Get("/customers/c1");
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.status, 504);
  EXPECT_GE(r.elapsed_ms, 900);
  EXPECT_LT(r.elapsed_ms, 4000);
  EXPECT_TRUE(WaitForOutcome(kEndpoint, "GET", "primary_error"));
  EXPECT_THAT(r.body, HasSubstr("timeout"));
}

TEST_F(OutcomesTest, PrimaryErrorOnPrimaryOnlyPath) {
  old_->StopListening();
  ASSERT_TRUE(StartProxy(kConfig));
  EXPECT_EQ(Get("/off").status, 502);
  EXPECT_TRUE(WaitForOutcome("/off", "GET", "primary_error"));
}

TEST_F(OutcomesTest, UnmatchedSafeMethodsAreShadowedWithShadowSafeMethods) {
  ASSERT_TRUE(StartProxy(R"(
unmatched: shadow_safe_methods
endpoints:
  - path: /known
    methods: [GET]
)"));
  EXPECT_EQ(Get("/elsewhere").status, 200);
  EXPECT_TRUE(WaitForOutcome("unmatched", "GET", "match"));
  EXPECT_EQ(new_->request_count(), 1u);
  // A POST that matches nothing is never shadowed.
  EXPECT_EQ(Post("/elsewhere", "{}").status, 200);
  EXPECT_TRUE(WaitForOutcome("unmatched", "POST", "not_shadowed"));
  EXPECT_EQ(new_->request_count(), 1u);
}

// Regression: `off` and unmatched requests were counted in shadowdiff_shadow_dropped_total;
// only drops (IsDrop) are.
TEST_F(OutcomesTest, OffAndUnmatchedAreNotCountedAsDrops) {
  ASSERT_TRUE(StartProxy(kConfig));
  EXPECT_EQ(Get("/off").status, 200);
  EXPECT_EQ(Get("/nowhere").status, 200);
  ASSERT_TRUE(WaitForOutcome("/off", "GET", "not_shadowed"));
  ASSERT_TRUE(WaitForOutcome("unmatched", "GET", "not_shadowed"));
  EXPECT_EQ(CounterSum("shadowdiff_shadow_dropped_total"), 0)
      << "off/unmatched requests counted as dropped shadow calls";
}

// Holds the comparison worker inside its first compared exchange until released, so that
// exchange's bodies stay held by the comparison pool.
class BlockingObserver final : public ExchangeObserver {
 public:
  void OnExchange(const ObservedExchange& x) override {
    std::unique_lock lock(mu_);
    ++seen_;
    seen_changed_.notify_all();
    if (x.outcome != Outcome::kMatch || blocked_once_) return;
    blocked_once_ = true;
    released_changed_.wait_for(lock, std::chrono::seconds(10), [&] { return released_; });
  }
  bool WaitForSeen(int n) {
    std::unique_lock lock(mu_);
    return seen_changed_.wait_for(lock, std::chrono::seconds(5), [&] { return seen_ >= n; });
  }
  void Release() {
    std::lock_guard lock(mu_);
    released_ = true;
    released_changed_.notify_all();
  }

 private:
  std::mutex mu_;
  std::condition_variable seen_changed_, released_changed_;
  int seen_ = 0;
  bool blocked_once_ = false;
  bool released_ = false;
};

TEST_F(OutcomesTest, ComparisonsBeyondTheByteBudgetAreDropped) {
  // 2 x 600 KB per exchange against a 1 MiB budget: the first fits (nothing else is held);
  // while its comparison runs, the second does not and is dropped as queue_full.
  const std::string big = "{\"blob\":\"" + std::string(600 << 10, 'x') + "\"}";
  old_->SetReply(FakeReply::Json(200, big));
  new_->SetReply(FakeReply::Json(200, big));
  auto observer = std::make_shared<BlockingObserver>();
  ProxyStartOptions options;
  options.observer = observer;
  ASSERT_TRUE(StartProxy(
      std::string(kConfig) + "limits:\n  compare_workers: 1\n  compare_queue_bytes: 1048576\n",
      options));
  ASSERT_EQ(Get("/customers/c1").status, 200);
  ASSERT_TRUE(observer->WaitForSeen(1));  // the worker is inside the first comparison
  HttpResponse second = Get("/customers/c2");
  EXPECT_EQ(second.status, 200);  // the client never notices
  EXPECT_EQ(second.body, big);
  EXPECT_TRUE(WaitForCounter("shadowdiff_shadow_dropped_total", {{"reason", "queue_full"}}, 1));
  observer->Release();
  EXPECT_TRUE(WaitForOutcome(kEndpoint, "GET", "match"));
  // Once the first comparison is done its bytes are free again: the next one is compared.
  ASSERT_EQ(Get("/customers/c3").status, 200);
  EXPECT_TRUE(WaitForCounter("shadowdiff_requests_total",
                             {{"endpoint", kEndpoint}, {"method", "GET"}, {"outcome", "match"}},
                             2));
  EXPECT_EQ(Counter("shadowdiff_shadow_dropped_total", {{"reason", "queue_full"}}), 1);
}

}  // namespace
}  // namespace shadowdiff::test
