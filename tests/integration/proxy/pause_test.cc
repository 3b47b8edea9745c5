// POST /api/pause and /api/resume through the whole proxy: a request sent while paused does
// not reach the primary until resume, then succeeds; a pause ends by itself at max_ms;
// requests beyond max_held get 503 with Retry-After: 1; a drain releases held requests; a
// reload during the pause applies to the held requests (the cutover trick).
#include <future>
#include <string>

#include <gtest/gtest.h>

#include "tests/integration/proxy/proxy_fixture.h"

namespace shadowdiff::test {
namespace {

constexpr char kConfig[] = R"(
endpoints:
  - path: /a
    methods: [GET]
)";

class PauseTest : public ProxyFixture {
 protected:
  // Sends GET `target` on its own thread; the response arrives through the future.
  std::future<HttpResponse> GetAsync(std::string target) {
    const uint16_t proxy_port = port();
    return std::async(std::launch::async, [proxy_port, target] {
      RawClient c(proxy_port, 15s);
      if (!c.connected() || !c.Send(RequestBytes("GET", target, {}, "", /*close=*/true))) {
        return HttpResponse{};
      }
      return c.ReadResponse();
    });
  }
  // Waits until `n` requests are held at the gate.
  bool WaitHeld(double n) { return WaitForCounter("shadowdiff_pause_held", {}, n); }
  double Released(const char* reason) {
    return Counter("shadowdiff_pause_released_total", {{"reason", reason}});
  }
};

TEST_F(PauseTest, HeldUntilResumeThenAnsweredByThePrimary) {
  old_->SetReply(FakeReply::Json(200, R"({"side":"old"})"));
  new_->SetReply(FakeReply::Json(200, R"({"side":"old"})"));  // the shadow agrees
  ASSERT_TRUE(StartProxy(kConfig));
  HttpResponse paused = Admin("POST", "/api/pause?max_ms=20000");
  ASSERT_EQ(paused.status, 200) << paused.body;
  EXPECT_NE(paused.body.find("\"paused\":true"), std::string::npos) << paused.body;
  EXPECT_NE(paused.body.find("\"until\":\""), std::string::npos) << paused.body;
  EXPECT_EQ(Counter("shadowdiff_paused"), 1);

  auto first = GetAsync("/a");
  auto second = GetAsync("/a");
  ASSERT_TRUE(WaitHeld(2));
  // Held: nothing reaches either upstream (give a request that slipped through time to land).
  EXPECT_FALSE(old_->WaitForRequests(1, 300ms));
  EXPECT_EQ(new_->request_count(), 0u);
  EXPECT_EQ(first.wait_for(0ms), std::future_status::timeout);
  EXPECT_NE(Admin("GET", "/api/endpoints").body.find("\"paused\":true"), std::string::npos);

  HttpResponse resumed = Admin("POST", "/api/resume");
  ASSERT_EQ(resumed.status, 200) << resumed.body;
  EXPECT_EQ(resumed.body, "{\"ok\":true,\"paused\":false,\"released\":2}");

  ASSERT_EQ(first.wait_for(10s), std::future_status::ready);
  ASSERT_EQ(second.wait_for(10s), std::future_status::ready);
  for (auto* f : {&first, &second}) {
    HttpResponse r = f->get();
    ASSERT_TRUE(r.ok);
    EXPECT_EQ(r.status, 200);
    EXPECT_EQ(r.body, R"({"side":"old"})");
  }
  EXPECT_TRUE(old_->WaitForRequests(2, 5s));
  // ... and shadowed per policy, like any request.
  EXPECT_TRUE(WaitForOutcome("/a", "GET", "match", 2));
  EXPECT_EQ(Counter("shadowdiff_paused"), 0);
  EXPECT_EQ(Counter("shadowdiff_pause_held"), 0);
  EXPECT_EQ(Counter("shadowdiff_pause_held_total"), 2);
  EXPECT_EQ(Released("resume"), 2);

  // Not paused any more: requests go straight through.
  EXPECT_EQ(Get("/a").status, 200);
  EXPECT_EQ(Counter("shadowdiff_pause_held_total"), 2);
}

TEST_F(PauseTest, ReleasedAutomaticallyAtMaxMs) {
  ASSERT_TRUE(StartProxy(kConfig));
  ASSERT_EQ(Admin("POST", "/api/pause?max_ms=400").status, 200);
  const auto sent = Clock::now();
  auto held = GetAsync("/a");
  ASSERT_EQ(held.wait_for(10s), std::future_status::ready);
  HttpResponse r = held.get();
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.status, 200);
  EXPECT_GE(Clock::now() - sent, 300ms) << "the request was not held";
  EXPECT_EQ(Released("deadline"), 1);
  EXPECT_EQ(Counter("shadowdiff_paused"), 0);
  EXPECT_NE(Admin("GET", "/api/endpoints").body.find("\"paused\":false"), std::string::npos);
  // A pause that ended with nobody held also reads 0 on the next scrape.
  ASSERT_EQ(Admin("POST", "/api/pause?max_ms=50").status, 200);
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(Counter("shadowdiff_paused"), 1) << "no request or scrape has seen it end yet";
  HttpResponse scrape = Admin("GET", "/metrics");
  ASSERT_EQ(scrape.status, 200);
  EXPECT_EQ(::shadowdiff::testing::ParseExposition(scrape.body).Value("shadowdiff_paused", {}),
            0.0);
}

TEST_F(PauseTest, BeyondMaxHeldIs503WithRetryAfter) {
  ASSERT_TRUE(StartProxy(kConfig));
  ASSERT_EQ(Admin("POST", "/api/pause?max_ms=20000&max_held=1").status, 200);
  auto held = GetAsync("/a");
  ASSERT_TRUE(WaitHeld(1));
  HttpResponse refused = Get("/a");
  ASSERT_TRUE(refused.ok);
  EXPECT_EQ(refused.status, 503);
  EXPECT_EQ(refused.Header("Retry-After").value_or(""), "1");
  EXPECT_EQ(Counter("shadowdiff_pause_rejected_total"), 1);
  EXPECT_EQ(old_->request_count(), 0u);

  ASSERT_EQ(Admin("POST", "/api/resume").status, 200);
  ASSERT_EQ(held.wait_for(10s), std::future_status::ready);
  EXPECT_EQ(held.get().status, 200);
}

TEST_F(PauseTest, DrainReleasesHeldRequests) {
  ASSERT_TRUE(StartProxy(kConfig));
  ASSERT_EQ(Admin("POST", "/api/pause?max_ms=60000").status, 200);
  auto held = GetAsync("/a");
  ASSERT_TRUE(WaitHeld(1));
  const double released_before = Released("drain");
  EXPECT_EQ(released_before, 0);
  const auto drain_start = Clock::now();
  auto* server = server_.get();
  auto drained = std::async(std::launch::async, [server] { server->Drain(); });
  ASSERT_EQ(held.wait_for(10s), std::future_status::ready);
  HttpResponse r = held.get();
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.status, 200);
  ASSERT_EQ(drained.wait_for(10s), std::future_status::ready);
  EXPECT_LT(Clock::now() - drain_start, 10s) << "the drain waited for the pause";
  EXPECT_EQ(old_->request_count(), 1u);
  EXPECT_EQ(Released("drain"), 1);
}

TEST_F(PauseTest, ReloadDuringThePauseAppliesToHeldRequests) {
  old_->SetReply(FakeReply::Json(200, R"({"side":"old"})"));
  new_->SetReply(FakeReply::Json(200, R"({"side":"new"})"));
  ASSERT_TRUE(StartProxy(kConfig));
  ASSERT_EQ(Admin("POST", "/api/pause?max_ms=20000").status, 200);
  auto held = GetAsync("/a");
  ASSERT_TRUE(WaitHeld(1));
  WriteConfig(std::string("defaults:\n  primary: new\n") + kConfig);
  ASSERT_EQ(Admin("POST", "/api/reload").status, 200);
  ASSERT_EQ(Admin("POST", "/api/resume").status, 200);
  ASSERT_EQ(held.wait_for(10s), std::future_status::ready);
  HttpResponse r = held.get();
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.body, R"({"side":"new"})") << "the held request used the config it was released to";
}

}  // namespace
}  // namespace shadowdiff::test
