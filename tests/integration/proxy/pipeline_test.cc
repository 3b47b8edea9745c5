// limits.shadow_pipeline through the whole proxy: with shadow calls pipelined, every request
// still gets the primary's answer and is counted under exactly its own outcome — also when
// the shadow closes connections mid-pipeline — and writes are never pipelined.
// (The pipelining itself — batching, order, retries, deadlines: upstream_pipeline_test.cc.)
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "tests/integration/proxy/proxy_fixture.h"

namespace shadowdiff::test {
namespace {

constexpr char kConfig[] = R"(
defaults:
  timeout_ms: 2000
  shadow_timeout_ms: 2000
limits:
  shadow_pipeline: 8
endpoints:
  - path: /items/{id}
    methods: [GET]
)";
constexpr char kEndpoint[] = "/items/{id}";

// The shadow answers like the primary except for /items/odd-*: a mismatch there.
FakeReply Answer(const RecordedRequest& r, bool shadow) {
  const bool odd = r.target.find("odd") != std::string::npos;
  return FakeReply::Json(200, std::string(R"({"target":")") + r.target + R"(","v":)" +
                                  (shadow && odd ? "2" : "1") + "}");
}

class PipelineTest : public ProxyFixture {
 protected:
  // `threads` clients at once, each sending `per_thread` GETs; returns how many answers were
  // the primary's exact bytes.
  int Drive(int threads, int per_thread) {
    std::atomic<int> exact{0};
    std::vector<std::thread> clients;
    for (int t = 0; t < threads; ++t) {
      clients.emplace_back([&, t] {
        for (int i = 0; i < per_thread; ++i) {
          const std::string target = std::string("/items/") + (i % 2 == 1 ? "odd-" : "even-") +
                                     std::to_string(t) + "-" + std::to_string(i);
          HttpResponse r = Get(target);
          if (r.status == 200 && r.body == R"({"target":")" + target + R"(","v":1})") ++exact;
        }
      });
    }
    for (std::thread& c : clients) c.join();
    return exact.load();
  }
};

TEST_F(PipelineTest, EveryRequestIsAnsweredByThePrimaryAndCountedUnderItsOwnOutcome) {
  old_->SetHandler([](const RecordedRequest& r) { return Answer(r, false); });
  new_->SetHandler([](const RecordedRequest& r) { return Answer(r, true); });
  ASSERT_TRUE(StartProxy(kConfig));
  constexpr int kThreads = 8, kPerThread = 10;
  EXPECT_EQ(Drive(kThreads, kPerThread), kThreads * kPerThread);
  ASSERT_TRUE(WaitForRequestsCounted(kEndpoint, kThreads * kPerThread));
  EXPECT_EQ(Counter("shadowdiff_requests_total",
                    {{"endpoint", kEndpoint}, {"method", "GET"}, {"outcome", "match"}}),
            kThreads * kPerThread / 2);
  EXPECT_EQ(Counter("shadowdiff_requests_total",
                    {{"endpoint", kEndpoint}, {"method", "GET"}, {"outcome", "mismatch"}}),
            kThreads * kPerThread / 2);
  EXPECT_EQ(new_->requests().size(), size_t{kThreads * kPerThread});
}

TEST_F(PipelineTest, ShadowClosingConnectionsMidPipelineLosesNoComparison) {
  old_->SetHandler([](const RecordedRequest& r) { return Answer(r, false); });
  // Every second request on a connection is answered with `Connection: close`: requests
  // pipelined behind it are unanswered and must be sent again on a new connection.
  new_->SetHandler([](const RecordedRequest& r) {
    FakeReply reply = Answer(r, true);
    if (r.index_on_connection % 2 == 1) return std::move(reply).WithCloseAfter();
    return reply;
  });
  ASSERT_TRUE(StartProxy(kConfig));
  constexpr int kThreads = 8, kPerThread = 6;
  EXPECT_EQ(Drive(kThreads, kPerThread), kThreads * kPerThread);
  ASSERT_TRUE(WaitForRequestsCounted(kEndpoint, kThreads * kPerThread));
  EXPECT_EQ(CounterSum("shadowdiff_requests_total", {{"outcome", "match"}}),
            kThreads * kPerThread / 2);
  EXPECT_EQ(CounterSum("shadowdiff_requests_total", {{"outcome", "mismatch"}}),
            kThreads * kPerThread / 2);
  EXPECT_EQ(CounterSum("shadowdiff_requests_total", {{"outcome", "shadow_error"}}), 0);
}

// The shadow's first connection reads the request and closes without answering. One call at
// a time, that is a shadow error (a fresh connection is never retried); pipelined, the call is
// sent again on a new connection and compared. So this fails unless the proxy really routes
// its shadow calls through the pipeline when shadow_pipeline > 1, and only then.
TEST_F(PipelineTest, ShadowCallsGoThroughThePipelineOnlyWhenItIsOn) {
  for (const bool pipelined : {true, false}) {
    SCOPED_TRACE(pipelined ? "shadow_pipeline: 8" : "shadow_pipeline: 1");
    old_ = std::make_unique<FakeUpstream>(FakeReply::Json(200, R"({"v":1})"));
    new_ = std::make_unique<FakeUpstream>([](const RecordedRequest& r) {
      return r.connection == 1 ? FakeReply::Close() : FakeReply::Json(200, R"({"v":1})");
    });
    std::string config = kConfig;
    if (!pipelined) config.replace(config.find("shadow_pipeline: 8"), 18, "shadow_pipeline: 1");
    ASSERT_TRUE(StartProxy(config));
    EXPECT_EQ(Get("/items/a").status, 200);
    ASSERT_TRUE(WaitForRequestsCounted(kEndpoint, 1));
    EXPECT_EQ(CounterSum("shadowdiff_requests_total", {{"outcome", "match"}}), pipelined ? 1 : 0);
    EXPECT_EQ(CounterSum("shadowdiff_requests_total", {{"outcome", "shadow_error"}}),
              pipelined ? 0 : 1);
    EXPECT_EQ(new_->connections_accepted(), pipelined ? 2u : 1u);
    StopProxy();
  }
}

TEST_F(PipelineTest, WritesAreNeverPipelined) {
  // A POST on an endpoint declared idempotent is shadowed in compare mode. Handed to the
  // pipeline it would be refused (kInvalidRequest: only bodiless GET, HEAD and OPTIONS may be
  // sent twice) and counted as shadow_error; sent alone it matches, body and all.
  old_->SetHandler([](const RecordedRequest& r) { return Answer(r, false); });
  new_->SetHandler([](const RecordedRequest& r) { return Answer(r, false); });
  ASSERT_TRUE(StartProxy(R"(
limits:
  shadow_pipeline: 8
endpoints:
  - path: /items/{id}
    methods: [POST]
    idempotent: true
)"));
  std::vector<std::thread> clients;
  for (int t = 0; t < 4; ++t) {
    clients.emplace_back([&, t] {
      for (int i = 0; i < 3; ++i) Post("/items/w" + std::to_string(t), R"({"n":1})");
    });
  }
  for (std::thread& c : clients) c.join();
  ASSERT_TRUE(WaitForRequestsCounted(kEndpoint, 12));
  EXPECT_EQ(CounterSum("shadowdiff_requests_total", {{"outcome", "match"}}), 12);
  for (const RecordedRequest& r : new_->requests()) EXPECT_EQ(r.body, R"({"n":1})");
}

}  // namespace
}  // namespace shadowdiff::test
