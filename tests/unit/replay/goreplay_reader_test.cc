// The GoReplay reader: payload splitting (separators, including one inside a body), raw
// HTTP/1.x parsing (chunked, absolute-form, HTTP/1.0, bare LF), request/response pairing in
// bounded memory, bad payloads with their locations, gzip, and format detection.
#include "src/replay/goreplay_reader.h"

#include <cstdio>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "src/replay/capture_reader.h"
#include "src/replay/raw_http_message.h"
#include "tests/unit/replay/replay_test_util.h"

namespace shadowdiff {
namespace {

using test::RecordingVisitor;
using test::TempDir;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

const std::string kSep(kGoReplaySeparator);

// One payload as GoReplay writes it: header line, message, separator.
std::string Payload(char type, const std::string& id, const std::string& timing,
                    const std::string& message) {
  return std::string(1, type) + " " + id + " " + timing + "\n" + message + kSep;
}

const char kPost[] =
    "POST /merchants/7/customers?x=1 HTTP/1.1\r\n"
    "Host: api.example.com\r\n"
    "Content-Type: application/json\r\n"
    "Content-Length: 12\r\n"
    "Connection: keep-alive\r\n"
    "\r\n"
    "{\"name\":\"a\"}";
const char kCreated[] =
    "HTTP/1.1 201 Created\r\n"
    "Content-Type: application/json\r\n"
    "Content-Length: 8\r\n"
    "\r\n"
    "{\"id\":1}";
const char kGet[] = "GET /merchants/7 HTTP/1.1\r\nHost: api.example.com\r\n\r\n";
const char kOk[] = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok";

Status Read(const std::string& bytes, RecordingVisitor& v,
            const GoReplayReadOptions& options = {}) {
  auto stream = InputStream::FromBytes(bytes);
  return ReadGoReplay(*stream, "c.gor", v, options);
}

TEST(GoReplayReader, PairsARequestWithItsResponse) {
  TempDir dir;
  const std::string first = Payload('1', "a1b2c3", "1700000000123456789 250000", kPost);
  const std::string file = first + Payload('2', "a1b2c3", "1700000000124000000 90000", kCreated);
  const std::string path = dir.Write("c.gor", file);
  RecordingVisitor v;
  ASSERT_TRUE(ReadCapture(path, CaptureFormat::kAuto, v).ok());
  ASSERT_EQ(v.entries.size(), 1u);
  EXPECT_TRUE(v.bad.empty());
  const ReplayEntry& e = v.entries[0];
  EXPECT_EQ(e.location, path + ": payload 1 (byte 0)");
  EXPECT_EQ(e.time_ms, 1700000000123);
  EXPECT_EQ(e.request.method, "POST");
  EXPECT_EQ(e.request.target, "/merchants/7/customers?x=1");
  EXPECT_THAT(e.request.headers, ElementsAre(Pair("Host", "api.example.com"),
                                             Pair("Content-Type", "application/json")));
  EXPECT_EQ(e.request.body, R"({"name":"a"})");
  ASSERT_TRUE(e.response.has_value());
  EXPECT_EQ(e.response->status, 201);
  EXPECT_THAT(e.response->headers, ElementsAre(Pair("Content-Type", "application/json")));
  EXPECT_EQ(e.response->body, R"({"id":1})");
}

TEST(GoReplayReader, ResponsesBeforeTheirRequestsAreHeldAndEntriesKeepRequestOrder) {
  const std::string file =
      Payload('2', "bb", "2000000", kOk) + Payload('1', "aa", "1000000", kGet) +
      Payload('1', "bb", "3000000", kPost) + Payload('2', "aa", "4000000", kCreated);
  RecordingVisitor v;
  ASSERT_TRUE(Read(file, v).ok());
  ASSERT_EQ(v.entries.size(), 2u);
  EXPECT_TRUE(v.bad.empty());
  EXPECT_EQ(v.entries[0].request.method, "GET");
  EXPECT_EQ(
      v.entries[0].location,
      "c.gor: payload 2 (byte " + std::to_string(Payload('2', "bb", "2000000", kOk).size()) + ")");
  ASSERT_TRUE(v.entries[0].response.has_value());
  EXPECT_EQ(v.entries[0].response->status, 201);
  EXPECT_EQ(v.entries[1].request.method, "POST");
  ASSERT_TRUE(v.entries[1].response.has_value());
  EXPECT_EQ(v.entries[1].response->body, "ok");
}

TEST(GoReplayReader, DecodesChunkedBodies) {
  const std::string request =
      "PUT /upload HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
      "5;name=value\r\nhello\r\n7\r\n, world\r\n0\r\nX-Checksum: 1\r\n\r\n";
  const std::string response =
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\nContent-Encoding: gzip\r\n\r\n"
      "A\r\n0123456789\r\n0\r\n\r\n";
  RecordingVisitor v;
  ASSERT_TRUE(Read(Payload('1', "c", "1", request) + Payload('2', "c", "2", response), v).ok());
  ASSERT_EQ(v.entries.size(), 1u) << (v.bad.empty() ? "" : v.bad[0].message);
  EXPECT_EQ(v.entries[0].request.body, "hello, world");
  EXPECT_THAT(v.entries[0].request.headers, ElementsAre(Pair("Host", "h")));
  EXPECT_EQ(v.entries[0].response->body, "0123456789");
  EXPECT_THAT(v.entries[0].response->headers, ElementsAre(Pair("Content-Encoding", "gzip")));
}

TEST(GoReplayReader, AbsoluteFormTargetBecomesOriginFormAndItsAuthorityTheHost) {
  RecordingVisitor v;
  ASSERT_TRUE(
      Read(Payload('1', "d", "1",
                   "GET http://api.example.com:8080/items/1?q=2#frag HTTP/1.1\r\n"
                   "Accept: */*\r\n\r\n") +
               Payload('1', "e", "2",
                       "GET https://proxy.example/x HTTP/1.1\r\nHost: origin.example\r\n\r\n"),
           v)
          .ok());
  ASSERT_EQ(v.entries.size(), 2u);
  EXPECT_EQ(v.entries[0].request.target, "/items/1?q=2");
  EXPECT_THAT(v.entries[0].request.headers,
              ElementsAre(Pair("Host", "api.example.com:8080"), Pair("Accept", "*/*")));
  EXPECT_EQ(v.entries[1].request.target, "/x");
  EXPECT_THAT(v.entries[1].request.headers, ElementsAre(Pair("Host", "origin.example")));
}

TEST(GoReplayReader, ReadsHttp10WithAResponseBodyRunningToTheEnd) {
  RecordingVisitor v;
  ASSERT_TRUE(Read(Payload('1', "f", "1", "GET /old HTTP/1.0\r\n\r\n") +
                       Payload('2', "f", "2", "HTTP/1.0 200 OK\r\nServer: x\r\n\r\nuntil close"),
                   v)
                  .ok());
  ASSERT_EQ(v.entries.size(), 1u);
  EXPECT_EQ(v.entries[0].request.target, "/old");
  EXPECT_TRUE(v.entries[0].request.headers.empty());
  EXPECT_EQ(v.entries[0].response->status, 200);
  EXPECT_EQ(v.entries[0].response->body, "until close");
}

TEST(GoReplayReader, ReadsGzipFiles) {
  TempDir dir;
  const std::string path = dir.WriteGzip(
      "c.gor.gz", Payload('1', "a", "5000000", kPost) + Payload('2', "a", "6000000", kCreated));
  RecordingVisitor v;
  ASSERT_TRUE(ReadCapture(path, CaptureFormat::kAuto, v).ok());
  ASSERT_EQ(v.entries.size(), 1u);
  EXPECT_EQ(v.entries[0].time_ms, 5);
  EXPECT_EQ(v.entries[0].request.body, R"({"name":"a"})");
  EXPECT_EQ(v.entries[0].response->body, R"({"id":1})");
}

TEST(GoReplayReader, BareLfLineEndingsReadLikeCrlf) {
  std::string lf_post = kPost;
  std::string lf_created = kCreated;
  for (std::string* s : {&lf_post, &lf_created}) {
    for (size_t at; (at = s->find("\r\n")) != std::string::npos;) s->erase(at, 1);
  }
  ASSERT_EQ(lf_post.find('\r'), std::string::npos);
  RecordingVisitor crlf, lf;
  ASSERT_TRUE(Read(Payload('1', "a", "1", kPost) + Payload('2', "a", "2", kCreated), crlf).ok());
  ASSERT_TRUE(Read(Payload('1', "a", "1", lf_post) + Payload('2', "a", "2", lf_created), lf).ok());
  ASSERT_EQ(lf.entries.size(), 1u);
  EXPECT_EQ(lf.entries[0].request.target, crlf.entries[0].request.target);
  EXPECT_EQ(lf.entries[0].request.headers, crlf.entries[0].request.headers);
  EXPECT_EQ(lf.entries[0].request.body, R"({"name":"a"})");
  EXPECT_EQ(lf.entries[0].response->headers, crlf.entries[0].response->headers);
  EXPECT_EQ(lf.entries[0].response->body, R"({"id":1})");
}

TEST(GoReplayReader, HeaderLinesWithAndWithoutLatency) {
  EXPECT_TRUE(IsGoReplayHeaderLine("1 8e3f0a1b2c3d4e5f60718293 1700000000123456789"));
  EXPECT_TRUE(IsGoReplayHeaderLine("2 8e3f0a1b2c3d4e5f60718293 1700000000123456789 1234"));
  EXPECT_TRUE(IsGoReplayHeaderLine("3 d7123dasd913jfd21312dasdhas31 127345969\r"));
  EXPECT_FALSE(IsGoReplayHeaderLine("4 abc 123"));
  EXPECT_FALSE(IsGoReplayHeaderLine("1 abc 123 456 789"));
  EXPECT_FALSE(IsGoReplayHeaderLine("1 abc"));
  EXPECT_FALSE(IsGoReplayHeaderLine("1  abc 123"));
  EXPECT_FALSE(IsGoReplayHeaderLine("1 abc 12x"));
  EXPECT_FALSE(IsGoReplayHeaderLine("1 abc 123 -1"));
  EXPECT_FALSE(IsGoReplayHeaderLine("{\"method\":\"GET\"}"));
  RecordingVisitor v;
  ASSERT_TRUE(Read(Payload('1', "a", "1700000000999999999", kGet), v).ok());  // 3 fields
  ASSERT_EQ(v.entries.size(), 1u);
  EXPECT_EQ(v.entries[0].time_ms, 1700000000999);
}

TEST(GoReplayReader, TruncatedLastPayloadIsABadEntry) {
  const std::string whole = Payload('1', "a", "1", kGet);
  std::string cut = Payload('1', "b", "2", kPost);
  cut.resize(cut.size() - kSep.size() - 4);  // the body's last 4 bytes and the separator
  RecordingVisitor v;
  ASSERT_TRUE(Read(whole + cut, v).ok());
  ASSERT_EQ(v.entries.size(), 1u);
  ASSERT_EQ(v.bad.size(), 1u);
  EXPECT_EQ(v.bad[0].location, "c.gor: payload 2 (byte " + std::to_string(whole.size()) + ")");
  EXPECT_EQ(v.bad[0].message,
            "the file ends inside this payload (no separator after it): a truncated file?");
}

TEST(GoReplayReader, BodyCutShortOfItsLengthIsABadEntry) {
  std::string post = kPost;
  post.resize(post.size() - 4);
  RecordingVisitor v;
  ASSERT_TRUE(Read(Payload('1', "a", "1", post) + Payload('1', "b", "2", kGet), v).ok());
  ASSERT_EQ(v.entries.size(), 1u);
  EXPECT_EQ(v.entries[0].request.method, "GET");
  ASSERT_EQ(v.bad.size(), 1u);
  EXPECT_EQ(v.bad[0].location, "c.gor: payload 1 (byte 0)");
  EXPECT_EQ(v.bad[0].message,
            "request: the body ends after 8 of its 12 bytes (Content-Length): the recording is "
            "cut short (GoReplay cuts messages longer than its --copy-buffer-size)");
}

TEST(GoReplayReader, GarbageBetweenPayloadsIsSkippedToTheNextSeparator) {
  const std::string first = Payload('1', "a", "1", kGet);
  const std::string garbage = "some\nstray bytes\x01\n" + kSep;
  RecordingVisitor v;
  ASSERT_TRUE(Read(first + garbage + Payload('1', "b", "2", kPost), v).ok());
  ASSERT_EQ(v.entries.size(), 2u);
  EXPECT_EQ(v.entries[1].location,
            "c.gor: payload 3 (byte " + std::to_string(first.size() + garbage.size()) + ")");
  ASSERT_EQ(v.bad.size(), 1u);
  EXPECT_EQ(v.bad[0].location, "c.gor: payload 2 (byte " + std::to_string(first.size()) + ")");
  EXPECT_THAT(v.bad[0].message, HasSubstr("`some` is not a payload header line"));
}

TEST(GoReplayReader, UnparsableMessagesAreBadEntriesAndTheRequestGoesOnWithoutResponse) {
  RecordingVisitor v;
  ASSERT_TRUE(Read(Payload('1', "a", "1", "GET /a HTTP/2.0\r\n\r\n") +
                       Payload('1', "b", "2", kGet) +
                       Payload('2', "b", "3", "HTTP/1.1 200 OK\r\nBad Header\r\n\r\n"),
                   v)
                  .ok());
  ASSERT_EQ(v.entries.size(), 1u);
  EXPECT_FALSE(v.entries[0].response.has_value());
  ASSERT_EQ(v.bad.size(), 2u);
  EXPECT_EQ(v.bad[0].message,
            "request: only HTTP/1.0 and HTTP/1.1 requests can be read, not `HTTP/2.0`");
  EXPECT_THAT(v.bad[1].location, HasSubstr("c.gor: payload 3 (byte "));
  EXPECT_THAT(v.bad[1].message,
              HasSubstr("the response to c.gor: payload 2 (byte " +
                        std::to_string(Payload('1', "a", "1", "GET /a HTTP/2.0\r\n\r\n").size()) +
                        "): head line 2 has no `:` (a header is `Name: value`)"));
}

TEST(GoReplayReader, OldestRequestGoesWithoutResponseBeyondThePendingBound) {
  GoReplayReadOptions options;
  options.max_pending = 2;
  RecordingVisitor v;
  ASSERT_TRUE(Read(Payload('1', "a", "1", kGet) + Payload('1', "b", "2", kGet) +
                       Payload('1', "c", "3", kGet) +  // a leaves without a response
                       Payload('2', "a", "4", kOk) +   // too late: dropped
                       Payload('2', "c", "5", kCreated) + Payload('2', "b", "6", kOk),
                   v, options)
                  .ok());
  ASSERT_EQ(v.entries.size(), 3u);
  EXPECT_TRUE(v.bad.empty());
  EXPECT_EQ(v.entries[0].location, "c.gor: payload 1 (byte 0)");
  EXPECT_FALSE(v.entries[0].response.has_value());
  ASSERT_TRUE(v.entries[1].response.has_value());
  EXPECT_EQ(v.entries[1].response->status, 200);
  ASSERT_TRUE(v.entries[2].response.has_value());
  EXPECT_EQ(v.entries[2].response->status, 201);
}

TEST(GoReplayReader, BadEntriesHeldBehindAWaitingRequestCountTowardsTheBound) {
  GoReplayReadOptions options;
  options.max_pending = 2;
  const std::string junk = "junk\n" + kSep;
  RecordingVisitor v;
  ASSERT_TRUE(Read(Payload('1', "a", "1", kGet) + junk + junk + junk + Payload('2', "a", "2", kOk),
                   v, options)
                  .ok());
  ASSERT_EQ(v.entries.size(), 1u);
  EXPECT_FALSE(v.entries[0].response.has_value());
  EXPECT_EQ(v.bad.size(), 3u);
}

TEST(GoReplayReader, PendingBytesAreBoundedToo) {
  GoReplayReadOptions options;
  options.max_pending_bytes = 40;  // kPost's body and headers are more
  RecordingVisitor v;
  ASSERT_TRUE(Read(Payload('1', "a", "1", kPost) + Payload('2', "a", "2", kOk), v, options).ok());
  ASSERT_EQ(v.entries.size(), 1u);
  EXPECT_FALSE(v.entries[0].response.has_value());  // delivered before its response came
}

TEST(GoReplayReader, SeparatorInsideABodyFramedByItsLengthDoesNotSplitThePayload) {
  const std::string body = "before" + kSep + "after";
  const std::string post =
      "POST /a HTTP/1.1\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  char hex[17];
  std::snprintf(hex, sizeof hex, "%zx", body.size());
  const std::string chunked = "POST /b HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n" +
                              std::string(hex) + "\r\n" + body + "\r\n0\r\n\r\n";
  RecordingVisitor v;
  ASSERT_TRUE(Read(Payload('1', "a", "1", post) + Payload('1', "b", "2", chunked) +
                       Payload('1', "c", "3", kGet),
                   v)
                  .ok());
  ASSERT_EQ(v.entries.size(), 3u) << (v.bad.empty() ? "" : v.bad[0].message);
  EXPECT_EQ(v.entries[0].request.body, body);
  EXPECT_EQ(v.entries[1].request.body, body);
  EXPECT_EQ(v.entries[2].request.target, "/merchants/7");
  EXPECT_TRUE(v.bad.empty());
}

TEST(GoReplayReader, SeparatorFollowedByAPayloadHeaderEndsThePayloadAsInGoReplay) {
  // A body cut short whose next payload follows: the separator is a boundary, not body bytes.
  const std::string post = "POST /a HTTP/1.1\r\nContent-Length: 100\r\n\r\nshort";
  RecordingVisitor v;
  ASSERT_TRUE(Read(Payload('1', "a", "1", post) + Payload('1', "b", "2", kGet), v).ok());
  ASSERT_EQ(v.entries.size(), 1u);
  EXPECT_EQ(v.entries[0].request.target, "/merchants/7");
  ASSERT_EQ(v.bad.size(), 1u);
  EXPECT_THAT(v.bad[0].message, HasSubstr("the body ends after 5 of its 100 bytes"));
}

TEST(GoReplayReader, ReplayedResponsesAreIgnoredAndInterimResponsesSkipped) {
  RecordingVisitor v;
  ASSERT_TRUE(
      Read(Payload('1', "a", "1", kPost) + Payload('3', "a", "2", kOk) +
               Payload('2', "a", "3", "HTTP/1.1 100 Continue\r\n\r\n" + std::string(kCreated)),
           v)
          .ok());
  ASSERT_EQ(v.entries.size(), 1u);
  EXPECT_EQ(v.entries[0].response->status, 201);
  EXPECT_EQ(v.entries[0].response->body, R"({"id":1})");
}

TEST(GoReplayReader, ResponseToHeadHasNoBodyWhateverItsLength) {
  RecordingVisitor v;
  ASSERT_TRUE(Read(Payload('1', "a", "1", "HEAD /a HTTP/1.1\r\nHost: h\r\n\r\n") +
                       Payload('2', "a", "2", "HTTP/1.1 200 OK\r\nContent-Length: 1234\r\n\r\n"),
                   v)
                  .ok());
  ASSERT_EQ(v.entries.size(), 1u);
  EXPECT_TRUE(v.bad.empty());
  EXPECT_EQ(v.entries[0].response->status, 200);
  EXPECT_EQ(v.entries[0].response->body, "");
  auto with_body = ParseRawResponse("HTTP/1.1 200 OK\r\n\r\nbody", "HEAD");
  ASSERT_FALSE(with_body.ok());
  EXPECT_EQ(with_body.error().message,
            "4 bytes follow the end of the message (a response to HEAD, or with status 1xx, 204 "
            "or 304, has no body)");
}

TEST(GoReplayReader, PayloadLargerThanTheLimitIsSkipped) {
  GoReplayReadOptions options;
  options.max_payload_bytes = 1 << 20;
  const std::string big =
      "POST /big HTTP/1.1\r\nContent-Length: 3145728\r\n\r\n" + std::string(3 << 20, 'x');
  const std::string first = Payload('1', "a", "1", big);
  RecordingVisitor v;
  ASSERT_TRUE(Read(first + Payload('1', "b", "2", kGet), v, options).ok());
  ASSERT_EQ(v.entries.size(), 1u);
  EXPECT_EQ(v.entries[0].location, "c.gor: payload 2 (byte " + std::to_string(first.size()) + ")");
  ASSERT_EQ(v.bad.size(), 1u);
  EXPECT_EQ(v.bad[0].location, "c.gor: payload 1 (byte 0)");
  EXPECT_EQ(v.bad[0].message, "payload longer than 1 MiB; skipped");
}

TEST(GoReplayReader, AFileThatIsNotGoReplayIsAnError) {
  TempDir dir;
  const std::string path = dir.Write("c.gor", "{\"method\":\"GET\",\"target\":\"/a\"}\n");
  RecordingVisitor v;
  Status s = ReadCapture(path, CaptureFormat::kAuto, v);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, path +
                                   " is not a GoReplay file: it starts with "
                                   "`{\"method\":\"GET\",\"target\":\"/a\"}`, not a payload "
                                   "header line `TYPE ID TIMESTAMP_NS [LATENCY_NS]`; if it is "
                                   "shadowdiff JSONL or HAR, say so with --format");
  EXPECT_TRUE(v.entries.empty());
  EXPECT_TRUE(v.bad.empty());
}

TEST(GoReplayReader, VisitorCanStop) {
  RecordingVisitor v;
  v.stop_after = 1;
  ASSERT_TRUE(Read(Payload('1', "a", "1", kGet) + Payload('1', "b", "2", kGet) +
                       Payload('2', "a", "3", kOk),
                   v)
                  .ok());
  EXPECT_EQ(v.entries.size(), 1u);
}

TEST(GoReplayReader, AutoDetectsByNameOrContent) {
  TempDir dir;
  const std::string two = Payload('1', "a", "1000000", kGet) + Payload('2', "a", "2000000", kOk);
  RecordingVisitor v;
  ASSERT_TRUE(ReadCapture(dir.Write("requests_0.log", two), CaptureFormat::kAuto, v).ok());
  ASSERT_EQ(v.entries.size(), 1u);
  EXPECT_EQ(v.entries[0].time_ms, 1);
  EXPECT_EQ(v.entries[0].response->body, "ok");

  EXPECT_EQ(SniffCaptureFormat(two), CaptureFormat::kGoReplay);
  EXPECT_EQ(SniffCaptureFormat(" {\"log\": {}}"), CaptureFormat::kHar);
  EXPECT_EQ(SniffCaptureFormat("{\"method\":\"GET\"}\n"), CaptureFormat::kJsonl);
  EXPECT_EQ(SniffCaptureFormat(""), CaptureFormat::kJsonl);
  CaptureFormat format = CaptureFormat::kAuto;
  ASSERT_TRUE(ParseCaptureFormat("goreplay", &format));
  EXPECT_EQ(format, CaptureFormat::kGoReplay);
}

TEST(RawHttpMessage, MeasuresWhetherTheFramingIsSatisfied) {
  EXPECT_EQ(MeasureRawMessage(kPost, RawMessageKind::kRequest), RawMessageExtent::kComplete);
  EXPECT_EQ(MeasureRawMessage(std::string(kPost) + "\r\n", RawMessageKind::kRequest),
            RawMessageExtent::kComplete);
  EXPECT_EQ(MeasureRawMessage(std::string(kPost, sizeof kPost - 5), RawMessageKind::kRequest),
            RawMessageExtent::kIncomplete);
  EXPECT_EQ(MeasureRawMessage(std::string(kPost) + "xx", RawMessageKind::kRequest),
            RawMessageExtent::kInvalid);
  EXPECT_EQ(MeasureRawMessage("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab",
                              RawMessageKind::kResponse),
            RawMessageExtent::kIncomplete);
  EXPECT_EQ(MeasureRawMessage("nonsense", RawMessageKind::kResponse), RawMessageExtent::kInvalid);
}

TEST(RawHttpMessage, RefusesWhatCannotBeReplayedSayingWhy) {
  auto smuggle = ParseRawRequest("POST /a HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\nxx");
  ASSERT_FALSE(smuggle.ok());
  EXPECT_EQ(smuggle.error().message,
            "Transfer-Encoding `gzip` does not end in chunked: the request's body has no length");
  auto lengths =
      ParseRawRequest("POST /a HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nx");
  ASSERT_FALSE(lengths.ok());
  EXPECT_EQ(lengths.error().message, "the Content-Length headers disagree (1 and 2)");
  auto connect = ParseRawRequest("CONNECT example.com:443 HTTP/1.1\r\n\r\n");
  ASSERT_FALSE(connect.ok());
  EXPECT_THAT(connect.error().message, HasSubstr("CONNECT cannot be replayed"));
  auto trailing = ParseRawRequest("GET /a HTTP/1.1\r\n\r\nGET /b HTTP/1.1\r\n\r\n");
  ASSERT_FALSE(trailing.ok());
  EXPECT_THAT(trailing.error().message,
              HasSubstr("19 bytes follow the end of the message (it has neither Content-Length "
                        "nor Transfer-Encoding)"));
  auto nul =
      ParseRawRequest(std::string("GET /a HTTP/1.1\r\nAuthorization: Bearer s3cret\0\r\n\r\n", 50));
  ASSERT_FALSE(nul.ok());
  EXPECT_EQ(nul.error().message, "head line 2 holds a NUL or CR byte (header `Authorization`)");
  auto folded = ParseRawRequest("GET /a HTTP/1.1\r\nX-Long: one\r\n  two\r\n\r\n");
  ASSERT_TRUE(folded.ok());
  EXPECT_THAT(folded->headers, ElementsAre(Pair("X-Long", "one two")));
}

}  // namespace
}  // namespace shadowdiff
