// Unit tests of the edge's HTTP guard (src/proxy/http_guard.h): smuggling refusals, head
// scanning, hop-by-hop stripping, Shadow-* stripping and X-Forwarded-For / Forwarded.
#include "src/proxy/http_guard.h"

#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace shadowdiff {
namespace {

using namespace std::string_literals;  // NOLINT: "\0" inside literals
using ::testing::ElementsAre;
using ::testing::Pair;

constexpr uint64_t kMaxBody = 1 << 20;

HeadVerdict Check(const HeaderList& headers, unsigned version = 11,
                  std::string_view method = "POST", std::string_view target = "/a") {
  return CheckRequestHead(method, target, version, headers, kMaxBody);
}

// Expects a refusal with exactly this status and reason.
void ExpectRefused(const HeadVerdict& verdict, int status, std::string_view reason) {
  EXPECT_FALSE(verdict.ok());
  EXPECT_EQ(verdict.refusal.status, status);
  EXPECT_EQ(verdict.refusal.reason, reason);
}

// ---- framing: the accepted cases ------------------------------------------------------------

TEST(CheckRequestHead, NoBody) {
  HeadVerdict v = Check({{"Host", "x"}}, 11, "GET");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v.framing.kind, BodyFraming::Kind::kNone);
}

TEST(CheckRequestHead, ContentLength) {
  HeadVerdict v = Check({{"Host", "x"}, {"Content-Length", " 42 "}});
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v.framing.kind, BodyFraming::Kind::kContentLength);
  EXPECT_EQ(v.framing.content_length, 42u);
}

TEST(CheckRequestHead, ContentLengthZeroIsNoBody) {
  HeadVerdict v = Check({{"Host", "x"}, {"Content-Length", "0"}});
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v.framing.kind, BodyFraming::Kind::kNone);
}

TEST(CheckRequestHead, ChunkedAnyCase) {
  HeadVerdict v = Check({{"Host", "x"}, {"transfer-encoding", "Chunked"}});
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v.framing.kind, BodyFraming::Kind::kChunked);
}

// ---- smuggling openings ----------------------------------------------------------------------

TEST(CheckRequestHead, TransferEncodingThenContentLength) {
  ExpectRefused(Check({{"Host", "x"}, {"Transfer-Encoding", "chunked"}, {"Content-Length", "5"}}),
                400, "Transfer-Encoding with Content-Length");
}

TEST(CheckRequestHead, ContentLengthThenTransferEncoding) {
  ExpectRefused(Check({{"Host", "x"}, {"Content-Length", "5"}, {"Transfer-Encoding", "chunked"}}),
                400, "Transfer-Encoding with Content-Length");
}

TEST(CheckRequestHead, GzipWithContentLength) {
  ExpectRefused(Check({{"Host", "x"}, {"Transfer-Encoding", "gzip"}, {"Content-Length", "5"}}), 400,
                "Transfer-Encoding with Content-Length");
}

TEST(CheckRequestHead, TransferEncodingOtherThanChunked) {
  for (const char* te : {"gzip", "chunked, gzip", "gzip, chunked", "xchunked", "chunkedx",
                         "chunked;q=1", "", "identity", "\tchunked ,"}) {
    SCOPED_TRACE(te);
    ExpectRefused(Check({{"Host", "x"}, {"Transfer-Encoding", te}}), 400,
                  "Transfer-Encoding other than chunked");
  }
}

TEST(CheckRequestHead, RepeatedTransferEncoding) {
  ExpectRefused(
      Check({{"Host", "x"}, {"Transfer-Encoding", "chunked"}, {"Transfer-Encoding", "chunked"}}),
      400, "repeated Transfer-Encoding");
  ExpectRefused(
      Check({{"Host", "x"}, {"Transfer-Encoding", "gzip"}, {"transfer-encoding", "chunked"}}), 400,
      "repeated Transfer-Encoding");
}

TEST(CheckRequestHead, ChunkedOnHttp10) {
  ExpectRefused(Check({{"Transfer-Encoding", "chunked"}}, 10), 400,
                "Transfer-Encoding on HTTP/1.0");
}

TEST(CheckRequestHead, RepeatedContentLengthEvenEqual) {
  ExpectRefused(Check({{"Host", "x"}, {"Content-Length", "5"}, {"Content-Length", "5"}}), 400,
                "repeated Content-Length");
  ExpectRefused(Check({{"Host", "x"}, {"Content-Length", "5"}, {"content-length", "6"}}), 400,
                "repeated Content-Length");
}

TEST(CheckRequestHead, InvalidContentLength) {
  for (const char* cl : {"", "-1", "+5", "5, 5", "5,5", "0x10", "1e3", "5 5", "abc",
                         "18446744073709551616", "99999999999999999999999"}) {
    SCOPED_TRACE(cl);
    ExpectRefused(Check({{"Host", "x"}, {"Content-Length", cl}}), 400, "invalid Content-Length");
  }
}

TEST(CheckRequestHead, LargestContentLengthParsesThenIsTooLarge) {
  ExpectRefused(Check({{"Host", "x"}, {"Content-Length", "18446744073709551615"}}), 413,
                "request body too large");
}

TEST(CheckRequestHead, BodyLimitIsInclusive) {
  EXPECT_TRUE(Check({{"Host", "x"}, {"Content-Length", std::to_string(kMaxBody)}}).ok());
  ExpectRefused(Check({{"Host", "x"}, {"Content-Length", std::to_string(kMaxBody + 1)}}), 413,
                "request body too large");
}

// ---- header syntax ----------------------------------------------------------------------------

TEST(CheckRequestHead, HeaderNameWithSpaceOrInvalidChar) {
  for (const char* name :
       {"Content Length", "Content-Length ", " Host2", "", "a:b", "a\"b", "a(b", "a\x01"}) {
    SCOPED_TRACE(name);
    ExpectRefused(Check({{"Host", "x"}, {name, "1"}}), 400, "malformed header field name");
  }
}

TEST(CheckRequestHead, HeaderValueWithCrLfOrNul) {
  for (std::string value : {std::string("a\rb"), std::string("a\nb"), std::string("a\0b", 3)}) {
    ExpectRefused(Check({{"Host", "x"}, {"X-A", value}}), 400, "malformed header field value");
  }
  EXPECT_TRUE(Check({{"Host", "x"}, {"X-A", "tab\tand obs-text \xe9"}}).ok());
}

// ---- request line -----------------------------------------------------------------------------

TEST(CheckRequestHead, RequestLine) {
  HeaderList host = {{"Host", "x"}};
  ExpectRefused(CheckRequestHead("G ET", "/", 11, host, kMaxBody), 400, "malformed method");
  ExpectRefused(CheckRequestHead("", "/", 11, host, kMaxBody), 400, "malformed method");
  ExpectRefused(CheckRequestHead("GET", "/", 20, host, kMaxBody), 505,
                "HTTP version not supported");
  ExpectRefused(CheckRequestHead("GET", "/", 9, host, kMaxBody), 505, "HTTP version not supported");
  ExpectRefused(CheckRequestHead("CONNECT", "x:443", 11, host, kMaxBody), 501,
                "CONNECT is not supported");
  ExpectRefused(CheckRequestHead("GET", "a/b", 11, host, kMaxBody), 400,
                "malformed request-target");
  ExpectRefused(CheckRequestHead("GET", "*", 11, host, kMaxBody), 400, "malformed request-target");
  ExpectRefused(CheckRequestHead("GET", "/a b", 11, host, kMaxBody), 400,
                "malformed request-target");
  ExpectRefused(CheckRequestHead("GET", "", 11, host, kMaxBody), 400, "malformed request-target");
  EXPECT_TRUE(CheckRequestHead("OPTIONS", "*", 11, host, kMaxBody).ok());
  EXPECT_TRUE(CheckRequestHead("GET", "http://x/a?b=c", 11, host, kMaxBody).ok());
}

TEST(CheckRequestHead, Host) {
  ExpectRefused(Check({}, 11, "GET"), 400, "missing Host");
  EXPECT_TRUE(Check({}, 10, "GET").ok());
  ExpectRefused(Check({{"Host", "a"}, {"host", "b"}}, 11, "GET"), 400, "repeated Host");
}

TEST(CheckRequestHead, Expect) {
  HeadVerdict v = Check({{"Host", "x"}, {"Content-Length", "3"}, {"Expect", "100-Continue"}});
  ASSERT_TRUE(v.ok());
  EXPECT_TRUE(v.expect_continue);
  // No body: nothing to continue.
  v = Check({{"Host", "x"}, {"Expect", "100-continue"}}, 11, "GET");
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v.expect_continue);
  // HTTP/1.0 must ignore it.
  v = Check({{"Content-Length", "3"}, {"Expect", "100-continue"}}, 10);
  ASSERT_TRUE(v.ok());
  EXPECT_FALSE(v.expect_continue);
  ExpectRefused(Check({{"Host", "x"}, {"Expect", "something"}}), 417, "unsupported Expect");
}

// ---- RawHeadScanner ---------------------------------------------------------------------------

TEST(RawHeadScanner, CompleteHeadInPieces) {
  std::string input = "GET / HTTP/1.1\r\nHost: x\r\n\r\nBODY";
  RawHeadScanner scanner(1024);
  for (size_t n = 1; n < 27; ++n) {
    ASSERT_EQ(scanner.Feed(std::string_view(input).substr(0, n)), RawHeadScanner::State::kNeedMore)
        << n;
  }
  ASSERT_EQ(scanner.Feed(input), RawHeadScanner::State::kComplete);
  EXPECT_EQ(scanner.head_begin(), 0u);
  EXPECT_EQ(scanner.head_end(), 27u);
}

TEST(RawHeadScanner, SkipsLeadingEmptyLines) {
  std::string input = "\r\n\r\nGET / HTTP/1.1\r\n\r\n";
  RawHeadScanner scanner(1024);
  ASSERT_EQ(scanner.Feed(input), RawHeadScanner::State::kComplete);
  EXPECT_EQ(scanner.head_begin(), 4u);
  EXPECT_EQ(scanner.head_end(), input.size());
}

TEST(RawHeadScanner, RefusesObsFold) {
  RawHeadScanner scanner(1024);
  ASSERT_EQ(scanner.Feed("GET / HTTP/1.1\r\nX-A: a\r\n b\r\n\r\n"),
            RawHeadScanner::State::kRefused);
  EXPECT_EQ(scanner.refusal().status, 400);
  EXPECT_EQ(scanner.refusal().reason, "obsolete line folding in request head");
  RawHeadScanner tab(1024);
  ASSERT_EQ(tab.Feed("GET / HTTP/1.1\r\nX-A: a\r\n\tb\r\n\r\n"), RawHeadScanner::State::kRefused);
}

TEST(RawHeadScanner, RefusesBareLfCrAndNul) {
  for (std::string input :
       {std::string("GET / HTTP/1.1\nHost: x\r\n\r\n"),
        std::string("GET / HTTP/1.1\r\nHost: x\n\n"),
        std::string("GET / HTTP/1.1\rHost: x\r\n\r\n"), "GET / HTTP/1.1\r\nHost: \0x\r\n\r\n"s}) {
    RawHeadScanner scanner(1024);
    EXPECT_EQ(scanner.Feed(input), RawHeadScanner::State::kRefused) << input;
    EXPECT_EQ(scanner.refusal().status, 400);
  }
}

TEST(RawHeadScanner, RefusesLeadingWhitespace) {
  RawHeadScanner scanner(1024);
  ASSERT_EQ(scanner.Feed(" GET / HTTP/1.1\r\n\r\n"), RawHeadScanner::State::kRefused);
  EXPECT_EQ(scanner.refusal().reason, "malformed request line");
}

TEST(RawHeadScanner, TooLargeIs431EvenWithoutEnd) {
  RawHeadScanner scanner(64);
  std::string input = "GET / HTTP/1.1\r\nX-A: " + std::string(100, 'a');
  ASSERT_EQ(scanner.Feed(input), RawHeadScanner::State::kRefused);
  EXPECT_EQ(scanner.refusal().status, 431);
}

TEST(RawHeadScanner, HeadOfExactlyTheLimitIsAccepted) {
  std::string input = "GET / HTTP/1.1\r\n\r\n";
  RawHeadScanner exact(input.size());
  EXPECT_EQ(exact.Feed(input), RawHeadScanner::State::kComplete);
  RawHeadScanner smaller(input.size() - 1);
  EXPECT_EQ(smaller.Feed(input), RawHeadScanner::State::kRefused);
}

// ---- hop-by-hop ---------------------------------------------------------------------------------

TEST(StripHopByHop, FixedList) {
  HeaderList h = {{"Host", "x"},
                  {"Connection", "keep-alive"},
                  {"Keep-Alive", "t=5"},
                  {"Proxy-Authorization", "b"},
                  {"Proxy-Authenticate", "c"},
                  {"TE", "trailers"},
                  {"Trailer", "X"},
                  {"Transfer-Encoding", "chunked"},
                  {"Upgrade", "h2c"},
                  {"Proxy-Connection", "keep-alive"},
                  {"Accept", "*/*"}};
  StripHopByHop(h);
  EXPECT_THAT(h, ElementsAre(Pair("Host", "x"), Pair("Accept", "*/*")));
}

TEST(StripHopByHop, FieldsNamedByConnection) {
  HeaderList h = {{"X-Secret", "1"},
                  {"connection", "close, X-Secret"},
                  {"X-Other", "2"},
                  {"Connection", " x-other ,,"},
                  {"X-Kept", "3"}};
  StripHopByHop(h);
  EXPECT_THAT(h, ElementsAre(Pair("X-Kept", "3")));
}

TEST(StripHopByHop, ConnectionNamingFixedListFieldsInAnyCase) {
  HeaderList h = {{"TE", "trailers"},
                  {"Connection", "UPGRADE, te, X-Custom"},
                  {"upgrade", "h2c"},
                  {"x-CUSTOM", "1"},
                  {"X-Customer", "2"}};
  StripHopByHop(h);
  EXPECT_THAT(h, ElementsAre(Pair("X-Customer", "2")));
}

TEST(StripHopByHop, ConnectionCannotRemoveHostOrContentLength) {
  HeaderList h = {{"Host", "x"}, {"Content-Length", "3"}, {"Connection", "Host, Content-Length"}};
  StripHopByHop(h);
  EXPECT_THAT(h, ElementsAre(Pair("Host", "x"), Pair("Content-Length", "3")));
}

TEST(StripHopByHop, ResponseDirection) {
  HeaderList h = {{"Content-Type", "application/json"},
                  {"Connection", "keep-alive, X-Backend-Hop"},
                  {"X-Backend-Hop", "1"},
                  {"Keep-Alive", "timeout=5"},
                  {"Transfer-Encoding", "chunked"}};
  StripHopByHop(h);
  EXPECT_THAT(h, ElementsAre(Pair("Content-Type", "application/json")));
}

// ---- the inline helpers ----------------------------------------------------------------------

TEST(IsTokenChar, ExactlyTheRfc9110Set) {
  const std::string_view specials = "!#$%&'*+-.^_`|~";
  for (int b = 0; b < 256; ++b) {
    const char c = static_cast<char>(b);
    const bool expected = (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') ||
                          (b >= '0' && b <= '9') || specials.find(c) != std::string_view::npos;
    EXPECT_EQ(IsTokenChar(c), expected) << b;
  }
}

TEST(EqualsLower, AgreesWithEqualsIgnoreCaseForLowercaseNames) {
  const std::string_view names[] = {"content-length",
                                    "Content-Length",
                                    "CONTENT-LENGTH",
                                    "content-lengt",
                                    "content-lengthh",
                                    "content_length",
                                    "",
                                    "c\xc3ntent-length",
                                    std::string_view("Content-Length\0", 15)};
  for (std::string_view s : names) {
    EXPECT_EQ(EqualsLower(s, "content-length"), EqualsIgnoreCase(s, "content-length")) << s;
  }
  EXPECT_TRUE(EqualsLower("", ""));
  EXPECT_FALSE(EqualsLower("\xc3", "\xe3"));  // only ASCII letters fold
  EXPECT_FALSE(EqualsLower("[", "{"));        // '[' is not 'Z'+1 folded
  static_assert(EqualsLower("Host", "host") && !EqualsLower("Hos", "host"));
}

// ---- Shadow-* -----------------------------------------------------------------------------------

TEST(StripShadowHeaders, AnyCase) {
  HeaderList h = {{"Shadow-Mode", "rollback"},
                  {"shadow-id", "1"},
                  {"SHADOW-SIGNATURE", "t=1"},
                  {"Shadow-Rolled-Back", "1"},
                  {"X-Shadow-Id", "2"},
                  {"Shadowy", "3"},
                  {"Shadow", "4"}};
  StripShadowHeaders(h);
  EXPECT_THAT(h, ElementsAre(Pair("X-Shadow-Id", "2"), Pair("Shadowy", "3"), Pair("Shadow", "4")));
}

// ---- X-Forwarded-For / Forwarded ---------------------------------------------------------------

TEST(AppendForwardedFor, Fresh) {
  HeaderList h = {{"Host", "x"}};
  AppendForwardedFor(h, "192.0.2.7");
  EXPECT_THAT(h, ElementsAre(Pair("Host", "x"), Pair("X-Forwarded-For", "192.0.2.7"),
                             Pair("Forwarded", "for=192.0.2.7")));
}

TEST(AppendForwardedFor, AppendsToExistingChains) {
  HeaderList h = {{"x-forwarded-for", "10.0.0.1, 10.0.0.2"},
                  {"Forwarded", "for=10.0.0.1"},
                  {"X-Forwarded-For", " 10.0.0.3 "},
                  {"Host", "x"}};
  AppendForwardedFor(h, "192.0.2.7");
  EXPECT_THAT(h, ElementsAre(Pair("Host", "x"),
                             Pair("X-Forwarded-For", "10.0.0.1, 10.0.0.2, 10.0.0.3, 192.0.2.7"),
                             Pair("Forwarded", "for=10.0.0.1, for=192.0.2.7")));
}

TEST(AppendForwardedFor, Ipv6IsQuotedInForwarded) {
  HeaderList h;
  AppendForwardedFor(h, "2001:db8::1");
  EXPECT_THAT(h, ElementsAre(Pair("X-Forwarded-For", "2001:db8::1"),
                             Pair("Forwarded", "for=\"[2001:db8::1]\"")));
  EXPECT_EQ(ForwardedNode("::1"), "\"[::1]\"");
  EXPECT_EQ(ForwardedNode("127.0.0.1"), "127.0.0.1");
}

}  // namespace
}  // namespace shadowdiff
