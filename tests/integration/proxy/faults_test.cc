// The fault matrix on the shadow side, through the whole proxy: whatever the shadow does
// (refuse, reset, garbage, hang, trickle, truncate, 64 MiB), the client receives exactly the
// bytes it receives when no shadow is called, at the primary's speed; the outcome is counted
// as outcome_classifier.h says; and the proxy keeps serving afterwards.
#include <functional>
#include <string>

#include <gtest/gtest.h>

#include "tests/integration/proxy/proxy_fixture.h"

namespace shadowdiff::test {
namespace {

// /f is shadowed (shadow_timeout 2 s), /ref is the same primary without a shadow: the bytes
// the client must receive. /big has a long shadow timeout so a 64 MiB shadow body is read whole.
constexpr char kConfig[] = R"(
defaults:
  timeout_ms: 3000
  shadow_timeout_ms: 2000
endpoints:
  - path: /f
    methods: [GET]
  - path: /big
    methods: [GET]
    shadow_timeout_ms: 30000
  - path: /ref
    methods: [GET]
    shadow: off
)";

// The client's answer must come within this long although the shadow misbehaves for 2 s (its
// timeout) or more (the primary answers at once); generous for a loaded 2-core machine.
constexpr double kClientLatencyBoundMs = 1200;

struct FaultCase {
  std::string name;
  std::function<void(FakeUpstream&)> arm;  // makes `new` misbehave
  std::string path;
  std::string outcome;
};

void PrintTo(const FaultCase& c, std::ostream* os) { *os << c.name; }

class ShadowFaultTest : public ProxyFixture, public ::testing::WithParamInterface<FaultCase> {};

TEST_P(ShadowFaultTest, ClientBytesAndLatencyUnchangedOutcomeCounted) {
  const FaultCase& c = GetParam();
  old_->SetReply(FakeReply::Json(200, R"({"customer":{"id":7,"phone":"555-1"}})")
                     .WithHeader("X-Primary", "old"));
  new_->SetReply(FakeReply::Json(200, R"({"customer":{"id":7,"phone":"555-1"}})"));
  ASSERT_TRUE(StartProxy(kConfig));
  HttpResponse reference = Get("/ref");
  ASSERT_TRUE(reference.ok);

  c.arm(*new_);
  HttpResponse r = Get(c.path);
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, reference.body);
  EXPECT_EQ(r.headers, reference.headers);
  EXPECT_TRUE(r.raw == reference.raw) << "client bytes differ:\n"
                                      << r.raw << "\nvs\n"
                                      << reference.raw;
  EXPECT_LT(r.elapsed_ms, kClientLatencyBoundMs) << "the shadow delayed the client";

  EXPECT_TRUE(WaitForOutcome(c.path, "GET", c.outcome, 1, 40s));
  EXPECT_EQ(CounterSum("shadowdiff_requests_total", {{"endpoint", c.path}}), 1) << Outcomes();

  // The proxy keeps serving — and, once the shadow behaves again, comparing.
  new_->SetReply(FakeReply::Json(200, R"({"customer":{"id":7,"phone":"555-1"}})"));
  HttpResponse again = Get("/ref");
  ASSERT_TRUE(again.ok);
  EXPECT_TRUE(again.raw == reference.raw);
  HttpResponse shadowed = Get(c.path);
  ASSERT_TRUE(shadowed.ok);
  EXPECT_TRUE(shadowed.raw == reference.raw);
  EXPECT_LT(shadowed.elapsed_ms, kClientLatencyBoundMs);
  if (c.name != "refused") {  // a stopped listener stays stopped
    EXPECT_TRUE(WaitForOutcome(c.path, "GET", "match", 1, 10s));
  }
}

INSTANTIATE_TEST_SUITE_P(
    Matrix, ShadowFaultTest,
    ::testing::Values(
        FaultCase{"refused", [](FakeUpstream& s) { s.StopListening(); }, "/f", "shadow_error"},
        FaultCase{"reset", [](FakeUpstream& s) { s.SetReply(FakeReply::Reset()); }, "/f",
                  "shadow_error"},
        FaultCase{"close_without_answer", [](FakeUpstream& s) { s.SetReply(FakeReply::Close()); },
                  "/f", "shadow_error"},
        FaultCase{"garbage", [](FakeUpstream& s) { s.SetReply(FakeReply::Garbage()); }, "/f",
                  "shadow_error"},
        FaultCase{"hang", [](FakeUpstream& s) { s.SetReply(FakeReply::Hang()); }, "/f",
                  "shadow_timeout"},
        FaultCase{"trickle",
                  [](FakeUpstream& s) {
                    s.SetReply(FakeReply::Json(200, R"({"customer":{"id":7,"phone":"555-1"}})")
                                   .WithTrickle(std::chrono::milliseconds(50)));
                  },
                  "/f", "shadow_timeout"},
        FaultCase{"slow_answer",
                  [](FakeUpstream& s) {
                    s.SetReply(FakeReply::Json(200, R"({"customer":{"id":7,"phone":"555-1"}})")
                                   .WithDelay(std::chrono::milliseconds(5000)));
                  },
                  "/f", "shadow_timeout"},
        FaultCase{"truncated_body",
                  [](FakeUpstream& s) {
                    s.SetReply(FakeReply::Json(200, R"({"customer":{"id":7,"phone":"555-1"}})")
                                   .WithTruncateAfter(10));
                  },
                  "/f", "shadow_error"},
        FaultCase{"truncated_chunked_body",
                  [](FakeUpstream& s) {
                    s.SetReply(FakeReply::Json(200, R"({"customer":{"id":7,"phone":"555-1"}})")
                                   .WithChunked(8)
                                   .WithTruncateAfter(12));
                  },
                  "/f", "shadow_error"},
        FaultCase{"server_error_5xx",
                  [](FakeUpstream& s) { s.SetReply(FakeReply::Text(503, "overloaded")); }, "/f",
                  "shadow_error"},
        // 64 MiB of octet-stream against the primary's small JSON: read whole (captured up to
        // the 8 MiB cap, the rest discarded), compared by length + hash: a mismatch.
        FaultCase{"huge_64MiB", [](FakeUpstream& s) { s.SetReply(FakeReply::Huge(64 << 20)); },
                  "/big", "mismatch"}),
    [](const ::testing::TestParamInfo<FaultCase>& info) { return info.param.name; });

class ShadowHangTest : public ProxyFixture {};

// Many requests while the shadow hangs: none of them waits for it (keep-alive connection
// included — the nginx mirror failure mode), and the shadow calls time out, counted.
TEST_F(ShadowHangTest, HangingShadowNeverDelaysKeepAliveRequests) {
  old_->SetReply(FakeReply::Json(200, R"({"a":1})"));
  new_->SetReply(FakeReply::Hang());
  ASSERT_TRUE(StartProxy(kConfig));
  RawClient client(port());
  const auto start = Clock::now();
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(client.Send(RequestBytes("GET", "/f")));
    HttpResponse r = client.ReadResponse();
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(r.body, R"({"a":1})");
    EXPECT_LT(r.elapsed_ms, kClientLatencyBoundMs) << "request " << i;
  }
  const double total_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  EXPECT_LT(total_ms, 2000);
  EXPECT_TRUE(WaitForOutcome("/f", "GET", "shadow_timeout", 5, 10s));
}

// A shadow target that keeps failing opens its circuit breaker: later requests are not
// shadowed (counted as circuit_open drops, outcome not_shadowed) and the client never notices.
TEST_F(ShadowHangTest, FailingShadowOpensTheCircuit) {
  old_->SetReply(FakeReply::Json(200, R"({"a":1})"));
  new_->StopListening();
  ASSERT_TRUE(StartProxy(kConfig));
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(Get("/f").status, 200);
    ASSERT_TRUE(WaitForOutcome("/f", "GET", "shadow_error", i + 1));
  }
  for (int i = 0; i < 3; ++i) {
    HttpResponse r = Get("/f");
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(r.body, R"({"a":1})");
  }
  EXPECT_TRUE(WaitForOutcome("/f", "GET", "not_shadowed", 3));
  EXPECT_EQ(Counter("shadowdiff_shadow_dropped_total", {{"reason", "circuit_open"}}), 3);
}

}  // namespace
}  // namespace shadowdiff::test
