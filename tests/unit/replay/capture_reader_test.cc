// The capture readers: JSONL (plain, gzip), HAR (text, base64, gzip bodies), bad and truncated
// inputs with their locations, format detection, and entry normalisation.
#include "src/replay/capture_reader.h"

#include <algorithm>
#include <atomic>
#include <filesystem>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "src/replay/base64.h"
#include "src/replay/entry_normalize.h"
#include "src/replay/jsonl_capture_reader.h"
#include "tests/unit/replay/replay_test_util.h"

namespace shadowdiff {
namespace {

using test::RecordingVisitor;
using test::TempDir;
using ::testing::HasSubstr;
using ::testing::Pair;

const char kJsonl[] =
    R"({"time":"2026-11-22T20:01:02.123Z","method":"POST","target":"/merchants/7/customers","headers":[["Content-Type","application/json"],["Content-Length","12"],["Connection","close"]],"body":"{\"name\":\"a\"}","response":{"status":201,"headers":[["Content-Type","application/json"],["Transfer-Encoding","chunked"]],"body_base64":"eyJpZCI6MX0="}})"
    "\n"
    "\n"
    R"({"time":1700000000.5,"method":"GET","target":"/merchants/7"})"
    "\n";

TEST(JsonlCaptureReader, ReadsEntriesWithRequestAndResponse) {
  TempDir dir;
  RecordingVisitor v;
  ASSERT_TRUE(ReadCapture(dir.Write("c.jsonl", kJsonl), CaptureFormat::kAuto, v).ok());
  ASSERT_EQ(v.entries.size(), 2u);
  EXPECT_TRUE(v.bad.empty());
  const ReplayEntry& post = v.entries[0];
  EXPECT_EQ(post.location, dir.path() + "/c.jsonl:1");
  EXPECT_EQ(post.time_ms, 1795377662123);
  EXPECT_EQ(post.request.method, "POST");
  EXPECT_EQ(post.request.target, "/merchants/7/customers");
  EXPECT_THAT(post.request.headers,
              ::testing::ElementsAre(Pair("Content-Type", "application/json")));
  EXPECT_EQ(post.request.body, R"({"name":"a"})");
  ASSERT_TRUE(post.response.has_value());
  EXPECT_EQ(post.response->status, 201);
  EXPECT_EQ(post.response->body, R"({"id":1})");
  EXPECT_THAT(post.response->headers,
              ::testing::ElementsAre(Pair("Content-Type", "application/json")));
  EXPECT_EQ(v.entries[1].location, dir.path() + "/c.jsonl:3");  // blank line 2 skipped
  EXPECT_EQ(v.entries[1].time_ms, 1700000000500);
  EXPECT_FALSE(v.entries[1].response.has_value());
}

TEST(JsonlCaptureReader, ReadsGzipByMagicBytesWhateverTheName) {
  TempDir dir;
  RecordingVisitor v;
  ASSERT_TRUE(ReadCapture(dir.WriteGzip("capture.data", kJsonl), CaptureFormat::kJsonl, v).ok());
  ASSERT_EQ(v.entries.size(), 2u);
  EXPECT_EQ(v.entries[0].request.body, R"({"name":"a"})");
}

TEST(JsonlCaptureReader, ReportsBadLinesWithTheirNumbersAndGoesOn) {
  TempDir dir;
  const std::string text =
      "{\"method\":\"GET\",\"target\":\"/a\"}\n"
      "not json\n"
      "{\"target\":\"/b\"}\n"
      "{\"method\":\"GET\",\"target\":\"/c\",\"body_base64\":\"@@@\"}\n"
      "{\"method\":\"GET\",\"target\":\"/d\",\"response\":{\"status\":\"200\"}}\n"
      "[1,2]\n"
      "{\"method\":\"GET\",\"target\":\"/e\"}\n"
      "{\"method\":\"GET\",\"target\":\"/f\",\"hea";  // truncated last line
  const std::string path = dir.Write("bad.jsonl", text);
  RecordingVisitor v;
  ASSERT_TRUE(ReadCapture(path, CaptureFormat::kAuto, v).ok());
  ASSERT_EQ(v.entries.size(), 2u);
  EXPECT_EQ(v.entries[0].request.target, "/a");
  EXPECT_EQ(v.entries[1].request.target, "/e");
  ASSERT_EQ(v.bad.size(), 6u);
  EXPECT_EQ(v.bad[0].location, path + ":2");
  EXPECT_THAT(v.bad[0].message, HasSubstr("not valid JSON"));
  EXPECT_EQ(v.bad[1].location, path + ":3");
  EXPECT_THAT(v.bad[1].message, HasSubstr("`method` is missing"));
  EXPECT_THAT(v.bad[2].message, HasSubstr("body_base64 is not valid base64"));
  EXPECT_THAT(v.bad[3].message, HasSubstr("response.status"));
  EXPECT_THAT(v.bad[4].message, HasSubstr("one JSON object per line"));
  EXPECT_EQ(v.bad[5].location, path + ":8");
  EXPECT_THAT(v.bad[5].message, HasSubstr("ends early"));
}

TEST(JsonlCaptureReader, TruncatedGzipDeliversWhatWasReadThenFails) {
  TempDir dir;
  std::string lines;
  for (int i = 0; i < 2000; ++i) {
    lines += "{\"method\":\"GET\",\"target\":\"/item/" + std::to_string(i) + "\"}\n";
  }
  const std::string full = dir.WriteGzip("full.jsonl.gz", lines);
  std::ifstream in(full, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string cut = dir.Write("cut.jsonl.gz", bytes.substr(0, bytes.size() / 2));
  RecordingVisitor v;
  Status s = ReadCapture(cut, CaptureFormat::kAuto, v);
  EXPECT_FALSE(s.ok());
  if (!s.ok()) {
    EXPECT_THAT(s.error().message, HasSubstr("cut.jsonl.gz"));
  }
  EXPECT_GT(v.entries.size(), 10u);
  EXPECT_LT(v.entries.size(), 2000u);
}

TEST(JsonlCaptureReader, VisitorCanStop) {
  TempDir dir;
  RecordingVisitor v;
  v.stop_after = 1;
  ASSERT_TRUE(ReadCapture(dir.Write("c.jsonl", kJsonl), CaptureFormat::kAuto, v).ok());
  EXPECT_EQ(v.entries.size(), 1u);
}

// Remembers the progress counter as it was when each entry arrived.
struct PositionVisitor : EntryVisitor {
  explicit PositionVisitor(const std::atomic<uint64_t>& counter) : bytes_read(counter) {}
  bool OnEntry(ReplayEntry&&) override {
    positions.push_back(bytes_read.load());
    return true;
  }
  bool OnBadEntry(const BadEntry&) override {
    positions.push_back(bytes_read.load());
    return true;
  }
  const std::atomic<uint64_t>& bytes_read;
  std::vector<uint64_t> positions;
};

TEST(CaptureReader, CountsThePlainFileBytesReadBeforeEachEntry) {
  TempDir dir;
  const std::vector<std::string> lines = {R"({"method":"GET","target":"/a"})",
                                          R"({"method":"GET","target":"/bb?x=1"})", "{oops",
                                          R"({"method":"GET","target":"/ccc"})"};
  std::string text;
  std::vector<uint64_t> ends;
  for (const std::string& line : lines) {
    text += line + "\n";
    ends.push_back(text.size());
  }
  std::atomic<uint64_t> bytes_read{100};  // added to, not overwritten
  PositionVisitor v(bytes_read);
  ASSERT_TRUE(ReadCapture(dir.Write("c.jsonl", text), CaptureFormat::kAuto, v, &bytes_read).ok());
  ASSERT_EQ(v.positions.size(), 4u);
  for (size_t i = 0; i < ends.size(); ++i) EXPECT_EQ(v.positions[i], 100 + ends[i]) << i;
}

TEST(CaptureReader, CountsTheCompressedBytesOfAGzipFile) {
  TempDir dir;
  // About 1.3 MB that compresses evenly (several refills of the reader's 256 KiB buffer).
  std::string text;
  uint64_t x = 88172645463325252u;
  for (int i = 0; i < 20000; ++i) {
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    text += R"({"method":"GET","target":"/items/)" + std::to_string(x) + "\"}\n";
  }
  const std::string path = dir.WriteGzip("c.jsonl.gz", text);
  const uint64_t size = std::filesystem::file_size(path);
  std::atomic<uint64_t> bytes_read{0};
  PositionVisitor v(bytes_read);
  ASSERT_TRUE(ReadCapture(path, CaptureFormat::kAuto, v, &bytes_read).ok());
  ASSERT_EQ(v.positions.size(), 20000u);
  EXPECT_TRUE(std::is_sorted(v.positions.begin(), v.positions.end()));
  // Compressed bytes, not the 1.3 MB inflated: a quarter, half and all of the entries read
  // are about that share of the file.
  EXPECT_NEAR(static_cast<double>(v.positions[4999]) / static_cast<double>(size), 0.25, 0.1);
  EXPECT_NEAR(static_cast<double>(v.positions[9999]) / static_cast<double>(size), 0.5, 0.1);
  EXPECT_LE(v.positions.back(), size);
  EXPECT_GE(v.positions.back(), size * 9 / 10);
}

TEST(CaptureReader, MissingFileIsAnErrorNamingIt) {
  RecordingVisitor v;
  Status s = ReadCapture("/nonexistent/x.jsonl", CaptureFormat::kAuto, v);
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.error().message, HasSubstr("cannot open `/nonexistent/x.jsonl`"));
}

const char kHar[] = R"({
  "log": {
    "version": "1.2",
    "creator": {"name": "Firefox", "version": "120"},
    "pages": [{"id": "page_1", "entries": [1, 2]}],
    "entries": [
      {
        "startedDateTime": "2026-11-22T20:01:02.123+01:00",
        "request": {
          "method": "POST",
          "url": "https://api.example.com:8443/merchants/7/customers?x=1#frag",
          "httpVersion": "HTTP/2",
          "headers": [
            {"name": ":authority", "value": "api.example.com:8443"},
            {"name": "content-type", "value": "application/json"},
            {"name": "content-length", "value": "12"}
          ],
          "postData": {"mimeType": "application/json", "text": "{\"name\":\"a\"}"}
        },
        "response": {
          "status": 201,
          "headers": [
            {"name": "content-type", "value": "application/json"},
            {"name": "content-encoding", "value": "br"}
          ],
          "content": {"size": 8, "mimeType": "application/json", "text": "{\"id\":1}"}
        }
      },
      {
        "startedDateTime": "2026-11-22T19:01:03Z",
        "request": {"method": "GET", "url": "http://h/img", "headers": []},
        "response": {"status": 200, "headers": [],
                     "content": {"mimeType": "image/png", "text": "AAEC/w==", "encoding": "base64"}}
      },
      {
        "startedDateTime": "2026-11-22T19:01:04Z",
        "request": {"method": "GET", "url": "http://h/blocked", "headers": []},
        "response": {"status": 0, "headers": [], "content": {}}
      },
      {
        "request": {"method": "POST", "url": "http://h/form", "headers": [],
                    "postData": {"mimeType": "application/x-www-form-urlencoded",
                                 "params": [{"name": "a b", "value": "1&2"}, {"name": "c", "value": "é"}]}}
      },
      {"request": {"url": "http://h/nomethod"}},
      {"request": {"method": "GET", "url": "ftp:nothing"}}
    ]
  }
})";

TEST(HarReader, ReadsEntries) {
  TempDir dir;
  RecordingVisitor v;
  const std::string path = dir.Write("s.har", kHar);
  ASSERT_TRUE(ReadCapture(path, CaptureFormat::kAuto, v).ok());
  ASSERT_EQ(v.entries.size(), 4u);
  const ReplayEntry& post = v.entries[0];
  EXPECT_EQ(post.location, path + ": entry 1");
  EXPECT_EQ(post.time_ms, 1795377662123 - 3600 * 1000);
  EXPECT_EQ(post.request.method, "POST");
  EXPECT_EQ(post.request.target, "/merchants/7/customers?x=1");
  EXPECT_THAT(post.request.headers,
              ::testing::ElementsAre(Pair("Host", "api.example.com:8443"),
                                     Pair("content-type", "application/json")));
  EXPECT_EQ(post.request.body, R"({"name":"a"})");
  ASSERT_TRUE(post.response);
  EXPECT_EQ(post.response->status, 201);
  EXPECT_EQ(post.response->body, R"({"id":1})");
  // The body is stored decoded: the recorded Content-Encoding no longer applies.
  EXPECT_THAT(post.response->headers,
              ::testing::ElementsAre(Pair("content-type", "application/json")));

  EXPECT_EQ(v.entries[1].request.target, "/img");
  EXPECT_THAT(v.entries[1].request.headers, ::testing::ElementsAre(Pair("Host", "h")));
  EXPECT_EQ(v.entries[1].response->body, std::string("\x00\x01\x02\xff", 4));
  EXPECT_FALSE(v.entries[2].response.has_value());  // status 0: nothing recorded
  EXPECT_EQ(v.entries[3].request.body, "a+b=1%262&c=%C3%A9");
  EXPECT_FALSE(v.entries[3].time_ms.has_value());

  ASSERT_EQ(v.bad.size(), 2u);
  EXPECT_EQ(v.bad[0].location, path + ": entry 5");
  EXPECT_THAT(v.bad[0].message, HasSubstr("request.method is missing"));
  EXPECT_EQ(v.bad[1].location, path + ": entry 6");
  EXPECT_THAT(v.bad[1].message, HasSubstr("request.url"));
}

TEST(HarReader, KeepsContentEncodingWhenTheBodyIsStillGzip) {
  TempDir dir;
  // A gzip stream of "hello", base64: a tool that saved the bytes as received.
  const std::string har = R"({"log":{"entries":[{"request":{"method":"GET","url":"http://h/z"},
    "response":{"status":200,"headers":[{"name":"Content-Encoding","value":"gzip"}],
    "content":{"encoding":"base64","text":"H4sIAAAAAAAAA8tIzcnJBwCGphA2BQAAAA=="}}}]}})";
  RecordingVisitor v;
  ASSERT_TRUE(ReadCapture(dir.Write("z.har", har), CaptureFormat::kAuto, v).ok());
  ASSERT_EQ(v.entries.size(), 1u);
  EXPECT_THAT(v.entries[0].response->headers,
              ::testing::ElementsAre(Pair("Content-Encoding", "gzip")));
  EXPECT_EQ(static_cast<unsigned char>(v.entries[0].response->body[0]), 0x1f);
}

TEST(HarReader, RequestBodiesTheWriterLeftOutAreBadEntries) {
  TempDir dir;
  // Playwright's HAR of a fetch() POST of 6 binary bytes: the text is empty (octet-stream) or
  // lossy (U+FFFD for the bytes that are not UTF-8). A size that differs otherwise (a writer
  // counting UTF-16 units for "é") is trusted.
  const std::string har = R"({"log":{"entries":[
    {"request":{"method":"POST","url":"http://h/bin","bodySize":6,
     "postData":{"mimeType":"application/octet-stream","text":"","params":[]}}},
    {"request":{"method":"POST","url":"http://h/lossy","bodySize":6,
     "postData":{"mimeType":"text/plain","text":"\u0000\u0001\ufffd\ufffd\ufffdA"}}},
    {"request":{"method":"POST","url":"http://h/utf16","bodySize":1,
     "postData":{"mimeType":"text/plain","text":"é"}}},
    {"request":{"method":"POST","url":"http://h/exact","bodySize":2,"postData":{"text":"ok"}}},
    {"request":{"method":"POST","url":"http://h/unknown","bodySize":-1,"postData":{"text":""}}}
  ]}})";
  const std::string path = dir.Write("b.har", har);
  RecordingVisitor v;
  ASSERT_TRUE(ReadCapture(path, CaptureFormat::kAuto, v).ok());
  ASSERT_EQ(v.bad.size(), 2u);
  EXPECT_EQ(v.bad[0].location, path + ": entry 1");
  EXPECT_THAT(v.bad[0].message, HasSubstr("request.bodySize is 6 bytes, postData holds 0"));
  EXPECT_EQ(v.bad[1].location, path + ": entry 2");
  EXPECT_THAT(v.bad[1].message, HasSubstr("U+FFFD"));
  ASSERT_EQ(v.entries.size(), 3u);
  EXPECT_EQ(v.entries[0].request.target, "/utf16");
  EXPECT_EQ(v.entries[1].request.body, "ok");
  EXPECT_EQ(v.entries[2].request.body, "");
}

TEST(HarReader, ReadsGzipAndSniffsTheFormat) {
  TempDir dir;
  RecordingVisitor v;
  ASSERT_TRUE(ReadCapture(dir.WriteGzip("export.bin", kHar), CaptureFormat::kAuto, v).ok());
  EXPECT_EQ(v.entries.size(), 4u);
}

TEST(HarReader, TruncatedFileReportsTheEntryInProgress) {
  TempDir dir;
  std::string cut(kHar);
  cut = cut.substr(0, cut.find("/img") + 10);
  const std::string path = dir.Write("cut.har", cut);
  RecordingVisitor v;
  ASSERT_TRUE(ReadCapture(path, CaptureFormat::kAuto, v).ok());
  EXPECT_EQ(v.entries.size(), 1u);
  ASSERT_EQ(v.bad.size(), 1u);
  EXPECT_EQ(v.bad[0].location, path + ": entry 2");
  EXPECT_THAT(v.bad[0].message, HasSubstr("ends inside this entry"));
}

TEST(HarReader, GarbageInsideAnEntryIsReported) {
  TempDir dir;
  const std::string path = dir.Write(
      "g.har",
      R"({"log":{"entries":[{"request":{"method":"GET","url":"/a"}},{"request": nope}]}})");
  RecordingVisitor v;
  ASSERT_TRUE(ReadCapture(path, CaptureFormat::kHar, v).ok());
  EXPECT_EQ(v.entries.size(), 1u);
  ASSERT_EQ(v.bad.size(), 1u);
  EXPECT_EQ(v.bad[0].location, path + ": entry 2");
  EXPECT_THAT(v.bad[0].message, HasSubstr("not valid JSON at byte"));
}

TEST(HarReader, ANulByteIsNotTheEndOfTheFile) {
  TempDir dir;
  const std::string path = dir.Write(
      "nul.har", std::string(R"({"log":{"entries":[{"request":{"method":"GET","url":"/a"}},)") +
                     std::string("{\"request\":\"\0\"}]}}", 18));
  RecordingVisitor v;
  ASSERT_TRUE(ReadCapture(path, CaptureFormat::kHar, v).ok());
  EXPECT_EQ(v.entries.size(), 1u);
  ASSERT_EQ(v.bad.size(), 1u);
  EXPECT_THAT(v.bad[0].message, HasSubstr("not valid JSON at byte"));
}

TEST(HarReader, NotAHarFile) {
  TempDir dir;
  RecordingVisitor v;
  ASSERT_TRUE(ReadCapture(dir.Write("x.har", R"({"foo": []})"), CaptureFormat::kAuto, v).ok());
  ASSERT_EQ(v.bad.size(), 1u);
  EXPECT_THAT(v.bad[0].message, HasSubstr("no log.entries"));
}

TEST(EntryNormalize, Timestamps) {
  EXPECT_EQ(ParseTimestampMillis("1970-01-01T00:00:00Z"), 0);
  EXPECT_EQ(ParseTimestampMillis("1970-01-01T00:00:01.5Z"), 1500);
  EXPECT_EQ(ParseTimestampMillis("1970-01-01T01:00:00+01:00"), 0);
  EXPECT_EQ(ParseTimestampMillis("1970-01-01 00:00:00.123456-00:30"), 1800123);
  EXPECT_FALSE(ParseTimestampMillis("yesterday"));
  EXPECT_FALSE(ParseTimestampMillis("2026-02-30T00:00:00Z"));
  EXPECT_FALSE(ParseTimestampMillis("2026-01-01T00:00:00Zjunk"));
}

TEST(EntryNormalize, Targets) {
  std::string authority;
  EXPECT_EQ(OriginFormTarget("/a?b", &authority), "/a?b");
  EXPECT_EQ(OriginFormTarget("https://u:p@h:1/x/y?z#f", &authority), "/x/y?z");
  EXPECT_EQ(authority, "h:1");
  EXPECT_EQ(OriginFormTarget("http://h?q", &authority), "/?q");
  EXPECT_EQ(OriginFormTarget("http://h", &authority), "/");
  EXPECT_EQ(OriginFormTarget("relative/x"), "");
}

TEST(EntryNormalize, RequestProblems) {
  EXPECT_EQ(RequestProblem({"GET", "/a?b=%20c", {{"X-A", "v w"}}, ""}), "");
  EXPECT_EQ(RequestProblem({"OPTIONS", "*", {}, ""}), "");
  EXPECT_EQ(RequestProblem({"GET", "/caf\xc3\xa9", {}, ""}), "");  // obs-text is relayed as is
  EXPECT_THAT(RequestProblem({"", "/", {}, ""}), HasSubstr("method"));
  EXPECT_THAT(RequestProblem({"GET /x", "/", {}, ""}), HasSubstr("method"));
  EXPECT_THAT(RequestProblem({"GET", "a", {}, ""}), HasSubstr("start with '/'"));
  EXPECT_THAT(RequestProblem({"GET", "/a b", {}, ""}), HasSubstr("space"));
  EXPECT_THAT(RequestProblem({"GET", "/a\r\nX: 1", {}, ""}), HasSubstr("control"));
  EXPECT_THAT(RequestProblem({"GET", std::string("/a\0", 3), {}, ""}), HasSubstr("control"));
  EXPECT_THAT(RequestProblem({"GET", "/", {{"X A", "v"}}, ""}), HasSubstr("header name"));
  EXPECT_THAT(RequestProblem({"GET", "/", {{"X", "v\nY: 1"}}, ""}), HasSubstr("`X`"));
  EXPECT_THAT(RequestProblem({"GET", "/", {{"X", std::string("v\0", 2)}}, ""}), HasSubstr("NUL"));
}

TEST(EntryNormalize, DropsHeadersNamedByConnection) {
  HeaderList h = {
      {"Connection", "keep-alive, X-Hop"}, {"X-Hop", "1"}, {"X-Keep", "2"}, {"TE", "trailers"}};
  CleanRequestHeaders(&h);
  EXPECT_THAT(h, ::testing::ElementsAre(Pair("X-Keep", "2")));
}

TEST(Base64, DecodesPaddedUnpaddedAndWrapped) {
  EXPECT_EQ(Base64Decode("aGVsbG8="), "hello");
  EXPECT_EQ(Base64Decode("aGVsbG8"), "hello");
  EXPECT_EQ(Base64Decode("aGVs\nbG8="), "hello");
  EXPECT_EQ(Base64Decode(""), "");
  EXPECT_FALSE(Base64Decode("a"));
  EXPECT_FALSE(Base64Decode("aGVs*G8="));
}

}  // namespace
}  // namespace shadowdiff
