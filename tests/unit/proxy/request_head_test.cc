// Unit tests of the head step of a client session (ParseRequestHead in
// src/proxy/client_session.h): Beast's parser and the guard together, without sockets — the
// cases where Beast alone would accept what the guard must refuse, and the sanitising.
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "src/proxy/request_head.h"

namespace shadowdiff {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Not;
using ::testing::Pair;

struct Parsed {
  HeadVerdict verdict;
  InboundRequest request;
};

Parsed Parse(const std::string& head, uint64_t max_body = 1000) {
  EdgeOptions options;
  options.max_request_body_bytes = max_body;
  RequestParser parser;
  Parsed p;
  p.verdict = ParseRequestHead(head, options, "192.0.2.9", parser, p.request);
  return p;
}

void ExpectStatus(const std::string& head, int status) {
  SCOPED_TRACE(head);
  Parsed p = Parse(head);
  EXPECT_FALSE(p.verdict.ok());
  EXPECT_EQ(p.verdict.refusal.status, status);
}

TEST(ParseRequestHead, SanitisesAnAcceptedRequest) {
  Parsed p = Parse(
      "POST /a?b=1 HTTP/1.1\r\nHost: svc\r\nContent-Length: 3\r\nExpect: 100-continue\r\n"
      "Shadow-Mode: rollback\r\nConnection: keep-alive, X-Hop\r\nX-Hop: 1\r\n"
      "X-Forwarded-For: 10.0.0.1\r\nAccept: */*\r\n\r\n");
  ASSERT_TRUE(p.verdict.ok()) << p.verdict.refusal.reason;
  EXPECT_TRUE(p.verdict.expect_continue);
  EXPECT_EQ(p.verdict.framing.kind, BodyFraming::Kind::kContentLength);
  EXPECT_EQ(p.request.method, "POST");
  EXPECT_EQ(p.request.target, "/a?b=1");
  EXPECT_EQ(p.request.version, 11u);
  EXPECT_TRUE(p.request.keep_alive);
  EXPECT_EQ(p.request.client_ip, "192.0.2.9");
  EXPECT_THAT(p.request.headers,
              ElementsAre(Pair("Host", "svc"), Pair("Content-Length", "3"), Pair("Accept", "*/*"),
                          Pair("X-Forwarded-For", "10.0.0.1, 192.0.2.9"),
                          Pair("Forwarded", "for=192.0.2.9")));
}

TEST(ParseRequestHead, KeepAliveSemantics) {
  EXPECT_TRUE(Parse("GET / HTTP/1.1\r\nHost: x\r\n\r\n").request.keep_alive);
  EXPECT_FALSE(Parse("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n").request.keep_alive);
  EXPECT_FALSE(Parse("GET / HTTP/1.0\r\n\r\n").request.keep_alive);
  EXPECT_TRUE(Parse("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n").request.keep_alive);
}

TEST(ParseRequestHead, ChunkedHeadersLoseTransferEncoding) {
  Parsed p = Parse("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n");
  ASSERT_TRUE(p.verdict.ok());
  EXPECT_EQ(p.verdict.framing.kind, BodyFraming::Kind::kChunked);
  EXPECT_THAT(p.request.headers, Not(Contains(Pair("Transfer-Encoding", "chunked"))));
}

// Beast 1.81 accepts each of these; the guard must not.
TEST(ParseRequestHead, RefusesWhatBeastAccepts) {
  ExpectStatus("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\nContent-Length: 5\r\n\r\n",
               400);
  ExpectStatus("POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400);
  ExpectStatus("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n", 400);
  ExpectStatus("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5, 5\r\n\r\n", 400);
  ExpectStatus(
      "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n",
      400);
  ExpectStatus("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, gzip\r\n\r\n", 400);
}

TEST(ParseRequestHead, RefusesWhatBeastRefuses) {
  ExpectStatus(
      "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n", 400);
  ExpectStatus(
      "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n", 400);
  ExpectStatus("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n", 400);
  ExpectStatus("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\n\r\n", 400);
  ExpectStatus("POST / HTTP/1.1\r\nHost: x\r\nContent Length: 1\r\n\r\n", 400);
  ExpectStatus("POST / HTTP/1.1\r\nHost: x\r\nContent-Length : 1\r\n\r\n", 400);
  ExpectStatus("GET /\r\n\r\n", 400);
  ExpectStatus("GET / HTTP/1.1 extra\r\nHost: x\r\n\r\n", 400);
  ExpectStatus("GET  / HTTP/1.1\r\nHost: x\r\n\r\n", 400);
  ExpectStatus("GET / HTTQ/1.1\r\nHost: x\r\n\r\n", 400);
}

TEST(ParseRequestHead, BodyTooLargeIs413) {
  ExpectStatus("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1001\r\n\r\n", 413);
  EXPECT_TRUE(Parse("POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n").verdict.ok());
}

TEST(ParseRequestHead, HeadBeyondBeastsDefaultLimit) {
  // Beast's own default header limit is 8 KiB; the edge's limit (64 KiB) must apply instead.
  std::string head = "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'a') + "\r\n\r\n";
  EXPECT_TRUE(Parse(head).verdict.ok());
}

TEST(EdgeOptions, EachTimeoutComesFromItsOwnLimit) {
  Limits limits;
  limits.header_timeout_ms = 1;
  limits.idle_timeout_ms = 2;
  limits.body_timeout_ms = 3;
  limits.max_header_bytes = 4;
  limits.max_request_body_bytes = 5;
  const EdgeOptions options = EdgeOptions::FromLimits(limits);
  EXPECT_EQ(options.header_timeout, std::chrono::milliseconds(1));
  EXPECT_EQ(options.idle_timeout, std::chrono::milliseconds(2));
  EXPECT_EQ(options.body_timeout, std::chrono::milliseconds(3));
  EXPECT_EQ(options.max_header_bytes, 4u);
  EXPECT_EQ(options.max_request_body_bytes, 5u);
}

TEST(EdgeErrorResponse, SmallCloseResponse) {
  EXPECT_EQ(EdgeErrorResponse(Refusal{431, "request header fields too large"}),
            "HTTP/1.1 431 Request Header Fields Too Large\r\n"
            "Content-Type: text/plain; charset=utf-8\r\nContent-Length: 32\r\n"
            "Connection: close\r\n\r\nrequest header fields too large\n");
}

}  // namespace
}  // namespace shadowdiff
