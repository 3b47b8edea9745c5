// Graceful drain of the whole proxy: a request in flight when Drain() starts completes with
// its full body; afterwards new connections are refused.
#include <future>
#include <string>

#include <gtest/gtest.h>

#include "tests/integration/proxy/proxy_fixture.h"

namespace shadowdiff::test {
namespace {

class DrainTest : public ProxyFixture {};

TEST_F(DrainTest, InFlightRequestCompletesThenNewConnectionsAreRefused) {
  constexpr uint64_t kSize = 1 << 20;
  old_->SetReply(FakeReply::Huge(kSize).WithDelay(500ms));
  ASSERT_TRUE(StartProxy(R"(
endpoints:
  - path: /slow
    methods: [GET]
)"));
  const uint16_t proxy_port = port();
  auto client = std::async(std::launch::async, [proxy_port] {
    RawClient c(proxy_port, 10s);
    c.Send(RequestBytes("GET", "/slow"));
    return c.ReadResponse();
  });
  ASSERT_TRUE(old_->WaitForRequests(1, 5s));  // the request is in flight at the primary

  const auto drain_start = Clock::now();
  server_->Drain();
  EXPECT_LT(Clock::now() - drain_start, 10s);

  ASSERT_EQ(client.wait_for(10s), std::future_status::ready);
  HttpResponse r = client.get();
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.status, 200);
  ASSERT_EQ(r.body.size(), kSize);
  EXPECT_TRUE(r.body == FakeUpstream::HugeBody(kSize));

  RawClient late(proxy_port, 2s);
  EXPECT_FALSE(late.connected()) << "a new connection was accepted after Drain()";
}

// Regression: a response written after the drain began lacked `Connection: close` (FanOut
// used the keep-alive decision made before the drain). RFC 9112 section 9.6.
TEST_F(DrainTest, ResponseWrittenDuringDrainSaysConnectionClose) {
  old_->SetReply(FakeReply::Json(200, R"({"a":1})").WithDelay(500ms));
  ASSERT_TRUE(StartProxy(R"(
endpoints:
  - path: /slow
    methods: [GET]
)"));
  const uint16_t proxy_port = port();
  auto client = std::async(std::launch::async, [proxy_port] {
    RawClient c(proxy_port, 10s);
    c.Send(RequestBytes("GET", "/slow"));
    return c.ReadResponse();
  });
  ASSERT_TRUE(old_->WaitForRequests(1, 5s));
  server_->Drain();
  ASSERT_EQ(client.wait_for(10s), std::future_status::ready);
  HttpResponse r = client.get();
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(ToLower(r.Header("Connection").value_or("")), "close");
}

TEST_F(DrainTest, IdleKeepAliveConnectionIsClosedByDrain) {
  ASSERT_TRUE(StartProxy(R"(
endpoints:
  - path: /a
    methods: [GET]
)"));
  RawClient c(port(), 5s);
  ASSERT_TRUE(c.Send(RequestBytes("GET", "/a")));
  ASSERT_TRUE(c.ReadResponse().ok);
  const auto start = Clock::now();
  server_->Drain();
  EXPECT_LT(Clock::now() - start, 5s) << "drain waited for an idle keep-alive connection";
  EXPECT_TRUE(c.WaitClosed(2s));
}

}  // namespace
}  // namespace shadowdiff::test
