// Unit tests of ResponseParser (src/proxy/response_parser.h): every vector is driven the way
// a reader drives the parser — unconsumed bytes kept, new bytes appended, Parse until it needs
// more, Finish at the end of the stream — whole and in small pieces, with the same result.
#include "src/proxy/response_parser.h"

#include <cstdint>
#include <optional>
#include <ostream>
#include <set>
#include <string>
#include <string_view>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace shadowdiff {

// Errors print by name in failure messages.
void PrintTo(ResponseParser::Error error, std::ostream* os) {
  *os << static_cast<int>(error) << " (" << ResponseParser::ErrorText(error) << ")";
}

namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Pair;
using Error = ResponseParser::Error;
using Framing = ResponseParser::Framing;

constexpr uint32_t kMaxHeader = 4096;

// What a reader sees of one response.
struct Result {
  Error error = Error::kNone;  // from Parse, or from Finish
  bool done = false;
  bool head_done = false;
  int status = 0;
  int version = 0;
  std::string reason;
  HeaderList fields;
  Framing framing = Framing::kNone;
  std::optional<uint64_t> content_length;
  bool keep_alive = false;
  std::string body;
  size_t consumed = 0;   // input bytes the parser used
  std::string leftover;  // input bytes it left: kept unconsumed, or never fed
};

struct Options {
  bool head_request = false;
  uint32_t max_header_bytes = kMaxHeader;
  bool finish = true;  // the stream ends after `wire` (else it stays open)
};

// Feeds `wire` in reads of `read_size` bytes (0: all at once).
Result Run(std::string_view wire, size_t read_size, const Options& options = {}) {
  ResponseParser parser(options.head_request, options.max_header_bytes);
  Result r;
  std::string pending;
  size_t fed = 0;
  const size_t step = read_size == 0 ? wire.size() : read_size;
  auto parse_pending = [&] {
    for (;;) {
      const ResponseParser::Step s = parser.Parse(pending);
      if (s.consumed > pending.size()) {
        ADD_FAILURE() << "consumed " << s.consumed << " of " << pending.size();
        r.error = Error::kTruncated;
        return;
      }
      if (!s.body.empty() && (s.body.data() < pending.data() ||
                              s.body.data() + s.body.size() > pending.data() + s.consumed)) {
        ADD_FAILURE() << "the body is not among the consumed input bytes";
      }
      r.body.append(s.body);
      r.consumed += s.consumed;
      pending.erase(0, s.consumed);
      if (s.error != Error::kNone) {
        r.error = s.error;
        return;
      }
      if (parser.done()) return;
      if (s.consumed == 0) {
        if (pending.size() >= options.max_header_bytes) {
          ADD_FAILURE() << "needs more while holding " << pending.size() << " bytes";
        }
        return;
      }
    }
  };
  while (fed < wire.size() && r.error == Error::kNone && !parser.done()) {
    const std::string_view piece = wire.substr(fed, step);
    pending.append(piece);
    fed += piece.size();
    parse_pending();
  }
  if (options.finish && r.error == Error::kNone && !parser.done()) r.error = parser.Finish();
  r.done = parser.done();
  r.head_done = parser.head_done();
  if (r.head_done) {
    r.status = parser.status();
    r.version = parser.version();
    r.reason = parser.reason();
    r.fields = parser.fields();
    r.framing = parser.framing();
    r.content_length = parser.content_length();
    r.keep_alive = parser.keep_alive();
  }
  r.leftover = pending + std::string(wire.substr(fed));
  return r;
}

void ExpectSame(const Result& a, const Result& b) {
  EXPECT_EQ(a.error, b.error);
  EXPECT_EQ(a.done, b.done);
  EXPECT_EQ(a.head_done, b.head_done);
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.version, b.version);
  EXPECT_EQ(a.reason, b.reason);
  EXPECT_EQ(a.fields, b.fields);
  EXPECT_EQ(a.framing, b.framing);
  EXPECT_EQ(a.content_length, b.content_length);
  EXPECT_EQ(a.keep_alive, b.keep_alive);
  EXPECT_EQ(a.body, b.body);
  EXPECT_EQ(a.consumed, b.consumed);
  EXPECT_EQ(a.leftover, b.leftover);
}

// The result of `wire` fed at once, after checking that every smaller read size gives it too.
Result Parse(std::string_view wire, const Options& options = {}) {
  const Result whole = Run(wire, 0, options);
  for (size_t read_size : {1, 2, 3, 5, 13}) {
    SCOPED_TRACE(testing::Message() << "reads of " << read_size << " bytes");
    ExpectSame(Run(wire, read_size, options), whole);
  }
  EXPECT_EQ(whole.consumed + whole.leftover.size(), wire.size());
  return whole;
}

Error ParseError(std::string_view wire, const Options& options = {}) {
  SCOPED_TRACE(wire);
  const Result r = Parse(wire, options);
  EXPECT_FALSE(r.done);
  return r.error;
}

std::string Head(std::string_view status_line, std::string_view fields) {
  return std::string(status_line) + "\r\n" + std::string(fields) + "\r\n";
}

TEST(ResponseParser, ContentLengthResponse) {
  const Result r =
      Parse("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 5\r\n\r\nhello");
  EXPECT_EQ(r.error, Error::kNone);
  EXPECT_TRUE(r.done);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.version, 11);
  EXPECT_EQ(r.reason, "OK");
  EXPECT_THAT(r.fields,
              ElementsAre(Pair("Content-Type", "text/plain"), Pair("Content-Length", "5")));
  EXPECT_EQ(r.framing, Framing::kContentLength);
  EXPECT_EQ(r.content_length, 5u);
  EXPECT_TRUE(r.keep_alive);
  EXPECT_EQ(r.body, "hello");
  EXPECT_THAT(r.leftover, IsEmpty());
}

TEST(ResponseParser, FieldsInWireOrderWithNamesAsReceived) {
  const Result r = Parse(
      "HTTP/1.0 404 Not  Found \r\nx-B: 2\r\nSet-Cookie: a=1\r\nX-Empty:\r\n"
      "set-cookie:b=2\r\nX-Space: \t padded \t \r\nX-Obs: caf\xc3\xa9\r\nContent-Length: "
      "0\r\n\r\n");
  EXPECT_EQ(r.error, Error::kNone);
  EXPECT_TRUE(r.done);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.version, 10);
  EXPECT_EQ(r.reason, "Not  Found ");
  EXPECT_THAT(r.fields,
              ElementsAre(Pair("x-B", "2"), Pair("Set-Cookie", "a=1"), Pair("X-Empty", ""),
                          Pair("set-cookie", "b=2"), Pair("X-Space", "padded"),
                          Pair("X-Obs", "caf\xc3\xa9"), Pair("Content-Length", "0")));
}

TEST(ResponseParser, EmptyReason) {
  const Result r = Parse("HTTP/1.1 200 \r\nContent-Length: 0\r\n\r\n");
  EXPECT_TRUE(r.done);
  EXPECT_EQ(r.reason, "");
}

TEST(ResponseParser, InterimResponsesAreSkipped) {
  const Result r = Parse(
      "HTTP/1.1 100 Continue\r\n\r\n"
      "HTTP/1.1 103 Early Hints\r\nLink: </a.css>; rel=preload\r\n\r\n"
      "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
  EXPECT_EQ(r.error, Error::kNone);
  EXPECT_TRUE(r.done);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.reason, "OK");
  EXPECT_THAT(r.fields, ElementsAre(Pair("Content-Length", "2")));
  EXPECT_EQ(r.body, "ok");
}

TEST(ResponseParser, InterimResponseBodyFieldsAreIgnored) {
  const Result r = Parse(
      "HTTP/1.1 100 Continue\r\nContent-Length: 7\r\n\r\n"
      "HTTP/1.1 204 No Content\r\n\r\n");
  EXPECT_TRUE(r.done);
  EXPECT_EQ(r.status, 204);
  EXPECT_THAT(r.fields, IsEmpty());
}

TEST(ResponseParser, StreamEndingAfterAnInterimResponseIsTruncated) {
  const Result r = Parse("HTTP/1.1 100 Continue\r\n\r\n");
  EXPECT_EQ(r.error, Error::kTruncated);
  EXPECT_FALSE(r.head_done);
  EXPECT_EQ(r.consumed, 25u);
}

TEST(ResponseParser, SwitchingProtocolsIsRefused) {
  EXPECT_EQ(ParseError("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                       "Connection: upgrade\r\n\r\n"),
            Error::kUpgrade);
  EXPECT_EQ(ParseError("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 101 Switching Protocols\r\n\r\n"),
            Error::kUpgrade);
}

TEST(ResponseParser, HeadRequestHasNoBody) {
  const std::string head = "HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n";
  const Result r = Parse(head + "HTTP/1.1 200 OK\r\n", {.head_request = true});
  EXPECT_EQ(r.error, Error::kNone);
  EXPECT_TRUE(r.done);
  EXPECT_EQ(r.framing, Framing::kNone);
  EXPECT_EQ(r.content_length, std::nullopt);
  EXPECT_TRUE(r.keep_alive);
  EXPECT_EQ(r.body, "");
  EXPECT_EQ(r.consumed, head.size());
  EXPECT_EQ(r.leftover, "HTTP/1.1 200 OK\r\n");
  // Without Content-Length the response to HEAD is still complete at the head, and keeps the
  // connection.
  const Result chunked = Parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
                               {.head_request = true, .finish = false});
  EXPECT_TRUE(chunked.done);
  EXPECT_TRUE(chunked.keep_alive);
  const Result none = Parse("HTTP/1.1 200 OK\r\n\r\n", {.head_request = true, .finish = false});
  EXPECT_TRUE(none.done);
  EXPECT_TRUE(none.keep_alive);
}

TEST(ResponseParser, NoContentAndNotModifiedHaveNoBody) {
  for (std::string_view status_line : {"HTTP/1.1 204 No Content", "HTTP/1.1 304 Not Modified"}) {
    SCOPED_TRACE(status_line);
    const std::string head = Head(status_line, "Content-Length: 5\r\n");
    const Result r = Parse(head + "hello");
    EXPECT_EQ(r.error, Error::kNone);
    EXPECT_TRUE(r.done);
    EXPECT_EQ(r.framing, Framing::kNone);
    EXPECT_EQ(r.body, "");
    EXPECT_EQ(r.consumed, head.size());
    EXPECT_EQ(r.leftover, "hello");
    EXPECT_TRUE(r.keep_alive);
  }
  const Result chunked =
      Parse(Head("HTTP/1.1 204 No Content", "Transfer-Encoding: chunked\r\n"), {.finish = false});
  EXPECT_TRUE(chunked.done);
  EXPECT_EQ(chunked.framing, Framing::kNone);
}

TEST(ResponseParser, ZeroContentLength) {
  const Result r = Parse("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", {.finish = false});
  EXPECT_TRUE(r.done);
  EXPECT_EQ(r.framing, Framing::kNone);
  EXPECT_EQ(r.content_length, std::nullopt);
  EXPECT_TRUE(r.keep_alive);
}

TEST(ResponseParser, ChunkedWithExtensionsAndTrailers) {
  const std::string head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-A: 1\r\n\r\n";
  const Result r = Parse(head +
                         "5;name=token;q=\"quoted \\\" ; value\"\r\nhello\r\n"
                         "6 ; a ; b = c;d=\"\"\r\n world\r\n"
                         "A\r\n0123456789\r\n"
                         "0;last\r\nX-Trailer: t\r\nX-Other: u\r\n\r\n"
                         "next");
  EXPECT_EQ(r.error, Error::kNone);
  EXPECT_TRUE(r.done);
  EXPECT_EQ(r.framing, Framing::kChunked);
  EXPECT_EQ(r.content_length, std::nullopt);
  EXPECT_TRUE(r.keep_alive);
  EXPECT_EQ(r.body, "hello world0123456789");
  EXPECT_THAT(r.fields, ElementsAre(Pair("Transfer-Encoding", "chunked"), Pair("X-A", "1")));
  EXPECT_EQ(r.leftover, "next");
}

TEST(ResponseParser, ChunkedWithoutTrailers) {
  const Result r =
      Parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: Chunked\r\n\r\n3\r\nabc\r\n000\r\n\r\n");
  EXPECT_TRUE(r.done);
  EXPECT_EQ(r.body, "abc");
  EXPECT_THAT(r.leftover, IsEmpty());
}

TEST(ResponseParser, MalformedChunkLines) {
  const std::string head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
  // 2^64 does not fit the chunk size; 2^64 - 1 does.
  EXPECT_EQ(ParseError(head + "10000000000000000\r\n"), Error::kBadChunk);
  EXPECT_EQ(Parse(head + "ffffffffffffffff\r\nabc").error, Error::kTruncated);
  for (std::string_view line :
       {"\r\n", "x\r\n", "-1\r\n", "1 \r\n", "1;\r\n", "1;a=\r\n", "1;a b\r\n", "1;a=\"b\r\n",
        "1;a=\"\x01\"\r\n", "1\x01\r\n", "1;a \r\n", "1\rx\n"}) {
    EXPECT_EQ(ParseError(head + std::string(line) + "x\r\n0\r\n\r\n"), Error::kBadChunk) << line;
  }
}

TEST(ResponseParser, BadChunkEnd) {
  const std::string head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
  EXPECT_EQ(ParseError(head + "3\r\nabcX\r\n0\r\n\r\n"), Error::kBadChunk);
  EXPECT_EQ(ParseError(head + "3\r\nabc\rX0\r\n\r\n"), Error::kBadChunk);
  EXPECT_EQ(ParseError(head + "3\r\nabc\n0\r\n\r\n"), Error::kBadChunk);
  // Refused as soon as the byte after the data arrives.
  EXPECT_EQ(Parse(head + "3\r\nabcX", {.finish = false}).error, Error::kBadChunk);
}

TEST(ResponseParser, ChunkLineLimit) {
  const std::string head = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
  const Options options = {.max_header_bytes = 64};
  // "1;x=" + value + CRLF: exactly 64 bytes is a chunk line; 65 is over the limit.
  const std::string fits = "1;x=" + std::string(58, 'v') + "\r\n";
  ASSERT_EQ(fits.size(), 64u);
  const Result r = Parse(head + fits + "z\r\n0\r\n\r\n", options);
  EXPECT_EQ(r.error, Error::kNone);
  EXPECT_EQ(r.body, "z");
  const std::string over = "1;x=" + std::string(59, 'v') + "\r\n";
  EXPECT_EQ(ParseError(head + over + "z\r\n0\r\n\r\n", options), Error::kChunkLineLimit);
  // Without a line end the limit is all it takes.
  EXPECT_EQ(Parse(head + std::string(64, '0'), {.max_header_bytes = 64, .finish = false}).error,
            Error::kChunkLineLimit);
}

TEST(ResponseParser, TrailerLimit) {
  const std::string body = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nz\r\n0\r\n";
  const Options options = {.max_header_bytes = 64};
  // "X: " + value + CRLF + CRLF: exactly 64 bytes of trailer section fit; 65 do not.
  const std::string fits = "X: " + std::string(57, 't') + "\r\n\r\n";
  ASSERT_EQ(fits.size(), 64u);
  const Result r = Parse(body + fits, options);
  EXPECT_EQ(r.error, Error::kNone);
  EXPECT_TRUE(r.done);
  const std::string over = "X: " + std::string(58, 't') + "\r\n\r\n";
  EXPECT_EQ(ParseError(body + over, options), Error::kTrailerLimit);
  EXPECT_EQ(ParseError(body + "X: 1\r\n" + std::string(100, 'y'), options), Error::kTrailerLimit);
}

TEST(ResponseParser, TrailerFields) {
  const std::string body = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n";
  EXPECT_EQ(ParseError(body + "X: a\r\n b\r\n\r\n"), Error::kObsFold);
  EXPECT_EQ(ParseError(body + "No colon\r\n\r\n"), Error::kBadField);
  EXPECT_EQ(ParseError(body + "Content-Length: 0\r\n\r\n"), Error::kTransferEncodingAndLength);
  EXPECT_EQ(ParseError(body + "Transfer-Encoding: chunked\r\n\r\n"), Error::kUnsupportedCoding);
  EXPECT_EQ(ParseError(body + "Transfer-Encoding:\r\n\r\n"), Error::kUnsupportedCoding);
  // Connection in the trailers counts, as in Beast.
  const Result close = Parse(body + "Connection: close\r\n\r\n");
  EXPECT_TRUE(close.done);
  EXPECT_FALSE(close.keep_alive);
}

TEST(ResponseParser, HeadLimit) {
  const Options options = {.max_header_bytes = 128};
  // Status line (17) + "X-Pad: " + pad + CRLF + Content-Length (19) + blank line (2) = 128.
  const std::string fits =
      "HTTP/1.1 200 OK\r\nX-Pad: " + std::string(81, 'p') + "\r\nContent-Length: 1\r\n\r\n";
  ASSERT_EQ(fits.size(), 128u);
  const Result r = Parse(fits + "b", options);
  EXPECT_EQ(r.error, Error::kNone);
  EXPECT_TRUE(r.done);
  EXPECT_EQ(r.body, "b");
  const std::string over =
      "HTTP/1.1 200 OK\r\nX-Pad: " + std::string(82, 'p') + "\r\nContent-Length: 1\r\n\r\n";
  EXPECT_EQ(ParseError(over + "b", options), Error::kHeaderLimit);
  // The limit is for each head: interim heads do not add up.
  const std::string interim =
      "HTTP/1.1 100 Continue\r\nX-Pad: " + std::string(94, 'p') + "\r\n\r\n";
  ASSERT_EQ(interim.size(), 128u);
  EXPECT_TRUE(Parse(interim + interim + fits + "b", options).done);
  // Without a blank line the limit is all it takes.
  EXPECT_EQ(Parse("HTTP/1.1 200 OK\r\n" + std::string(200, 'x'),
                  {.max_header_bytes = 128, .finish = false})
                .error,
            Error::kHeaderLimit);
}

TEST(ResponseParser, CloseDelimitedBody) {
  const std::string wire = "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nsome body";
  const Result open = Parse(wire, {.finish = false});
  EXPECT_EQ(open.error, Error::kNone);
  EXPECT_FALSE(open.done);
  EXPECT_TRUE(open.head_done);
  EXPECT_EQ(open.body, "some body");
  const Result r = Parse(wire);
  EXPECT_EQ(r.error, Error::kNone);
  EXPECT_TRUE(r.done);
  EXPECT_EQ(r.framing, Framing::kToEof);
  EXPECT_EQ(r.body, "some body");
  EXPECT_FALSE(r.keep_alive);
  // Never kept alive, whatever Connection says.
  EXPECT_FALSE(Parse("HTTP/1.0 200 OK\r\nConnection: keep-alive\r\n\r\nx").keep_alive);
  const Result empty = Parse("HTTP/1.1 200 OK\r\n\r\n");
  EXPECT_TRUE(empty.done);
  EXPECT_EQ(empty.body, "");
}

TEST(ResponseParser, StreamEndingEarlyIsTruncated) {
  EXPECT_EQ(ParseError(""), Error::kTruncated);
  EXPECT_EQ(ParseError("HTTP/1.1 200 OK\r\nContent-Le"), Error::kTruncated);
  EXPECT_EQ(ParseError("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n"), Error::kTruncated);
  const Result body = Parse("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");
  EXPECT_EQ(body.error, Error::kTruncated);
  EXPECT_EQ(body.body, "abc");
  EXPECT_FALSE(body.done);
  const std::string chunked = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
  EXPECT_EQ(ParseError(chunked + "5\r\nab"), Error::kTruncated);
  EXPECT_EQ(ParseError(chunked + "5\r\nabcde\r"), Error::kTruncated);
  EXPECT_EQ(ParseError(chunked + "5;a=b"), Error::kTruncated);
  EXPECT_EQ(ParseError(chunked + "0\r\n"), Error::kTruncated);
  EXPECT_EQ(ParseError(chunked + "0\r\nX: 1\r\n"), Error::kTruncated);
}

TEST(ResponseParser, KeepAlive) {
  struct Case {
    std::string_view version;
    std::string_view fields;
    bool keep_alive;
  };
  for (const Case& c : {
           Case{"HTTP/1.1", "", true},
           Case{"HTTP/1.1", "Connection: close\r\n", false},
           Case{"HTTP/1.1", "Connection: keep-alive\r\n", true},
           Case{"HTTP/1.1", "Connection: Upgrade, CLOSE\r\n", false},
           Case{"HTTP/1.1", "Connection: x-hop\r\nConnection: close\r\n", false},
           Case{"HTTP/1.1", "Proxy-Connection: close\r\n", false},
           Case{"HTTP/1.1", "Connection: , ,keep-alive,\r\n", true},
           Case{"HTTP/1.0", "", false},
           Case{"HTTP/1.0", "Connection: keep-alive\r\n", true},
           Case{"HTTP/1.0", "Connection: Keep-Alive, close\r\n", true},  // as Beast
           Case{"HTTP/1.0", "Connection: close\r\n", false},
           Case{"HTTP/1.0", "Proxy-Connection: keep-alive\r\n", true},
       }) {
    const std::string wire = std::string(c.version) + " 200 OK\r\n" + std::string(c.fields) +
                             "Content-Length: 0\r\n\r\n";
    SCOPED_TRACE(wire);
    const Result r = Parse(wire);
    EXPECT_TRUE(r.done);
    EXPECT_EQ(r.keep_alive, c.keep_alive);
  }
  EXPECT_EQ(ParseError("HTTP/1.1 200 OK\r\nConnection: a b\r\n\r\n"), Error::kBadConnection);
  EXPECT_EQ(ParseError("HTTP/1.1 200 OK\r\nProxy-Connection: \"x\"\r\n\r\n"),
            Error::kBadConnection);
}

TEST(ResponseParser, RepeatedContentLength) {
  for (std::string_view fields :
       {"Content-Length: 5\r\nContent-Length: 5\r\n", "Content-Length: 5, 5\r\n",
        "Content-Length: 5,5\r\n", "content-length: 005\r\n"}) {
    SCOPED_TRACE(fields);
    const Result r = Parse(Head("HTTP/1.1 200 OK", fields) + "hello");
    EXPECT_EQ(r.error, Error::kNone);
    EXPECT_TRUE(r.done);
    EXPECT_EQ(r.content_length, 5u);
    EXPECT_EQ(r.body, "hello");
  }
  for (std::string_view fields :
       {"Content-Length: 5\r\nContent-Length: 6\r\n", "Content-Length: 5, 6\r\n",
        "Content-Length: 5,\r\n", "Content-Length: ,5\r\n", "Content-Length:\r\n",
        "Content-Length: abc\r\n", "Content-Length: -1\r\n", "Content-Length: +5\r\n",
        "Content-Length: 5 5\r\n", "Content-Length: 18446744073709551616\r\n"}) {
    EXPECT_EQ(ParseError(Head("HTTP/1.1 200 OK", fields) + "hello"), Error::kBadContentLength)
        << fields;
  }
}

TEST(ResponseParser, TransferEncodingWithContentLength) {
  EXPECT_EQ(ParseError("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n"
                       "0\r\n\r\n"),
            Error::kTransferEncodingAndLength);
  EXPECT_EQ(ParseError("HTTP/1.1 200 OK\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n"
                       "0\r\n\r\n"),
            Error::kTransferEncodingAndLength);
}

TEST(ResponseParser, OnlyChunkedIsSupported) {
  for (std::string_view fields :
       {"Transfer-Encoding: gzip, chunked\r\n", "Transfer-Encoding: chunked, chunked\r\n",
        "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n",
        "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n",
        "Transfer-Encoding: chunked\r\nTransfer-Encoding: \r\n",
        "Transfer-Encoding: chunked\r\nTransfer-Encoding: ,\r\n", "Transfer-Encoding: gzip\r\n",
        "Transfer-Encoding: \r\n", "Transfer-Encoding: chunked;q=1\r\n",
        "Transfer-Encoding: identity\r\n"}) {
    EXPECT_EQ(ParseError(Head("HTTP/1.1 200 OK", fields) + "0\r\n\r\n"), Error::kUnsupportedCoding)
        << fields;
  }
  // Empty list elements around the one `chunked` are no coding.
  const Result r =
      Parse(Head("HTTP/1.1 200 OK", "Transfer-Encoding: , chunked ,\r\n") + "1\r\nx\r\n0\r\n\r\n");
  EXPECT_TRUE(r.done);
  EXPECT_EQ(r.body, "x");
}

TEST(ResponseParser, ObsoleteLineFolding) {
  EXPECT_EQ(ParseError("HTTP/1.1 200 OK\r\nX-A: a\r\n b\r\nContent-Length: 0\r\n\r\n"),
            Error::kObsFold);
  EXPECT_EQ(ParseError("HTTP/1.1 200 OK\r\nX-A: a\r\n\tb\r\nContent-Length: 0\r\n\r\n"),
            Error::kObsFold);
  EXPECT_EQ(ParseError("HTTP/1.1 200 OK\r\n X-A: a\r\nContent-Length: 0\r\n\r\n"), Error::kObsFold);
  // The fold is the error, not the empty first line of a field that needs a value (found by
  // the differential fuzzer: Beast joins the lines into "Content-Length: 1").
  EXPECT_EQ(ParseError("HTTP/1.1 200 OK\r\nContent-Length:\r\n 1\r\n\r\nx"), Error::kObsFold);
  EXPECT_EQ(ParseError("HTTP/1.1 200 OK\r\nTransfer-Encoding:\r\n\tchunked\r\n\r\n"),
            Error::kObsFold);
}

TEST(ResponseParser, BareLineEndings) {
  for (std::string_view wire : {
           "HTTP/1.1 200 OK\nContent-Length: 0\r\n\r\n",
           "HTTP/1.1 200 OK\rContent-Length: 0\r\n\r\n",
           "HTTP/1.1 200 OK\r\nX-A: a\nContent-Length: 0\r\n\r\n",
           "HTTP/1.1 200 OK\r\nX-A: a\rContent-Length: 0\r\n\r\n",
           "HTTP/1.1 200 OK\r\nX-A: a\r\r\n\r\n",
           "HTTP/1.1 200 OK\r\nX-A\n: a\r\n\r\n",
       }) {
    EXPECT_EQ(ParseError(wire), Error::kBadLineEnding) << wire;
  }
}

TEST(ResponseParser, ControlCharacters) {
  using namespace std::string_literals;
  EXPECT_EQ(ParseError("HTTP/1.1 200 O\x01K\r\nContent-Length: 0\r\n\r\n"), Error::kBadReason);
  EXPECT_EQ(ParseError("HTTP/1.1 200 O\x7fK\r\nContent-Length: 0\r\n\r\n"), Error::kBadReason);
  EXPECT_EQ(ParseError("HTTP/1.1 200 OK\r\nX-A: a\x01b\r\nContent-Length: 0\r\n\r\n"),
            Error::kBadField);
  EXPECT_EQ(ParseError("HTTP/1.1 200 OK\r\nX-A: a\x7f\r\nContent-Length: 0\r\n\r\n"),
            Error::kBadField);
  EXPECT_EQ(ParseError("HTTP/1.1 200 OK\r\nX-A: a\0b\r\nContent-Length: 0\r\n\r\n"s),
            Error::kBadField);
  EXPECT_EQ(ParseError("HTTP/1.1 200 OK\r\nX\0A: a\r\nContent-Length: 0\r\n\r\n"s),
            Error::kBadField);
}

TEST(ResponseParser, MalformedFieldLines) {
  for (std::string_view field : {"No colon\r\n", ": empty name\r\n", "Bad Name: x\r\n",
                                 "X-A : space before colon\r\n", "(x): y\r\n"}) {
    EXPECT_EQ(ParseError(Head("HTTP/1.1 200 OK", field)), Error::kBadField) << field;
  }
}

TEST(ResponseParser, MalformedStatusLines) {
  EXPECT_EQ(ParseError("HTTP/1.2 200 OK\r\n\r\n"), Error::kBadVersion);
  EXPECT_EQ(ParseError("HTTP/1.1  200 OK\r\n\r\n"), Error::kBadStatus);
  EXPECT_EQ(ParseError("HTTP/1.1 20 OK\r\n\r\n"), Error::kBadStatus);
  EXPECT_EQ(ParseError("HTTP/1.1 2000 OK\r\n\r\n"), Error::kBadStatus);
  EXPECT_EQ(ParseError("HTTP/1.1 200\r\n\r\n"), Error::kBadStatus);
  EXPECT_EQ(ParseError("HTTP/1.1\r\n\r\n"), Error::kBadVersion);
}

TEST(ResponseParser, GarbageFailsBeforeTheHeadEnds) {
  for (std::string_view wire : {"<html>", "X", "http/1.1 200 OK", "HTTP/2 200", "HTTP/1,1",
                                "\r\nHTTP/1.1 200 OK", " HTTP/1.1 200 OK", "SSH-2.0-OpenSSH"}) {
    SCOPED_TRACE(wire);
    EXPECT_EQ(Parse(wire, {.finish = false}).error, Error::kBadVersion);
  }
  // A prefix of a valid head needs more.
  const Result prefix = Parse("HTTP/1.", {.finish = false});
  EXPECT_EQ(prefix.error, Error::kNone);
  EXPECT_EQ(prefix.consumed, 0u);
  // Garbage after an interim head fails as soon.
  const Result after_interim = Parse("HTTP/1.1 100 Continue\r\n\r\n<html>", {.finish = false});
  EXPECT_EQ(after_interim.error, Error::kBadVersion);
}

// A lone CR or LF fails as soon as it arrives, not when the head (or chunk line, or trailer
// section) would have ended: no wait for the limit or the deadline.
TEST(ResponseParser, LoneLineBreaksFailBeforeTheLineWouldEnd) {
  for (std::string_view wire :
       {"HTTP/1.1 200 OK\n", "HTTP/1.1 200 OK\r\nA: b\nC: d", "HTTP/1.1 200 OK\rX"}) {
    SCOPED_TRACE(wire);
    EXPECT_EQ(Parse(wire, {.finish = false}).error, Error::kBadLineEnding);
  }
  EXPECT_EQ(
      Parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\n", {.finish = false}).error,
      Error::kBadChunk);
  EXPECT_EQ(
      Parse("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nA: b\n", {.finish = false})
          .error,
      Error::kBadLineEnding);
  // A CR at the end of what arrived may still be followed by its LF.
  const Result pending = Parse("HTTP/1.1 200 OK\r", {.finish = false});
  EXPECT_EQ(pending.error, Error::kNone);
}

// Once failed, the parser says so again on every call: a caller that asks again never mistakes
// the silence for "needs more".
TEST(ResponseParser, FailureIsReportedAgain) {
  ResponseParser parser(false, kMaxHeader);
  EXPECT_EQ(parser.Parse("<html>").error, Error::kBadVersion);
  const ResponseParser::Step again = parser.Parse("HTTP/1.1 200 OK\r\n\r\n");
  EXPECT_EQ(again.error, Error::kBadVersion);
  EXPECT_EQ(again.consumed, 0u);
  EXPECT_EQ(parser.Finish(), Error::kBadVersion);
  EXPECT_FALSE(parser.done());
}

TEST(ResponseParser, PipelinedBytesAreNotConsumed) {
  const std::string next = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
  for (std::string_view first : {
           "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
           "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nok\r\n0\r\n\r\n",
           "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: y\r\n\r\n",
           "HTTP/1.1 304 Not Modified\r\nContent-Length: 2\r\n\r\n",
       }) {
    SCOPED_TRACE(first);
    const Result r = Parse(std::string(first) + next);
    EXPECT_EQ(r.error, Error::kNone);
    EXPECT_TRUE(r.done);
    EXPECT_EQ(r.consumed, first.size());
    EXPECT_EQ(r.leftover, next);
  }
}

TEST(ResponseParser, ParseAfterDoneConsumesNothing) {
  ResponseParser parser(false, kMaxHeader);
  const std::string wire = "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n";
  const ResponseParser::Step first = parser.Parse(wire + "more");
  EXPECT_EQ(first.consumed, wire.size());
  ASSERT_TRUE(parser.done());
  const ResponseParser::Step again = parser.Parse("more");
  EXPECT_EQ(again.consumed, 0u);
  EXPECT_TRUE(again.body.empty());
  EXPECT_EQ(parser.Finish(), Error::kNone);
}

TEST(ResponseParser, ErrorTextForEveryError) {
  std::set<std::string_view> texts;
  for (int e = 0; e <= static_cast<int>(Error::kTruncated); ++e) {
    const std::string_view text = ResponseParser::ErrorText(static_cast<Error>(e));
    EXPECT_FALSE(text.empty()) << e;
    EXPECT_NE(text, "unknown error") << e;
    texts.insert(text);
  }
  EXPECT_EQ(texts.size(), static_cast<size_t>(Error::kTruncated) + 1);
}

}  // namespace
}  // namespace shadowdiff
