// Relaying exactness through the whole proxy: what the client receives is the primary's
// answer (status, reason, headers in order minus hop-by-hop, body bytes), whatever its
// framing and size; what the primary receives is the client's request (body intact) plus
// X-Forwarded-For/Forwarded, minus any client-sent Shadow-* header.
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/integration/proxy/proxy_fixture.h"

namespace shadowdiff::test {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr char kConfig[] = R"(
endpoints:
  - path: /r
    methods: [GET, HEAD]
  - path: /r/{id}
    methods: [GET]
  - path: /w
    methods: [POST]
    shadow: off
)";

class RelayTest : public ProxyFixture {};

// Names of `headers` that are in `wanted`, in order (the proxy may add framing fields).
std::vector<std::string> Only(const std::vector<std::string>& names,
                              const std::vector<std::string>& wanted) {
  std::vector<std::string> out;
  for (const auto& n : names) {
    for (const auto& w : wanted) {
      if (ToLower(n) == ToLower(w)) out.push_back(n);
    }
  }
  return out;
}

TEST_F(RelayTest, StatusReasonHeadersInOrderAndBodyOfA404) {
  old_->SetReply(FakeReply::Json(404, R"({"error":"no such customer","id":42})")
                     .WithHeader("X-First", "1")
                     .WithHeader("Keep-Alive", "timeout=5")
                     .WithHeader("X-Second", "two")
                     .WithHeader("Connection", "X-Hop")
                     .WithHeader("X-Hop", "must not pass")
                     .WithHeader("Set-Cookie", "a=1")
                     .WithHeader("Set-Cookie", "b=2")
                     .WithHeader("Proxy-Authenticate", "Basic")
                     .WithHeader("Upgrade", "h2c")
                     .WithHeader("X-Last", "3"));
  ASSERT_TRUE(StartProxy(kConfig));

  HttpResponse r = Get("/r");
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.reason, "Not Found");
  EXPECT_EQ(r.body, R"({"error":"no such customer","id":42})");
  EXPECT_THAT(
      Only(r.HeaderNames(), {"Content-Type", "X-First", "X-Second", "Set-Cookie", "X-Last"}),
      ElementsAre("Content-Type", "X-First", "X-Second", "Set-Cookie", "Set-Cookie", "X-Last"));
  EXPECT_THAT(Only(r.HeaderNames(), {"Keep-Alive", "X-Hop", "Proxy-Authenticate", "Upgrade"}),
              IsEmpty());
  EXPECT_EQ(r.Header("X-Second"), "two");
  EXPECT_EQ(r.Header("Content-Length"), std::to_string(r.body.size()));
}

TEST_F(RelayTest, Primary500IsRelayedNotReplaced) {
  old_->SetReply(FakeReply::Text(500, "database is down\n").WithHeader("Retry-After", "3"));
  ASSERT_TRUE(StartProxy(kConfig));
  HttpResponse r = Get("/r");
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.status, 500);
  EXPECT_EQ(r.body, "database is down\n");
  EXPECT_EQ(r.Header("Retry-After"), "3");
  EXPECT_EQ(r.Header("Content-Type"), "text/plain");
}

TEST_F(RelayTest, BinaryBodyEveryByteValue) {
  std::string binary;
  for (int round = 0; round < 4; ++round) {
    for (int i = 0; i < 256; ++i) binary.push_back(static_cast<char>(i));
  }
  old_->SetReply(FakeReply::Text(200, binary, "application/octet-stream"));
  ASSERT_TRUE(StartProxy(kConfig));
  HttpResponse r = Get("/r");
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.body, binary);
}

TEST_F(RelayTest, FiveMebibyteBodyByteExact) {
  constexpr uint64_t kSize = 5 << 20;
  old_->SetReply(FakeReply::Huge(kSize));
  ASSERT_TRUE(StartProxy(kConfig));
  HttpResponse r = Get("/r");
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.Header("Content-Length"), std::to_string(kSize));
  ASSERT_EQ(r.body.size(), kSize);
  EXPECT_TRUE(r.body == FakeUpstream::HugeBody(kSize)) << "body bytes differ";
}

TEST_F(RelayTest, ChunkedPrimaryResponseIsReframedChunkedWithTheSameBytes) {
  std::string body;
  for (int i = 0; i < 2000; ++i) body += "{\"i\":" + std::to_string(i) + "}\n";
  old_->SetReply(FakeReply::Text(200, body, "application/x-ndjson").WithChunked(777));
  ASSERT_TRUE(StartProxy(kConfig));
  HttpResponse r = Get("/r");
  ASSERT_TRUE(r.ok);
  EXPECT_TRUE(r.chunked) << r.raw.substr(0, 300);
  EXPECT_EQ(r.body, body);
  EXPECT_FALSE(r.Header("Content-Length").has_value());
}

TEST_F(RelayTest, KeepAliveClientConnectionAndReusedPrimaryConnection) {
  old_->SetHandler([](const RecordedRequest& req) {
    return FakeReply::Json(200, "{\"target\":\"" + req.target + "\"}");
  });
  ASSERT_TRUE(StartProxy(kConfig));
  RawClient client(port());
  ASSERT_TRUE(client.connected());
  for (int i = 0; i < 5; ++i) {
    const std::string target = "/r/" + std::to_string(i);
    ASSERT_TRUE(client.Send(RequestBytes("GET", target)));
    HttpResponse r = client.ReadResponse();
    ASSERT_TRUE(r.ok) << "request " << i;
    EXPECT_EQ(r.body, "{\"target\":\"" + target + "\"}");
    EXPECT_NE(ToLower(r.Header("Connection").value_or("")), "close");
  }
  ASSERT_TRUE(old_->WaitForRequests(5, 2s));
  EXPECT_EQ(old_->connections_accepted(), 1u) << "the primary connection was not reused";
  // Every request arrived on the same upstream connection, in order.
  auto requests = old_->requests();
  for (size_t i = 0; i < requests.size(); ++i) EXPECT_EQ(requests[i].index_on_connection, i);
}

// shadowdiff_upstream_connections on the admin /metrics: the pooled connections of every
// I/O thread, by target role.
TEST_F(RelayTest, UpstreamConnectionGaugesCountThePools) {
  ASSERT_TRUE(StartProxy(kConfig));
  RawClient client(port());
  ASSERT_TRUE(client.connected());
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(client.Send(RequestBytes("GET", "/r")));
    ASSERT_TRUE(client.ReadResponse().ok) << "request " << i;
  }
  ASSERT_TRUE(WaitForRequestsCounted("/r", 3));
  // Every exchange is over once its outcome is counted: each pooled connection is idle. (A
  // shadow call may still be running when the client's next request arrives, so the pool may
  // hold more than one connection to new.)
  auto gauge = [](const ::shadowdiff::testing::Exposition& e, const char* target,
                  const char* state) {
    return e.Value("shadowdiff_upstream_connections", {{"target", target}, {"state", state}})
        .value_or(-1);
  };
  HttpResponse scrape = Admin("GET", "/metrics");
  ASSERT_TRUE(scrape.ok);
  auto exposition = ::shadowdiff::testing::ParseExposition(scrape.body);
  EXPECT_EQ(gauge(exposition, "old", "idle"), static_cast<double>(old_->open_connections()))
      << scrape.body;
  EXPECT_EQ(gauge(exposition, "new", "idle"), static_cast<double>(new_->open_connections()));
  EXPECT_GE(gauge(exposition, "old", "idle"), 1);
  EXPECT_GE(gauge(exposition, "new", "idle"), 1);
  EXPECT_EQ(gauge(exposition, "old", "active"), 0);
  EXPECT_EQ(gauge(exposition, "new", "active"), 0);
}

TEST_F(RelayTest, HeadGetsHeadersOnlyAndTheConnectionStaysInSync) {
  old_->SetReply(FakeReply::Json(200, R"({"a":"0123456789"})").WithHeader("ETag", "\"v1\""));
  ASSERT_TRUE(StartProxy(kConfig));
  RawClient client(port());
  ASSERT_TRUE(client.Send(RequestBytes("HEAD", "/r")));
  HttpResponse head = client.ReadResponse(/*head_request=*/true);
  ASSERT_TRUE(head.ok);
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.Header("ETag"), "\"v1\"");
  EXPECT_EQ(head.Header("Content-Length"), "18");
  // No body bytes followed the head: the next response on the connection parses cleanly.
  ASSERT_TRUE(client.Send(RequestBytes("GET", "/r")));
  HttpResponse get = client.ReadResponse();
  ASSERT_TRUE(get.ok) << client.buffered();
  EXPECT_EQ(get.status, 200);
  EXPECT_EQ(get.body, R"({"a":"0123456789"})");
  ASSERT_TRUE(old_->WaitForRequests(2, 2s));
  EXPECT_EQ(old_->requests()[0].method, "HEAD");
}

TEST_F(RelayTest, PostBodyReachesThePrimaryIntactWhenShadowIsOff) {
  std::string body;
  for (int i = 0; i < 100000; ++i) body.push_back(static_cast<char>((i * 7919) & 0xff));
  old_->SetReply(FakeReply::Json(201, R"({"created":true})"));
  ASSERT_TRUE(StartProxy(kConfig));
  HttpResponse r = Post("/w", body, {{"Content-Type", "application/octet-stream"}});
  ASSERT_TRUE(r.ok);
  EXPECT_EQ(r.status, 201);
  ASSERT_TRUE(old_->WaitForRequests(1, 2s));
  RecordedRequest got = old_->requests()[0];
  EXPECT_EQ(got.method, "POST");
  EXPECT_EQ(got.target, "/w");
  EXPECT_TRUE(got.body == body) << "body differs: " << got.body.size() << " bytes";
  EXPECT_EQ(got.Header("Content-Type"), "application/octet-stream");
  EXPECT_TRUE(WaitForOutcome("/w", "POST", "not_shadowed"));
  EXPECT_EQ(new_->request_count(), 0u);
}

TEST_F(RelayTest, ForwardedForIsAppended) {
  ASSERT_TRUE(StartProxy(kConfig));
  ASSERT_TRUE(Get("/r").ok);
  ASSERT_TRUE(Get("/r", {{"X-Forwarded-For", "10.1.2.3"}, {"Forwarded", "for=10.1.2.3"}}).ok);
  ASSERT_TRUE(old_->WaitForRequests(2, 2s));
  auto requests = old_->requests();
  EXPECT_EQ(requests[0].Header("X-Forwarded-For"), "127.0.0.1");
  EXPECT_EQ(requests[0].Header("Forwarded"), "for=127.0.0.1");
  EXPECT_EQ(requests[1].Header("X-Forwarded-For"), "10.1.2.3, 127.0.0.1");
  EXPECT_EQ(requests[1].Header("Forwarded"), "for=10.1.2.3, for=127.0.0.1");
  // The shadow sees the same chain.
  ASSERT_TRUE(new_->WaitForRequests(2, 2s));
  EXPECT_EQ(new_->requests()[1].Header("X-Forwarded-For"), "10.1.2.3, 127.0.0.1");
}

TEST_F(RelayTest, ClientShadowHeadersReachNeitherUpstream) {
  ASSERT_TRUE(StartProxy(kConfig));
  HttpResponse r = Get("/r", {{"Shadow-Mode", "rollback"},
                              {"Shadow-Id", "forged"},
                              {"shadow-signature", "t=1,v1=00"},
                              {"SHADOW-ROLLED-BACK", "forged"},
                              {"X-Keep", "yes"}});
  ASSERT_TRUE(r.ok);
  ASSERT_TRUE(old_->WaitForRequests(1, 2s));
  ASSERT_TRUE(new_->WaitForRequests(1, 2s));
  const RecordedRequest primary = old_->requests()[0];
  for (const auto& [name, value] : primary.headers) {
    EXPECT_FALSE(ToLower(name).starts_with("shadow-")) << "primary got " << name << ": " << value;
  }
  EXPECT_EQ(primary.Header("X-Keep"), "yes");
  const RecordedRequest shadow = new_->requests()[0];
  int ids = 0, modes = 0;
  for (const auto& [name, value] : shadow.headers) {
    EXPECT_NE(value, "forged") << name;
    EXPECT_NE(ToLower(name), "shadow-rolled-back");
    if (ToLower(name) == "shadow-id") ++ids;
    if (ToLower(name) == "shadow-mode") {
      ++modes;
      EXPECT_EQ(value, "compare");
    }
  }
  EXPECT_EQ(ids, 1);
  EXPECT_EQ(modes, 1);
  EXPECT_EQ(shadow.Header("X-Keep"), "yes");
}

TEST_F(RelayTest, PipelinedRequestsAnsweredInOrder) {
  old_->SetHandler([](const RecordedRequest& req) {
    // The first answer is the slowest: order must still hold.
    auto reply = FakeReply::Json(200, "{\"target\":\"" + req.target + "\"}");
    if (req.target == "/r/0") return std::move(reply).WithDelay(std::chrono::milliseconds(100));
    return reply;
  });
  ASSERT_TRUE(StartProxy(kConfig));
  RawClient client(port());
  ASSERT_TRUE(client.Send(RequestBytes("GET", "/r/0") + RequestBytes("GET", "/r/1") +
                          RequestBytes("GET", "/r/2")));
  for (int i = 0; i < 3; ++i) {
    HttpResponse r = client.ReadResponse();
    ASSERT_TRUE(r.ok) << i;
    EXPECT_EQ(r.body, "{\"target\":\"/r/" + std::to_string(i) + "\"}");
  }
}

TEST_F(RelayTest, Http10ClientGetsAChunkedPrimaryAsCloseDelimited) {
  const std::string body(50000, 'z');
  old_->SetReply(FakeReply::Text(200, body).WithChunked(4096));
  ASSERT_TRUE(StartProxy(kConfig));
  HttpResponse r = Send("GET /r HTTP/1.0\r\nHost: p\r\n\r\n");
  ASSERT_TRUE(r.ok);
  EXPECT_FALSE(r.chunked);
  EXPECT_EQ(r.body, body);
}

}  // namespace
}  // namespace shadowdiff::test
