// UpstreamPool::Exchange (the shadow side) against FakeUpstream: keep-alive, Host and base
// path, framing, bounded capture, and the fault matrix — each fault maps to its own status,
// within bounded time, with bounded memory.
#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>

#include "src/proxy/upstream_pool.h"
#include "tests/integration/fake_upstream.h"
#include "tests/integration/upstream/run_awaitable.h"

namespace shadowdiff {
namespace {

using namespace std::chrono_literals;
using test::FakeReply;
using test::FakeUpstream;
using test::RecordedRequest;
using test::RunAwaitable;
using Clock = std::chrono::steady_clock;

class ExchangeTest : public ::testing::Test {
 protected:
  UpstreamPool MakePool(const std::string& url, UpstreamOptions options = {}) {
    return UpstreamPool(io_.get_executor(), ParseTargetUrl(url).value(), options);
  }
  UpstreamResult Exchange(UpstreamPool& pool, UpstreamRequest request,
                          std::chrono::milliseconds timeout = 5s) {
    auto deadline = Clock::now() + timeout;
    return RunAwaitable(io_, [&]() -> boost::asio::awaitable<UpstreamResult> {
      co_return co_await pool.Exchange(request, deadline);
    }());
  }
  static UpstreamRequest Get(std::string target) { return {"GET", std::move(target), {}, ""}; }

  boost::asio::io_context io_;
};

double MillisBetween(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

TEST_F(ExchangeTest, SequentialRequestsReuseOneConnection) {
  FakeUpstream server(FakeReply::Json(200, R"({"n":1})"));
  UpstreamPool pool = MakePool(server.url());
  for (int i = 0; i < 10; ++i) {
    UpstreamResult result = Exchange(pool, Get("/n"));
    ASSERT_TRUE(result.ok()) << result.detail;
    EXPECT_EQ(result.response.status, 200);
    EXPECT_EQ(result.response.body, R"({"n":1})");
    EXPECT_EQ(result.reused_connection, i > 0);
  }
  EXPECT_EQ(server.connections_accepted(), 1u);
  EXPECT_EQ(pool.connections_opened(), 1u);
  EXPECT_EQ(pool.idle_connections(), 1u);
  EXPECT_EQ(pool.active_connections(), 0u);
}

TEST_F(ExchangeTest, SendsHostOfTheTargetAndPrefixesTheBasePath) {
  FakeUpstream server;
  UpstreamPool pool = MakePool(server.url("/v2"));
  UpstreamRequest request{
      "POST", "/orders?id=7", {{"Host", "client.example"}, {"X-A", "1"}}, R"({"q":1})"};
  ASSERT_TRUE(Exchange(pool, request).ok());
  ASSERT_EQ(server.request_count(), 1u);
  RecordedRequest seen = server.requests()[0];
  EXPECT_EQ(seen.method, "POST");
  EXPECT_EQ(seen.target, "/v2/orders?id=7");
  EXPECT_EQ(seen.Header("host").value_or(""), "127.0.0.1:" + std::to_string(server.port()));
  EXPECT_EQ(seen.Header("x-a").value_or(""), "1");
  EXPECT_EQ(seen.body, R"({"q":1})");
}

TEST_F(ExchangeTest, ChunkedBodyIsDecodedAndHopByHopHeadersAreRemoved) {
  FakeUpstream server(FakeReply::Text(200, "hello chunked world")
                          .WithHeader("X-Keep", "yes")
                          .WithHeader("Keep-Alive", "timeout=5")
                          .WithChunked(4));
  UpstreamPool pool = MakePool(server.url());
  UpstreamResult result = Exchange(pool, Get("/"));
  ASSERT_TRUE(result.ok()) << result.detail;
  EXPECT_EQ(result.response.body, "hello chunked world");
  EXPECT_TRUE(result.body_complete);
  EXPECT_EQ(result.response.headers,
            (HeaderList{{"Content-Type", "text/plain"}, {"X-Keep", "yes"}}));
  EXPECT_EQ(pool.idle_connections(), 1u);
}

// One byte per write: every split between the head, chunk headers and data, which take the
// parser through the bytes-already-buffered path and the read path in turn.
TEST_F(ExchangeTest, ResponsesArrivingByteByByteAreReadWholeAndKeepTheConnection) {
  FakeUpstream server([](const RecordedRequest& r) {
    FakeReply reply = FakeReply::Text(200, "split at every byte").WithTrickle(1ms);
    return r.target == "/chunked" ? std::move(reply).WithChunked(3) : reply;
  });
  UpstreamPool pool = MakePool(server.url());
  for (const char* target : {"/chunked", "/length", "/chunked"}) {
    UpstreamResult result = Exchange(pool, Get(target));
    ASSERT_TRUE(result.ok()) << target << ": " << result.detail;
    EXPECT_EQ(result.response.body, "split at every byte") << target;
    EXPECT_TRUE(result.body_complete) << target;
  }
  EXPECT_EQ(server.connections_accepted(), 1u);
}

TEST_F(ExchangeTest, GzipBodyIsKeptAsReceived) {
  std::string json(5000, 'x');
  FakeUpstream server(FakeReply::Json(200, json).WithGzip());
  UpstreamPool pool = MakePool(server.url());
  UpstreamResult result = Exchange(pool, Get("/"));
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(FindHeader(result.response.headers, "content-encoding").value_or(""), "gzip");
  EXPECT_LT(result.response.body.size(), json.size());  // still compressed
  EXPECT_EQ(result.response.body.substr(0, 2), "\x1f\x8b");
}

TEST_F(ExchangeTest, HeadAnd204And304HaveNoBody) {
  FakeUpstream server([](const RecordedRequest& r) {
    if (r.target == "/204") return FakeReply::Text(204, "");
    if (r.target == "/304") return FakeReply::Text(304, "").WithHeader("ETag", "\"a\"");
    return FakeReply::Text(200, "0123456789");
  });
  UpstreamPool pool = MakePool(server.url());
  UpstreamResult head = Exchange(pool, {"HEAD", "/", {}, ""});
  ASSERT_TRUE(head.ok()) << head.detail;
  EXPECT_EQ(head.response.body, "");
  EXPECT_EQ(FindHeader(head.response.headers, "content-length").value_or(""), "10");
  EXPECT_EQ(Exchange(pool, Get("/204")).response.status, 204);
  EXPECT_EQ(Exchange(pool, Get("/304")).response.status, 304);
  EXPECT_EQ(Exchange(pool, Get("/")).response.body, "0123456789");
  EXPECT_EQ(server.connections_accepted(), 1u);  // none of them broke keep-alive
}

TEST_F(ExchangeTest, InterimResponsesAreSkipped) {
  FakeUpstream server(
      FakeReply::Raw("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\n"
                     "Link: </a>\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
  UpstreamPool pool = MakePool(server.url());
  UpstreamResult result = Exchange(pool, Get("/"));
  ASSERT_TRUE(result.ok()) << result.detail;
  EXPECT_EQ(result.response.status, 200);
  EXPECT_EQ(result.response.body, "ok");
}

TEST_F(ExchangeTest, ConnectionRefusedIsAConnectErrorAtOnce) {
  UpstreamPool pool = MakePool("http://127.0.0.1:" + std::to_string(FakeUpstream::UnusedPort()));
  auto start = Clock::now();
  UpstreamResult result = Exchange(pool, Get("/"), 5s);
  EXPECT_EQ(result.status, UpstreamStatus::kConnectError) << result.detail;
  EXPECT_LT(MillisBetween(start, Clock::now()), 500);
  EXPECT_EQ(pool.active_connections(), 0u);
}

TEST_F(ExchangeTest, StoppedListenerIsAConnectError) {
  FakeUpstream server;
  server.StopListening();
  UpstreamPool pool = MakePool(server.url());
  EXPECT_EQ(Exchange(pool, Get("/")).status, UpstreamStatus::kConnectError);
}

TEST_F(ExchangeTest, ResetIsAnIoError) {
  FakeUpstream server(FakeReply::Reset());
  UpstreamPool pool = MakePool(server.url());
  UpstreamResult result = Exchange(pool, Get("/"));
  EXPECT_EQ(result.status, UpstreamStatus::kIoError) << result.detail;
  EXPECT_FALSE(result.retried);  // a fresh connection is never retried
  EXPECT_EQ(server.request_count(), 1u);
  EXPECT_EQ(pool.idle_connections(), 0u);
}

TEST_F(ExchangeTest, GarbageIsAProtocolError) {
  FakeUpstream server(FakeReply::Garbage());
  UpstreamPool pool = MakePool(server.url());
  UpstreamResult result = Exchange(pool, Get("/"));
  EXPECT_EQ(result.status, UpstreamStatus::kProtocolError) << result.detail;
  EXPECT_EQ(pool.idle_connections(), 0u);
}

TEST_F(ExchangeTest, OversizedHeadIsAProtocolError) {
  FakeUpstream server(FakeReply::Text(200, "x").WithHeader("X-Big", std::string(5000, 'a')));
  UpstreamOptions options;
  options.max_header_bytes = 1024;
  UpstreamPool pool = MakePool(server.url(), options);
  EXPECT_EQ(Exchange(pool, Get("/")).status, UpstreamStatus::kProtocolError);
}

TEST_F(ExchangeTest, HangTimesOutAtTheDeadline) {
  FakeUpstream server(FakeReply::Hang());
  UpstreamPool pool = MakePool(server.url());
  auto start = Clock::now();
  UpstreamResult result = Exchange(pool, Get("/"), 300ms);
  double elapsed = MillisBetween(start, Clock::now());
  EXPECT_EQ(result.status, UpstreamStatus::kTimeout) << result.detail;
  EXPECT_GE(elapsed, 295);
  EXPECT_LT(elapsed, 1500);  // without the deadline: the fake's 30 s hang limit
  EXPECT_EQ(pool.idle_connections(), 0u);
  EXPECT_EQ(pool.active_connections(), 0u);
}

TEST_F(ExchangeTest, TrickleTimesOutAtTheDeadline) {
  FakeUpstream server(FakeReply::Text(200, std::string(1000, 'a')).WithTrickle(20ms));
  UpstreamPool pool = MakePool(server.url());
  auto start = Clock::now();
  UpstreamResult result = Exchange(pool, Get("/"), 300ms);
  double elapsed = MillisBetween(start, Clock::now());
  EXPECT_EQ(result.status, UpstreamStatus::kTimeout) << result.detail;
  EXPECT_LT(elapsed, 1500);  // without a total deadline: 20 ms per byte, over 20 s
}

TEST_F(ExchangeTest, DelayWithinTheDeadlineIsFine) {
  FakeUpstream server(FakeReply::Text(200, "late").WithDelay(100ms));
  UpstreamPool pool = MakePool(server.url());
  UpstreamResult result = Exchange(pool, Get("/"), 2s);
  ASSERT_TRUE(result.ok()) << result.detail;
  EXPECT_GE(result.response.duration_ms, 95);
}

TEST_F(ExchangeTest, TruncatedBodyIsAnIoError) {
  FakeUpstream server(FakeReply::Text(200, std::string(1000, 'a')).WithTruncateAfter(400));
  UpstreamPool pool = MakePool(server.url());
  UpstreamResult result = Exchange(pool, Get("/"));
  EXPECT_EQ(result.status, UpstreamStatus::kIoError) << result.detail;
  EXPECT_EQ(result.response.body.size(), 400u);  // what arrived is kept
  EXPECT_FALSE(result.body_complete);
  EXPECT_EQ(pool.idle_connections(), 0u);
}

TEST_F(ExchangeTest, TruncatedChunkedBodyIsAnIoError) {
  FakeUpstream server(
      FakeReply::Text(200, std::string(1000, 'a')).WithChunked(100).WithTruncateAfter(450));
  UpstreamPool pool = MakePool(server.url());
  EXPECT_EQ(Exchange(pool, Get("/")).status, UpstreamStatus::kIoError);
}

TEST_F(ExchangeTest, HugeBodyIsCappedInMemoryAndDrainedForReuse) {
  constexpr uint64_t kBody = uint64_t{64} << 20;
  FakeUpstream server(FakeReply::Huge(kBody));
  UpstreamOptions options;  // capture_cap 8 MiB, drain_limit 64 MiB
  UpstreamPool pool = MakePool(server.url(), options);
  UpstreamResult result = Exchange(pool, Get("/"), 20s);
  ASSERT_TRUE(result.ok()) << result.detail;
  EXPECT_EQ(result.response.body.size(), options.capture_cap);
  EXPECT_LE(result.response.body.capacity(), options.capture_cap + (64 << 10));
  EXPECT_TRUE(result.response.body_truncated);
  EXPECT_EQ(result.body_bytes, kBody);
  EXPECT_TRUE(result.body_complete);
  EXPECT_EQ(result.response.body, FakeUpstream::HugeBody(options.capture_cap));
  EXPECT_EQ(pool.idle_connections(), 1u);  // drained, so kept
}

TEST_F(ExchangeTest, BodyBeyondTheDrainLimitClosesTheConnection) {
  FakeUpstream server(FakeReply::Huge(uint64_t{4} << 20).WithChunked(64 << 10));
  UpstreamOptions options;
  options.capture_cap = 1000;
  options.drain_limit = 1 << 20;
  UpstreamPool pool = MakePool(server.url(), options);
  UpstreamResult result = Exchange(pool, Get("/"));
  ASSERT_TRUE(result.ok()) << result.detail;
  EXPECT_EQ(result.response.body, FakeUpstream::HugeBody(1000));
  EXPECT_TRUE(result.response.body_truncated);
  EXPECT_FALSE(result.body_complete);
  EXPECT_GE(result.body_bytes, options.drain_limit);
  EXPECT_LT(result.body_bytes, options.drain_limit + (256 << 10));
  EXPECT_EQ(pool.idle_connections(), 0u);
}

// The stale-connection race: the server accepted the request on a kept-alive connection and
// closed it without answering (as a server whose keep-alive timeout fired at that moment).
FakeUpstream::Handler CloseSecondRequestOnEachConnection() {
  return [](const RecordedRequest& r) {
    if (r.index_on_connection == 1) return FakeReply::Close();
    return FakeReply::Text(200, "fresh");
  };
}

TEST_F(ExchangeTest, StaleConnectionIsRetriedOnceForGet) {
  FakeUpstream server(CloseSecondRequestOnEachConnection());
  UpstreamPool pool = MakePool(server.url());
  ASSERT_TRUE(Exchange(pool, Get("/1")).ok());
  UpstreamResult result = Exchange(pool, Get("/2"));
  ASSERT_TRUE(result.ok()) << result.detail;
  EXPECT_TRUE(result.retried);
  EXPECT_EQ(result.response.body, "fresh");
  EXPECT_EQ(server.connections_accepted(), 2u);
  EXPECT_EQ(server.request_count(), 3u);
}

TEST_F(ExchangeTest, StaleConnectionIsNeverRetriedForPost) {
  FakeUpstream server(CloseSecondRequestOnEachConnection());
  UpstreamPool pool = MakePool(server.url());
  ASSERT_TRUE(Exchange(pool, Get("/1")).ok());
  UpstreamResult result = Exchange(pool, {"POST", "/charge", {}, "{}"});
  EXPECT_EQ(result.status, UpstreamStatus::kIoError);
  EXPECT_FALSE(result.retried);
  ASSERT_EQ(server.request_count(), 2u);  // the POST reached the server exactly once
  EXPECT_EQ(server.requests()[1].method, "POST");
  EXPECT_EQ(server.connections_accepted(), 1u);
}

TEST_F(ExchangeTest, ConnectionClosedWhileIdleIsNotReused) {
  FakeUpstream server;
  UpstreamPool pool = MakePool(server.url());
  ASSERT_TRUE(Exchange(pool, Get("/1")).ok());
  server.CloseIdleConnections();
  ASSERT_TRUE(server.WaitForOpenConnections(0, 2s));
  // Detected before sending (no retry needed), so even a POST goes through.
  UpstreamResult result = Exchange(pool, {"POST", "/2", {}, "x"});
  ASSERT_TRUE(result.ok()) << result.detail;
  EXPECT_FALSE(result.reused_connection);
  EXPECT_FALSE(result.retried);
  EXPECT_EQ(server.connections_accepted(), 2u);
}

TEST_F(ExchangeTest, ConnectionCloseResponseIsNotPooled) {
  FakeUpstream server(
      FakeReply::Text(200, "bye").WithHeader("Connection", "close").WithCloseAfter());
  UpstreamPool pool = MakePool(server.url());
  ASSERT_TRUE(Exchange(pool, Get("/")).ok());
  EXPECT_EQ(pool.idle_connections(), 0u);
  ASSERT_TRUE(Exchange(pool, Get("/")).ok());
  EXPECT_EQ(server.connections_accepted(), 2u);
}

TEST_F(ExchangeTest, CloseDelimitedBodyIsReadToTheEnd) {
  FakeUpstream server(FakeReply::Text(200, "until close").WithCloseDelimited());
  UpstreamPool pool = MakePool(server.url());
  UpstreamResult result = Exchange(pool, Get("/"));
  ASSERT_TRUE(result.ok()) << result.detail;
  EXPECT_EQ(result.response.body, "until close");
  EXPECT_EQ(pool.idle_connections(), 0u);
}

TEST_F(ExchangeTest, IdleConnectionsAreBoundedAndExpire) {
  FakeUpstream server(FakeReply::Text(200, "x").WithDelay(50ms));
  UpstreamOptions options;
  options.max_idle = 2;
  options.idle_timeout = 100ms;
  UpstreamPool pool = MakePool(server.url(), options);
  // Four concurrent exchanges need four connections; only two stay idle afterwards.
  auto deadline = Clock::now() + 5s;
  const UpstreamRequest request = Get("/");  // outlives the coroutines
  int done = 0;
  for (int i = 0; i < 4; ++i) {
    boost::asio::co_spawn(io_, pool.Exchange(request, deadline),
                          [&](std::exception_ptr, UpstreamResult r) { done += r.ok(); });
  }
  io_.run_for(3s);
  EXPECT_EQ(done, 4);
  EXPECT_EQ(server.connections_accepted(), 4u);
  EXPECT_EQ(pool.idle_connections(), 2u);
  std::this_thread::sleep_for(150ms);
  pool.PruneIdle();
  EXPECT_EQ(pool.idle_connections(), 0u);
  EXPECT_TRUE(server.WaitForOpenConnections(0, 2s));
}

TEST_F(ExchangeTest, HeaderWithLineBreakIsRefusedBeforeSending) {
  FakeUpstream server;
  UpstreamPool pool = MakePool(server.url());
  UpstreamResult result = Exchange(pool, {"GET", "/", {{"X", "a\r\nX-Evil: 1"}}, ""});
  EXPECT_EQ(result.status, UpstreamStatus::kInvalidRequest);
  EXPECT_EQ(server.connections_accepted(), 0u);
}

}  // namespace
}  // namespace shadowdiff
