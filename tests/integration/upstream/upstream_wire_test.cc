// The wire text of the upstream side, without sockets: request heads, the retry rule, and
// the response head and framing a relay sends to its client.
#include "src/proxy/upstream_wire.h"

#include <gtest/gtest.h>

namespace shadowdiff {
namespace {

TargetUrl Target(std::string_view text) { return ParseTargetUrl(text).value(); }

TEST(SerializeRequestHeadTest, PrefixesBasePathSetsHostAndFramesTheBody) {
  UpstreamRequest request{
      "POST",
      "/orders?x=1",
      {{"X-Trace", "a"}, {"Host", "client.example"}, {"content-length", "99"}, {"Accept", "*/*"}},
      "{}"};
  Result<std::string> head = SerializeRequestHead(request, Target("http://10.0.0.1:8001/api"));
  ASSERT_TRUE(head.ok()) << head.error().message;
  EXPECT_EQ(*head,
            "POST /api/orders?x=1 HTTP/1.1\r\nHost: 10.0.0.1:8001\r\nX-Trace: a\r\n"
            "Accept: */*\r\nContent-Length: 2\r\n\r\n");
}

TEST(SerializeRequestHeadTest, GetWithoutBodyHasNoContentLengthAndPort80IsImplicit) {
  UpstreamRequest request{"GET", "/", {}, ""};
  EXPECT_EQ(*SerializeRequestHead(request, Target("http://svc")),
            "GET / HTTP/1.1\r\nHost: svc\r\n\r\n");
}

TEST(SerializeRequestHeadTest, EmptyPostSendsContentLengthZero) {
  UpstreamRequest request{"POST", "/a", {}, ""};
  EXPECT_EQ(*SerializeRequestHead(request, Target("http://svc:81")),
            "POST /a HTTP/1.1\r\nHost: svc:81\r\nContent-Length: 0\r\n\r\n");
}

TEST(SerializeRequestHeadTest, RefusesFieldsThatCouldSplitTheHead) {
  TargetUrl target = Target("http://svc");
  EXPECT_FALSE(SerializeRequestHead({"GET", "/", {{"X", "a\r\nEvil: 1"}}, ""}, target).ok());
  EXPECT_FALSE(SerializeRequestHead({"GET", "/", {{"X Y", "a"}}, ""}, target).ok());
  EXPECT_FALSE(SerializeRequestHead({"GET", "/a b", {}, ""}, target).ok());
  EXPECT_FALSE(SerializeRequestHead({"G\nET", "/", {}, ""}, target).ok());
  EXPECT_FALSE(
      SerializeRequestHead({"GET", "/", {{"X", std::string("a\0b", 3)}}, ""}, target).ok());
}

TEST(SerializeRequestHeadTest, RefusesEveryByteThatCouldSplitTheHeadAnywhereInAValue) {
  TargetUrl target = Target("http://svc");
  for (char bad : {'\r', '\n', '\0'}) {
    for (std::string value : {std::string(1, bad), "a" + std::string(1, bad),
                              std::string(1, bad) + "a", "ab" + std::string(1, bad) + "cd"}) {
      EXPECT_FALSE(SerializeRequestHead({"GET", "/", {{"X", value}}, ""}, target).ok())
          << static_cast<int>(bad);
    }
  }
  // Other control bytes and obs-text pass through: the edge's guard decides about those.
  EXPECT_TRUE(SerializeRequestHead({"GET", "/", {{"X", "a\tb\x0b\x0c\x7f\xff"}}, ""}, target).ok());
}

TEST(HostHeaderValueTest, PortOnlyWhenNot80AndIpv6Bracketed) {
  EXPECT_EQ(HostHeaderValue(Target("http://svc")), "svc");
  EXPECT_EQ(HostHeaderValue(Target("http://svc:8080")), "svc:8080");
  EXPECT_EQ(HostHeaderValue(Target("http://10.0.0.1:65535")), "10.0.0.1:65535");
  EXPECT_EQ(HostHeaderValue(Target("http://[::1]")), "[::1]");
  EXPECT_EQ(HostHeaderValue(Target("http://[::1]:8001")), "[::1]:8001");
  UpstreamRequest request{"GET", "/", {}, ""};
  EXPECT_EQ(*SerializeRequestHead(request, Target("http://[::1]:8001")),
            "GET / HTTP/1.1\r\nHost: [::1]:8001\r\n\r\n");
}

TEST(IsRetryableMethodTest, OnlySafeMethods) {
  EXPECT_TRUE(IsRetryableMethod("GET"));
  EXPECT_TRUE(IsRetryableMethod("HEAD"));
  EXPECT_TRUE(IsRetryableMethod("OPTIONS"));
  EXPECT_FALSE(IsRetryableMethod("POST"));
  EXPECT_FALSE(IsRetryableMethod("PUT"));
  EXPECT_FALSE(IsRetryableMethod("DELETE"));
  EXPECT_FALSE(IsRetryableMethod("PATCH"));
  EXPECT_FALSE(IsRetryableMethod("get"));
}

TEST(ChooseClientFramingTest, KeepsLengthElseChunksForHttp11ElseCloses) {
  EXPECT_EQ(ChooseClientFraming(false, true, 11), RelayFraming::kNone);
  EXPECT_EQ(ChooseClientFraming(true, true, 10), RelayFraming::kContentLength);
  EXPECT_EQ(ChooseClientFraming(true, false, 11), RelayFraming::kChunked);
  EXPECT_EQ(ChooseClientFraming(true, false, 10), RelayFraming::kCloseDelimited);
}

TEST(ComposeResponseHeadTest, KeepsOrderAndNamesAndRewritesTheLengthInPlace) {
  HeaderList headers{{"X-B", "2"}, {"content-LENGTH", "5"}, {"X-A", "1"}, {"Content-Length", "5"}};
  EXPECT_EQ(ComposeResponseHead(201, "Made", headers, RelayFraming::kContentLength, 5, 11, true),
            "HTTP/1.1 201 Made\r\nX-B: 2\r\ncontent-LENGTH: 5\r\nX-A: 1\r\n\r\n");
}

TEST(ComposeResponseHeadTest, ChunkedDropsLengthAndAddsTransferEncoding) {
  HeaderList headers{{"Content-Type", "text/plain"}};
  EXPECT_EQ(
      ComposeResponseHead(200, "OK", headers, RelayFraming::kChunked, std::nullopt, 11, false),
      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n"
      "Connection: close\r\n\r\n");
}

TEST(ComposeResponseHeadTest, Http10KeepAliveIsSaidAndEmptyReasonIsKept) {
  EXPECT_EQ(ComposeResponseHead(200, "", {{"Content-Length", "0"}}, RelayFraming::kNone,
                                std::nullopt, 10, true),
            "HTTP/1.1 200 \r\nContent-Length: 0\r\nConnection: keep-alive\r\n\r\n");
}

TEST(ComposeResponseHeadTest, HeadAnswerKeepsLengthButNoContentDropsIt) {
  EXPECT_EQ(ComposeResponseHead(200, "OK", {{"Content-Length", "42"}}, RelayFraming::kNone,
                                std::nullopt, 11, true),
            "HTTP/1.1 200 OK\r\nContent-Length: 42\r\n\r\n");
  EXPECT_EQ(ComposeResponseHead(204, "No Content", {{"Content-Length", "0"}}, RelayFraming::kNone,
                                std::nullopt, 11, true),
            "HTTP/1.1 204 No Content\r\n\r\n");
}

TEST(ComposeResponseHeadTest, StatusIsThreeDigits) {
  EXPECT_EQ(ComposeResponseHead(42, "X", {}, RelayFraming::kNone, std::nullopt, 11, true),
            "HTTP/1.1 042 X\r\n\r\n");
  EXPECT_EQ(ComposeResponseHead(999, "X", {}, RelayFraming::kNone, std::nullopt, 11, true),
            "HTTP/1.1 999 X\r\n\r\n");
  EXPECT_EQ(ComposeResponseHead(100, "X", {}, RelayFraming::kNone, std::nullopt, 11, true),
            "HTTP/1.1 100 X\r\n\r\n");
}

TEST(ChunkSizeLineTest, LowercaseHex) {
  EXPECT_EQ(ChunkSizeLine(1), "1\r\n");
  EXPECT_EQ(ChunkSizeLine(65536), "10000\r\n");
  EXPECT_EQ(ChunkSizeLine(255), "ff\r\n");
}

TEST(UpstreamStatusNameTest, Names) {
  EXPECT_EQ(UpstreamStatusName(UpstreamStatus::kConnectError), "connect_error");
  EXPECT_EQ(UpstreamStatusName(UpstreamStatus::kProtocolError), "protocol_error");
}

}  // namespace
}  // namespace shadowdiff
