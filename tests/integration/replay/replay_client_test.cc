// ReplayClient (the replay runner's HTTP client) against FakeUpstream on loopback: statuses
// and framing, connection reuse and the one retry of a stale connection, bodies read and
// dropped in bounded memory, and a clear error for what is not a usable response.
#include "src/replay/replay_client.h"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <chrono>
#include <string>

#include "tests/integration/fake_upstream.h"

namespace shadowdiff {
namespace {

using namespace std::chrono_literals;
using test::FakeReply;
using test::FakeUpstream;
using test::RecordedRequest;

Request Get(std::string target) { return Request{"GET", std::move(target), {}, ""}; }

// The peak resident set size of this process so far, in KiB.
long PeakRssKiB() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

TEST(ReplayClientTest, EveryFramingEndsTheResponseAndKeepAliveReusesTheConnection) {
  FakeUpstream server([](const RecordedRequest& r) {
    if (r.target == "/chunked") return FakeReply::Text(201, "chunked body").WithChunked(3);
    if (r.target == "/empty") return FakeReply::Text(204, "");
    return FakeReply::Text(200, "plain body");
  });
  ReplayClient client(server.port(), 5s);
  for (const char* target : {"/plain", "/chunked", "/empty", "/plain"}) {
    Result<int> status = client.Send(Get(target), {});
    ASSERT_TRUE(status.ok()) << target << ": " << status.error().message;
    EXPECT_EQ(*status, std::string(target) == "/chunked" ? 201
                       : std::string(target) == "/empty" ? 204
                                                         : 200)
        << target;
  }
  Result<int> head = client.Send(Request{"HEAD", "/plain", {}, ""}, {});
  ASSERT_TRUE(head.ok()) << head.error().message;
  EXPECT_EQ(*head, 200);
  EXPECT_EQ(server.connections_accepted(), 1u);
  // The extra headers are sent, and a Host is added when the request has none.
  const RecordedRequest first = server.requests().front();
  EXPECT_EQ(first.Header("Host").value_or(""), "shadowdiff-replay");
}

TEST(ReplayClientTest, ExtraHeadersAreSent) {
  FakeUpstream server;
  ReplayClient client(server.port(), 5s);
  Result<int> status = client.Send(Get("/"), {{"X-Replay", "1"}});
  ASSERT_TRUE(status.ok()) << status.error().message;
  EXPECT_EQ(server.requests().front().Header("X-Replay").value_or(""), "1");
}

TEST(ReplayClientTest, CloseDelimitedBodyEndsAtTheEndOfTheStream) {
  FakeUpstream server(FakeReply::Text(200, "to the end").WithCloseDelimited());
  ReplayClient client(server.port(), 5s);
  for (int i = 0; i < 2; ++i) {
    Result<int> status = client.Send(Get("/eof"), {});
    ASSERT_TRUE(status.ok()) << status.error().message;
    EXPECT_EQ(*status, 200);
  }
  EXPECT_EQ(server.connections_accepted(), 2u);
}

// The server says `Connection: close` but leaves the connection open: only a client that
// honours the header opens a new one for the next request (one that does not would reuse it,
// and succeed).
TEST(ReplayClientTest, ConnectionCloseIsHonouredEvenWhenTheServerKeepsTheConnection) {
  FakeUpstream server(FakeReply::Text(200, "closing").WithHeader("Connection", "close"));
  ReplayClient client(server.port(), 5s);
  for (int i = 0; i < 2; ++i) {
    Result<int> status = client.Send(Get("/close"), {});
    ASSERT_TRUE(status.ok()) << status.error().message;
    EXPECT_EQ(*status, 200);
  }
  EXPECT_EQ(server.connections_accepted(), 2u);
}

TEST(ReplayClientTest, StaleConnectionIsRetriedOnceOnAFreshOne) {
  FakeUpstream server;
  ReplayClient client(server.port(), 5s);
  ASSERT_TRUE(client.Send(Get("/a"), {}).ok());
  server.CloseIdleConnections();  // the server's keep-alive timeout, between two requests
  Result<int> status = client.Send(Get("/b"), {});
  ASSERT_TRUE(status.ok()) << status.error().message;
  EXPECT_EQ(*status, 200);
  EXPECT_EQ(server.connections_accepted(), 2u);
}

// A 256 MiB body is read to its end (the connection stays usable) without being held.
TEST(ReplayClientTest, LargeBodiesAreDroppedAsTheyArrive) {
  constexpr uint64_t kBody = uint64_t{256} << 20;
  FakeUpstream server([](const RecordedRequest& r) {
    return r.target == "/huge" ? FakeReply::Huge(kBody) : FakeReply::Text(200, "small");
  });
  ReplayClient client(server.port(), 30s);
  const long before = PeakRssKiB();
  Result<int> status = client.Send(Get("/huge"), {});
  ASSERT_TRUE(status.ok()) << status.error().message;
  EXPECT_EQ(*status, 200);
  // Holding the body would raise the peak by 256 MiB; reading it in pieces, by nothing much.
  EXPECT_LT(PeakRssKiB() - before, 64 * 1024);
  ASSERT_TRUE(client.Send(Get("/small"), {}).ok());
  EXPECT_EQ(server.connections_accepted(), 1u);
}

TEST(ReplayClientTest, WhatIsNotAResponseIsAnErrorThatSaysSo) {
  FakeUpstream server([](const RecordedRequest& r) {
    if (r.target == "/garbage") return FakeReply::Garbage();
    if (r.target == "/cut")
      return FakeReply::Text(200, std::string(1000, 'a')).WithTruncateAfter(10);
    return FakeReply::Raw(
        "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!");
  });
  ReplayClient client(server.port(), 5s);
  Result<int> garbage = client.Send(Get("/garbage"), {});
  ASSERT_FALSE(garbage.ok());
  EXPECT_NE(garbage.error().message.find("the proxy's response is malformed"), std::string::npos)
      << garbage.error().message;
  Result<int> cut = client.Send(Get("/cut"), {});
  ASSERT_FALSE(cut.ok());
  EXPECT_NE(cut.error().message.find("malformed"), std::string::npos) << cut.error().message;
  Result<int> lengths = client.Send(Get("/lengths"), {});
  ASSERT_FALSE(lengths.ok());
  EXPECT_NE(lengths.error().message.find("Content-Length"), std::string::npos)
      << lengths.error().message;
}

TEST(ReplayClientTest, SilenceIsATimeoutAndNothingListeningIsAConnectError) {
  FakeUpstream server(FakeReply::Hang());
  ReplayClient client(server.port(), 200ms);
  Result<int> hung = client.Send(Get("/"), {});
  ASSERT_FALSE(hung.ok());
  EXPECT_EQ(hung.error().message, "the proxy did not answer in time");

  // The timeout bounds the whole response, not each read of it.
  FakeUpstream trickle(FakeReply::Text(200, std::string(200, 'a')).WithTrickle(10ms));
  ReplayClient patient(trickle.port(), 300ms);
  const auto start = std::chrono::steady_clock::now();
  Result<int> slow = patient.Send(Get("/"), {});
  const auto elapsed = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(slow.ok());
  EXPECT_EQ(slow.error().message, "the proxy did not answer in time");
  EXPECT_LT(elapsed, 1500ms) << "the whole response takes over 3 s";

  ReplayClient nowhere(FakeUpstream::UnusedPort(), 1s);
  Result<int> refused = nowhere.Send(Get("/"), {});
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("cannot connect"), std::string::npos)
      << refused.error().message;
}

}  // namespace
}  // namespace shadowdiff
