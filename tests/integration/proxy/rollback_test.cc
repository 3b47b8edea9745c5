// The rollback protocol through the whole proxy (SPEC.md "Rollback protocol"): what the
// shadow and the primary receive, the signature, confirmation and tripping, and the order of
// the two calls (before_primary / concurrent).
#include <stdlib.h>

#include <chrono>
#include <ctime>
#include <mutex>
#include <optional>
#include <string>

#include <gtest/gtest.h>

#include "src/rollback/signature.h"
#include "tests/integration/proxy/proxy_fixture.h"

namespace shadowdiff::test {
namespace {

constexpr char kSecretEnv[] = "SHADOWDIFF_ITEST_ROLLBACK_SECRET";
constexpr char kSecret[] = "itest-secret-5f1b";

constexpr char kConfig[] = R"(
defaults:
  shadow_timeout_ms: 2000
rollback:
  secret_env: SHADOWDIFF_ITEST_ROLLBACK_SECRET
  order: concurrent
endpoints:
  - path: /customers
    methods: [POST]
    idempotent: false
    shadow: rollback
  - path: /before
    methods: [POST]
    idempotent: false
    shadow: rollback
    rollback: {order: before_primary}
)";

// Answers like a service honouring Shadow-Mode: rollback (echoes Shadow-Id).
FakeReply Confirming(const RecordedRequest& r, std::string body = R"({"id":"cus_1"})") {
  FakeReply reply = FakeReply::Json(201, std::move(body));
  if (auto id = r.Header("Shadow-Id")) {
    reply = std::move(reply).WithHeader("Shadow-Rolled-Back", std::string(*id));
  }
  return reply;
}

class RollbackTest : public ProxyFixture {
 protected:
  RollbackTest() { ::setenv(kSecretEnv, kSecret, 1); }
  ~RollbackTest() override { ::unsetenv(kSecretEnv); }

  void SetUp() override { old_->SetReply(FakeReply::Json(201, R"({"id":"cus_1"})")); }
};

TEST_F(RollbackTest, ShadowGetsProtocolHeadersAndAVerifiableSignaturePrimaryGetsNone) {
  new_->SetHandler([](const RecordedRequest& r) { return Confirming(r); });
  ASSERT_TRUE(StartProxy(kConfig));
  const std::string body = R"({"name":"Ann","card":"x"})";
  HttpResponse r = Post("/customers?merchant=m1&x=%2F", body,
                        {{"Content-Type", "application/json"}, {"Shadow-Mode", "compare"}});
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.status, 201);
  ASSERT_TRUE(new_->WaitForRequests(1, 2s));
  ASSERT_TRUE(old_->WaitForRequests(1, 2s));

  const RecordedRequest shadow = new_->requests()[0];
  EXPECT_EQ(shadow.method, "POST");
  EXPECT_EQ(shadow.target, "/customers?merchant=m1&x=%2F");
  EXPECT_EQ(shadow.body, body);
  ASSERT_TRUE(shadow.Header("Shadow-Id").has_value());
  EXPECT_FALSE(shadow.Header("Shadow-Id")->empty());
  EXPECT_EQ(shadow.Header("Shadow-Mode"), "rollback");
  ASSERT_TRUE(shadow.Header("Shadow-Signature").has_value());
  const std::string id(*shadow.Header("Shadow-Id"));
  const Status verified = rollback::Verify(*shadow.Header("Shadow-Signature"), kSecret,
                                           {id, "rollback", "POST", shadow.target},
                                           static_cast<int64_t>(std::time(nullptr)));
  EXPECT_TRUE(verified.ok()) << verified.error().message;
  // A different target or mode does not verify (the signature covers them).
  EXPECT_FALSE(rollback::Verify(*shadow.Header("Shadow-Signature"), kSecret,
                                {id, "rollback", "POST", "/customers"},
                                static_cast<int64_t>(std::time(nullptr)))
                   .ok());

  const RecordedRequest primary = old_->requests()[0];
  EXPECT_EQ(primary.body, body);
  for (const auto& [name, value] : primary.headers) {
    EXPECT_FALSE(ToLower(name).starts_with("shadow-")) << "primary got " << name;
  }
  // Confirmed: compared normally.
  EXPECT_TRUE(WaitForOutcome("/customers", "POST", "match"));
  EXPECT_EQ(Counter("shadowdiff_endpoint_tripped", {{"endpoint", "/customers"}}), 0);
}

TEST_F(RollbackTest, ConfirmedButDifferentIsAMismatch) {
  new_->SetHandler([](const RecordedRequest& r) { return Confirming(r, R"({"id":"cus_2"})"); });
  ASSERT_TRUE(StartProxy(kConfig));
  ASSERT_EQ(Post("/customers", "{}").status, 201);
  EXPECT_TRUE(WaitForOutcome("/customers", "POST", "mismatch"));
  EXPECT_TRUE(WaitForCounter(
      "shadowdiff_field_mismatches_total",
      {{"endpoint", "/customers"}, {"method", "POST"}, {"field", "$.id"}, {"kind", "value"}}, 1));
}

TEST_F(RollbackTest, UnconfirmedTripsTheEndpointAndStopsFurtherShadowCalls) {
  new_->SetReply(FakeReply::Json(201, R"({"id":"cus_1"})"));  // no Shadow-Rolled-Back
  ASSERT_TRUE(StartProxy(kConfig));
  HttpResponse first = Post("/customers", R"({"n":1})");
  ASSERT_TRUE(first.ok);
  EXPECT_EQ(first.body, R"({"id":"cus_1"})");
  EXPECT_TRUE(WaitForOutcome("/customers", "POST", "rollback_unconfirmed"));
  EXPECT_TRUE(WaitForCounter("shadowdiff_endpoint_tripped", {{"endpoint", "/customers"}}, 1));
  const size_t shadow_calls = new_->request_count();
  EXPECT_EQ(shadow_calls, 1u);

  old_->SetReply(FakeReply::Json(201, R"({"id":"cus_9"})"));
  for (int i = 0; i < 3; ++i) {
    HttpResponse next = Post("/customers", R"({"n":2})");
    ASSERT_TRUE(next.ok);
    EXPECT_EQ(next.status, 201);
    EXPECT_EQ(next.body, R"({"id":"cus_9"})");
  }
  EXPECT_TRUE(WaitForOutcome("/customers", "POST", "not_shadowed", 3));
  EXPECT_EQ(new_->request_count(), shadow_calls) << "a tripped endpoint's shadow was called";
  EXPECT_EQ(Counter("shadowdiff_shadow_dropped_total", {{"reason", "tripped"}}), 3);
  EXPECT_EQ(Counter("shadowdiff_endpoint_tripped", {{"endpoint", "/customers"}}), 1);

  // Reset (what POST /api/endpoints/reset does) lets shadow calls through again.
  new_->SetHandler([](const RecordedRequest& r) { return Confirming(r, R"({"id":"cus_9"})"); });
  EXPECT_EQ(server_->ResetTrips(), 1u);
  EXPECT_EQ(Counter("shadowdiff_endpoint_tripped", {{"endpoint", "/customers"}}), 0);
  ASSERT_EQ(Post("/customers", "{}").status, 201);
  EXPECT_TRUE(new_->WaitForRequests(shadow_calls + 1, 2s));
  EXPECT_TRUE(WaitForOutcome("/customers", "POST", "match"));
}

TEST_F(RollbackTest, WrongRolledBackIdIsUnconfirmed) {
  new_->SetReply(
      FakeReply::Json(201, R"({"id":"cus_1"})").WithHeader("Shadow-Rolled-Back", "sd-other"));
  ASSERT_TRUE(StartProxy(kConfig));
  ASSERT_EQ(Post("/customers", "{}").status, 201);
  EXPECT_TRUE(WaitForOutcome("/customers", "POST", "rollback_unconfirmed"));
  EXPECT_TRUE(WaitForCounter("shadowdiff_endpoint_tripped", {{"endpoint", "/customers"}}, 1));
}

TEST_F(RollbackTest, ShadowTimeoutInRollbackModeIsUnconfirmed) {
  new_->SetReply(FakeReply::Hang());
  ASSERT_TRUE(StartProxy(kConfig));
  HttpResponse r = Post("/customers", "{}");
  EXPECT_EQ(r.status, 201);
  // Waiting for the shadow would take its whole timeout (2 s).
  EXPECT_LT(r.elapsed_ms, 1200) << "concurrent order must not wait for the shadow";
  EXPECT_TRUE(WaitForOutcome("/customers", "POST", "rollback_unconfirmed", 1, 6s));
}

// Arrival times of the two upstreams, recorded by their handlers.
struct Arrivals {
  std::mutex mu;
  std::optional<Clock::time_point> old_at, new_at;
};

TEST_F(RollbackTest, BeforePrimarySendsThePrimaryAfterTheShadowAnswered) {
  auto arrivals = std::make_shared<Arrivals>();
  constexpr auto kShadowDelay = 200ms;
  new_->SetHandler([arrivals, kShadowDelay](const RecordedRequest& r) {
    std::lock_guard lock(arrivals->mu);
    arrivals->new_at = Clock::now();
    return Confirming(r).WithDelay(kShadowDelay);
  });
  old_->SetHandler([arrivals](const RecordedRequest&) {
    std::lock_guard lock(arrivals->mu);
    arrivals->old_at = Clock::now();
    return FakeReply::Json(201, R"({"id":"cus_1"})");
  });
  ASSERT_TRUE(StartProxy(kConfig));
  HttpResponse r = Post("/before", R"({"n":1})");
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.status, 201);
  EXPECT_GE(r.elapsed_ms, 190);
  std::lock_guard lock(arrivals->mu);
  ASSERT_TRUE(arrivals->new_at && arrivals->old_at);
  EXPECT_GE(*arrivals->old_at - *arrivals->new_at, kShadowDelay - 10ms)
      << "old received the request before new answered";
  EXPECT_TRUE(WaitForOutcome("/before", "POST", "match"));
}

TEST_F(RollbackTest, BeforePrimaryWithAHangingShadowWaitsOnlyShadowTimeout) {
  new_->SetReply(FakeReply::Hang());
  ASSERT_TRUE(StartProxy(kConfig));  // shadow_timeout_ms: 2000
  HttpResponse r = Post("/before", "{}");
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.status, 201);
  EXPECT_GE(r.elapsed_ms, 1900);
  EXPECT_LT(r.elapsed_ms, 5000);
  EXPECT_TRUE(WaitForOutcome("/before", "POST", "rollback_unconfirmed"));
  // Tripped before the primary was sent: the next request goes to the primary at once.
  EXPECT_EQ(Counter("shadowdiff_endpoint_tripped", {{"endpoint", "/before"}}), 1);
  HttpResponse next = Post("/before", "{}");
  EXPECT_EQ(next.status, 201);
  EXPECT_LT(next.elapsed_ms, 1200);  // shadowing again would wait 2 s for the hanging shadow
  EXPECT_EQ(new_->request_count(), 1u);
}

TEST_F(RollbackTest, ConcurrentSendsBothAtOnce) {
  auto arrivals = std::make_shared<Arrivals>();
  new_->SetHandler([arrivals](const RecordedRequest& r) {
    std::lock_guard lock(arrivals->mu);
    arrivals->new_at = Clock::now();
    return Confirming(r).WithDelay(1700ms);  // well within shadow_timeout_ms (2000)
  });
  old_->SetHandler([arrivals](const RecordedRequest&) {
    std::lock_guard lock(arrivals->mu);
    arrivals->old_at = Clock::now();
    return FakeReply::Json(201, R"({"id":"cus_1"})");
  });
  ASSERT_TRUE(StartProxy(kConfig));
  HttpResponse r = Post("/customers", "{}");
  ASSERT_TRUE(r.ok);
  EXPECT_LT(r.elapsed_ms, 1200) << "the client waited for the shadow (1.7 s)";
  ASSERT_TRUE(new_->WaitForRequests(1, 2s));
  std::lock_guard lock(arrivals->mu);
  ASSERT_TRUE(arrivals->new_at && arrivals->old_at);
  const auto gap = *arrivals->old_at > *arrivals->new_at ? *arrivals->old_at - *arrivals->new_at
                                                         : *arrivals->new_at - *arrivals->old_at;
  EXPECT_LT(gap, 1200ms);  // one after the other would be 1.7 s apart
}

TEST_F(RollbackTest, TripSurvivesAReload) {
  new_->SetReply(FakeReply::Json(201, R"({"id":"cus_1"})"));  // unconfirmed
  ASSERT_TRUE(StartProxy(kConfig));
  ASSERT_EQ(Post("/customers", "{}").status, 201);
  ASSERT_TRUE(WaitForCounter("shadowdiff_endpoint_tripped", {{"endpoint", "/customers"}}, 1));
  WriteConfig(std::string(kConfig) + "  - path: /other\n    methods: [GET]\n");
  ASSERT_EQ(Admin("POST", "/api/reload").status, 200);
  ASSERT_EQ(Post("/customers", "{}").status, 201);
  EXPECT_TRUE(WaitForOutcome("/customers", "POST", "not_shadowed"));
  EXPECT_EQ(new_->request_count(), 1u);
  EXPECT_EQ(Counter("shadowdiff_endpoint_tripped", {{"endpoint", "/customers"}}), 1);
}

}  // namespace
}  // namespace shadowdiff::test
