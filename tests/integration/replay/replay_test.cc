// `shadowdiff replay` and `shadowdiff report merge` end to end, in-process: the commands are
// called as functions (argv, output streams) and drive the real proxy against FakeUpstreams.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <zlib.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "src/cli/commands.h"
#include "src/replay/goreplay_reader.h"
#include "tests/integration/fake_upstream.h"

namespace shadowdiff::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using namespace std::chrono_literals;  // NOLINT

struct CommandResult {
  int code = -1;
  std::string out;
  std::string err;
};

class ReplayTest : public ::testing::Test {
 protected:
  ReplayTest() {
    char tmpl[] = "/tmp/shadowdiff-replay-itest-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
  }
  ~ReplayTest() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  std::string Write(const std::string& name, const std::string& text) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path, std::ios::binary) << text;
    return path;
  }
  std::string Read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  // endpoints.yaml with targets for `old` (when given) and `new`, then `yaml`.
  std::string Config(const std::string& yaml, const FakeUpstream* old_side,
                     const FakeUpstream& new_side) {
    std::string text = "targets:\n";
    if (old_side != nullptr) text += "  old: " + old_side->url() + "\n";
    text += "  new: " + new_side.url() + "\n" + yaml + "\n";
    return Write("endpoints.yaml", text);
  }

  CommandResult Replay(std::vector<std::string> args) {
    args.push_back("--no-progress");
    std::ostringstream out, err;
    CommandResult r;
    r.code = cli::RunReplay(args, out, err);
    r.out = out.str();
    r.err = err.str();
    return r;
  }

  static std::string GetLines(int n, const std::string& path_prefix = "/items/") {
    std::string text;
    for (int i = 0; i < n; ++i) {
      text += R"({"time":"2026-11-22T20:00:00Z","method":"GET","target":")" + path_prefix +
              std::to_string(i) +
              R"(","headers":[["Accept","application/json"]]})"
              "\n";
    }
    return text;
  }

  std::string dir_;
};

const char kEndpoints[] = R"(
endpoints:
  - path: /items/{id}
    methods: [GET]
  - path: /orders
    methods: [POST]
    idempotent: false
    shadow: rollback
)";

TEST_F(ReplayTest, MatchingTrafficPassesTheGate) {
  FakeUpstream old_side(FakeReply::Json(200, R"({"a":1,"b":[1,2]})"));
  FakeUpstream new_side(FakeReply::Json(200, R"({"b":[1,2],"a":1.0})"));
  const std::string config = Config(kEndpoints, &old_side, new_side);
  const std::string input = Write("c.jsonl", GetLines(5));
  const std::string report = dir_ + "/report.json";
  const std::string html = dir_ + "/report.html";
  CommandResult r = Replay({"-c", config, input, "--report", report, "--html", html});
  EXPECT_EQ(r.code, 0) << r.err << r.out;
  EXPECT_THAT(r.out, HasSubstr("GET     /items/{id}"));
  EXPECT_THAT(r.out, HasSubstr("mismatch rate 0.0% (0 failing of 5 shadowed"));
  EXPECT_EQ(old_side.request_count(), 5u);
  EXPECT_EQ(new_side.request_count(), 5u);
  const std::string json = Read(report);
  EXPECT_THAT(json, HasSubstr(R"("totals":{"sent":5,"match":5,"mismatch":0)"));
  EXPECT_THAT(json, HasSubstr(R"("endpoint":"/items/{id}","method":"GET","sent":5,"match":5)"));
  EXPECT_THAT(Read(html), HasSubstr("/items/{id}"));
}

TEST_F(ReplayTest, MismatchesFailTheGateWithFieldsAndRedactedExamples) {
  FakeUpstream old_side(FakeReply::Json(200, R"({"a":1,"card":"4111 1111 1111 1111"})"));
  FakeUpstream new_side(FakeReply::Json(200, R"({"a":2,"card":"4111 1111 1111 1111"})"));
  const std::string config =
      Config(std::string(kEndpoints) + "redact: [\"$..card\"]\n", &old_side, new_side);
  const std::string input = Write("c.jsonl", GetLines(5));
  const std::string report = dir_ + "/report.json";
  CommandResult r = Replay({"-c", config, input, "--report", report});
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_THAT(r.err, HasSubstr("mismatch rate 100.0% (5 of 5) is above --fail-above 0.0%"));
  EXPECT_THAT(r.out, HasSubstr("$.a (value) x5"));
  const std::string json = Read(report);
  EXPECT_THAT(json, HasSubstr(R"("fields":[{"field":"$.a","kind":"value","count":5}])"));
  EXPECT_THAT(json, HasSubstr(R"("outcome":"mismatch")"));
  EXPECT_THAT(json, Not(HasSubstr("4111 1111 1111 1111")));  // redacted like stored examples

  // The same traffic passes a gate that tolerates it.
  r = Replay({"-c", config, input, "--fail-above", "100%"});
  EXPECT_EQ(r.code, 0) << r.err;
}

TEST_F(ReplayTest, RollbackEndpointsUseTheRollbackProtocol) {
  FakeUpstream old_side(FakeReply::Json(201, R"({"id":1})"));
  FakeUpstream new_side([](const RecordedRequest& req) {
    FakeReply reply = FakeReply::Json(201, R"({"id":1})");
    if (auto id = req.Header("Shadow-Id")) {
      reply = std::move(reply).WithHeader("Shadow-Rolled-Back", std::string(*id));
    }
    return reply;
  });
  const std::string config = Config(kEndpoints, &old_side, new_side);
  const std::string input = Write(
      "c.jsonl",
      R"({"method":"POST","target":"/orders","headers":[["Content-Type","application/json"]],"body":"{\"n\":1}"})"
      "\n");
  CommandResult r = Replay({"-c", config, input});
  EXPECT_EQ(r.code, 0) << r.err << r.out;
  ASSERT_EQ(new_side.request_count(), 1u);
  EXPECT_EQ(new_side.requests()[0].Header("Shadow-Mode"), "rollback");
  EXPECT_EQ(new_side.requests()[0].body, R"({"n":1})");
  EXPECT_EQ(old_side.requests()[0].body, R"({"n":1})");
}

TEST_F(ReplayTest, AgainstRecordedComparesNewWithTheRecording) {
  FakeUpstream new_side([](const RecordedRequest& req) {
    if (req.target == "/items/1") return FakeReply::Json(200, R"({"v":"same"})");
    return FakeReply::Json(200, R"({"v":"changed"})");
  });
  // No `old` target at all: the recording stands in for it.
  const std::string config = Config(kEndpoints, nullptr, new_side);
  const std::string har = Write("s.har", R"({"log":{"version":"1.2","entries":[
    {"startedDateTime":"2026-11-22T20:00:00Z",
     "request":{"method":"GET","url":"https://api.example.com/items/1","headers":[]},
     "response":{"status":200,"headers":[{"name":"Content-Type","value":"application/json"}],
                 "content":{"mimeType":"application/json","encoding":"base64","text":"eyJ2Ijoic2FtZSJ9"}}},
    {"startedDateTime":"2026-11-22T20:00:01Z",
     "request":{"method":"GET","url":"https://api.example.com/items/2","headers":[]},
     "response":{"status":200,"headers":[{"name":"Content-Type","value":"application/json"}],
                 "content":{"mimeType":"application/json","text":"{\"v\":\"recorded\"}"}}},
    {"startedDateTime":"2026-11-22T20:00:02Z",
     "request":{"method":"GET","url":"https://api.example.com/items/3","headers":[]},
     "response":{"status":0,"headers":[],"content":{}}}
  ]}})");
  const std::string report = dir_ + "/r.json";
  CommandResult r = Replay({"-c", config, "--against-recorded", har, "--report", report});
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_THAT(r.err, HasSubstr("s.har: entry 3: no recorded response to compare with; skipped"));
  EXPECT_EQ(new_side.request_count(), 2u);
  // The entry number the recorded-response server matches on reaches the new side too.
  EXPECT_TRUE(new_side.requests()[0].Header("X-Shadowdiff-Replay-Entry").has_value());
  const std::string json = Read(report);
  EXPECT_THAT(json, HasSubstr(R"("match":1,"mismatch":1)"));
  EXPECT_THAT(json, HasSubstr(R"("field":"$.v","kind":"value","count":1)"));
  EXPECT_THAT(json, HasSubstr(R"("bad_entries":1)"));
}

TEST_F(ReplayTest, AgainstRecordedReadsAGoReplayFile) {
  FakeUpstream new_side([](const RecordedRequest& req) {
    if (req.target == "/items/1") return FakeReply::Json(200, R"({"v":"same"})");
    return FakeReply::Json(200, R"({"v":"changed"})");
  });
  const std::string config = Config(kEndpoints, nullptr, new_side);
  const std::string sep(kGoReplaySeparator);
  const std::string gor = Write(
      "requests.gor",
      "1 aa01 1795377600000000000 1000\nGET /items/1 HTTP/1.1\r\nHost: api.example.com\r\n\r\n" +
          sep +
          "2 aa01 1795377600002000000 1000\nHTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
          "Transfer-Encoding: chunked\r\n\r\nC\r\n{\"v\":\"same\"}\r\n0\r\n\r\n" +
          sep +
          "1 bb02 1795377601000000000 1000\nGET /items/2 HTTP/1.1\r\nHost: "
          "api.example.com\r\n\r\n" +
          sep +
          "2 bb02 1795377601002000000 1000\nHTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
          "Content-Length: 16\r\n\r\n{\"v\":\"recorded\"}" +
          sep);
  const std::string report = dir_ + "/r.json";
  CommandResult r = Replay({"-c", config, "--against-recorded", gor, "--report", report});
  EXPECT_EQ(r.code, 1) << r.err;
  EXPECT_EQ(new_side.request_count(), 2u);
  const std::string json = Read(report);
  EXPECT_THAT(json, HasSubstr(R"("match":1,"mismatch":1)"));
  EXPECT_THAT(json, HasSubstr(R"("field":"$.v","kind":"value","count":1)"));
  EXPECT_THAT(json, HasSubstr(R"("bad_entries":0)"));
}

TEST_F(ReplayTest, AgainstRecordedServesGzipBodiesAsRecorded) {
  // A HAR whose tool kept the gzip bytes (Content-Encoding kept, body base64): the recorded
  // side is served gzip-encoded and compared, decoded, with the new side's plain JSON.
  FakeUpstream new_side(FakeReply::Json(200, R"({"v":1})"));
  const std::string config = Config(kEndpoints, nullptr, new_side);
  std::string gz;
  {
    const std::string plain = R"({"v":1})";
    z_stream zs{};
    deflateInit2(&zs, 9, Z_DEFLATED, 31, 8, Z_DEFAULT_STRATEGY);
    gz.resize(128);
    zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(plain.data()));
    zs.avail_in = static_cast<uInt>(plain.size());
    zs.next_out = reinterpret_cast<Bytef*>(gz.data());
    zs.avail_out = static_cast<uInt>(gz.size());
    deflate(&zs, Z_FINISH);
    gz.resize(zs.total_out);
    deflateEnd(&zs);
  }
  static constexpr char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string b64;
  for (size_t i = 0; i < gz.size(); i += 3) {
    uint32_t n = static_cast<unsigned char>(gz[i]) << 16;
    if (i + 1 < gz.size()) n |= static_cast<unsigned char>(gz[i + 1]) << 8;
    if (i + 2 < gz.size()) n |= static_cast<unsigned char>(gz[i + 2]);
    b64 += kAlphabet[(n >> 18) & 63];
    b64 += kAlphabet[(n >> 12) & 63];
    b64 += i + 1 < gz.size() ? kAlphabet[(n >> 6) & 63] : '=';
    b64 += i + 2 < gz.size() ? kAlphabet[n & 63] : '=';
  }
  const std::string har = Write("z.har", R"({"log":{"entries":[{"request":{"method":"GET",
    "url":"http://h/items/1"},"response":{"status":200,"headers":[
    {"name":"Content-Type","value":"application/json"},{"name":"Content-Encoding","value":"gzip"}],
    "content":{"encoding":"base64","text":")" +
                                             b64 + R"("}}}]}})");
  const std::string report = dir_ + "/r.json";
  CommandResult r = Replay({"-c", config, "--against-recorded", har, "--report", report});
  EXPECT_EQ(r.code, 0) << r.err << r.out << Read(report);
  EXPECT_THAT(Read(report), HasSubstr(R"("match":1,"mismatch":0)"));
}

TEST_F(ReplayTest, BadEntriesAreReportedAndSkippedUnlessStrict) {
  FakeUpstream old_side(FakeReply::Json(200, R"({"a":1})"));
  FakeUpstream new_side(FakeReply::Json(200, R"({"a":1})"));
  const std::string config = Config(kEndpoints, &old_side, new_side);
  const std::string input =
      Write("c.jsonl", GetLines(2) + "{oops\n" + GetLines(1) + R"({"method":"GET","tar)");
  CommandResult r = Replay({"-c", config, input});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("c.jsonl:3: not valid JSON"));
  EXPECT_THAT(r.err, HasSubstr("c.jsonl:5: the line ends early"));
  EXPECT_THAT(r.out, HasSubstr("2 bad input entries skipped"));
  EXPECT_EQ(old_side.request_count(), 3u);

  r = Replay({"-c", config, "--strict", input});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err, HasSubstr("c.jsonl:3: not valid JSON"));
  EXPECT_THAT(r.err, HasSubstr("(--strict)"));
}

TEST_F(ReplayTest, RequestsThatCannotBeSentAsRecordedAreBadEntries) {
  FakeUpstream old_side(FakeReply::Json(200, R"({"a":1})"));
  FakeUpstream new_side(FakeReply::Json(200, R"({"a":1})"));
  const std::string config = Config(kEndpoints, &old_side, new_side);
  // A crafted capture: CR LF in the target or a header value would add header lines to the
  // request replay sends; a method with a space would change the request line.
  const std::string input = Write(
      "c.jsonl", GetLines(1) +
                     R"({"method":"GET","target":"/items/1 HTTP/1.1\r\nX-Evil: 1\r\n"})"
                     "\n" +
                     R"({"method":"GET","target":"/items/1","headers":[["A","b\r\nX-Evil: 1"]]})"
                     "\n" +
                     R"({"method":"G T","target":"/items/1"})"
                     "\n" +
                     GetLines(1));
  CommandResult r = Replay({"-c", config, input});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.err, HasSubstr("c.jsonl:2: the target holds a space or a control character"));
  EXPECT_THAT(r.err, HasSubstr("c.jsonl:3: the value of header `A` holds CR, LF or NUL"));
  EXPECT_THAT(r.err, HasSubstr("c.jsonl:4: the method is not an HTTP method name"));
  EXPECT_THAT(r.out, HasSubstr("3 bad input entries skipped"));
  EXPECT_EQ(old_side.request_count(), 2u);
  for (const RecordedRequest& seen : old_side.requests()) {
    EXPECT_FALSE(FindHeader(seen.headers, "X-Evil").has_value());
  }
}

// Regression: entries were checked for being sendable before --filter, so entries the filter
// leaves out were still reported (and with --strict, fatal) as bad entries.
TEST_F(ReplayTest, FilterSelectsBeforeRequestsAreCheckedForSending) {
  FakeUpstream old_side(FakeReply::Json(200, R"({"a":1})"));
  FakeUpstream new_side(FakeReply::Json(200, R"({"a":1})"));
  const std::string config = Config(kEndpoints, &old_side, new_side);
  const std::string input = Write(
      "c.jsonl", GetLines(2) +
                     // Unsendable, and left out by the filter: a POST, and another path.
                     R"({"method":"POST","target":"/orders","headers":[["A","b\r\nX-Evil: 1"]]})"
                     "\n" +
                     R"({"method":"GET","target":"/other/1 HTTP/1.1\r\nX-Evil: 1\r\n"})"
                     "\n" +
                     // Unsendable and selected: still a bad entry.
                     R"({"method":"GET","target":"/items/9","headers":[["A","b\r\nX-Evil: 1"]]})"
                     "\n");
  CommandResult r = Replay({"-c", config, input, "--filter", "GET /items/*"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_THAT(r.err, Not(HasSubstr("c.jsonl:3")));
  EXPECT_THAT(r.err, Not(HasSubstr("c.jsonl:4")));
  EXPECT_THAT(r.err, HasSubstr("c.jsonl:5: the value of header `A` holds CR, LF or NUL"));
  EXPECT_THAT(r.out, HasSubstr("1 bad input entries skipped"));
  EXPECT_EQ(old_side.request_count(), 2u);

  // --strict stops only at a selected entry: here the last one.
  r = Replay({"-c", config, input, "--filter", "GET /items/*", "--strict"});
  EXPECT_EQ(r.code, 2);
  EXPECT_THAT(r.err,
              HasSubstr("c.jsonl:5: the value of header `A` holds CR, LF or NUL (--strict)"));
  EXPECT_EQ(old_side.request_count(), 4u);
}

// A gzip input that ends early or is damaged stops the replay with exit 2 and a message that
// names the file and what is wrong; what was read before it was replayed.
TEST_F(ReplayTest, TruncatedOrCorruptGzipInputExits2) {
  FakeUpstream old_side(FakeReply::Json(200, R"({"a":1})"));
  FakeUpstream new_side(FakeReply::Json(200, R"({"a":1})"));
  const std::string config = Config(kEndpoints, &old_side, new_side);
  std::string gz;
  {
    const std::string path = dir_ + "/full.jsonl.gz";
    // Enough lines that half the compressed file holds many whole ones.
    std::string lines = GetLines(3000);
    gzFile z = gzopen(path.c_str(), "wb");
    gzwrite(z, lines.data(), static_cast<unsigned>(lines.size()));
    gzclose(z);
    gz = Read(path);
  }
  ASSERT_GT(gz.size(), 1000u);

  const std::string cut = Write("cut.jsonl.gz", gz.substr(0, gz.size() / 2));
  CommandResult r = Replay({"-c", config, cut, "--fail-above", "100%"});
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_THAT(r.err, HasSubstr("shadowdiff replay: " + cut + ": after line "));
  EXPECT_THAT(r.err, HasSubstr("unexpected end of file (a truncated or corrupt gzip file?)"));
  EXPECT_GT(old_side.request_count(), 100u);  // the whole lines before the cut were replayed
  EXPECT_LT(old_side.request_count(), 3000u);

  std::string damaged = gz;
  for (size_t i = gz.size() / 2; i < gz.size() / 2 + 64; ++i) {
    damaged[i] = static_cast<char>(~gz[i]);
  }
  const std::string corrupt = Write("corrupt.jsonl.gz", damaged);
  r = Replay({"-c", config, corrupt, "--fail-above", "100%"});
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_THAT(r.err, HasSubstr("shadowdiff replay: " + corrupt + ": after line "));
  EXPECT_THAT(r.err, HasSubstr("(a truncated or corrupt gzip file?)"));
}

TEST_F(ReplayTest, UsageAndInputErrorsExit2) {
  FakeUpstream new_side;
  const std::string config = Config(kEndpoints, &new_side, new_side);
  const std::string input = Write("c.jsonl", GetLines(1));
  EXPECT_EQ(Replay({"-c", config, input, "--bogus"}).code, 2);
  EXPECT_EQ(Replay({"-c", config}).code, 2);
  EXPECT_EQ(Replay({input}).code, 2);
  EXPECT_EQ(Replay({"-c", config, input, "--shard", "2/2"}).code, 2);
  EXPECT_EQ(Replay({"-c", config, input, "--rate", "5", "--speed", "2"}).code, 2);
  EXPECT_EQ(Replay({"-c", config, input, "--fail-above", "lots"}).code, 2);
  CommandResult missing = Replay({"-c", config, dir_ + "/nope.jsonl"});
  EXPECT_EQ(missing.code, 2);
  EXPECT_THAT(missing.err, HasSubstr("nope.jsonl"));
  CommandResult empty = Replay({"-c", config, Write("empty.jsonl", "")});
  EXPECT_EQ(empty.code, 2);
  EXPECT_THAT(empty.err, HasSubstr("no entries"));
  CommandResult help = Replay({"--help"});
  EXPECT_EQ(help.code, 0);
  EXPECT_THAT(help.out, HasSubstr("--against-recorded"));
}

TEST_F(ReplayTest, RatePacesRequests) {
  FakeUpstream old_side(FakeReply::Json(200, R"({"a":1})"));
  FakeUpstream new_side(FakeReply::Json(200, R"({"a":1})"));
  const std::string config = Config(kEndpoints, &old_side, new_side);
  const std::string input = Write("c.jsonl", GetLines(50));
  const auto start = std::chrono::steady_clock::now();
  CommandResult r = Replay({"-c", config, input, "--rate", "50"});
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(old_side.request_count(), 50u);
  // 50 requests at 50/s: the last is due at 0.98 s, and a pacer is never early, so the
  // whole command (proxy start, 50 requests, drain) takes at least that. The upper bound
  // leaves a second for start, drain and a loaded machine, and fails a pacer twice too slow.
  EXPECT_GE(seconds, 0.9);
  EXPECT_LE(seconds, 2.0);
}

TEST_F(ReplayTest, SpeedFollowsRecordedTimestamps) {
  FakeUpstream old_side(FakeReply::Json(200, R"({"a":1})"));
  FakeUpstream new_side(FakeReply::Json(200, R"({"a":1})"));
  const std::string config = Config(kEndpoints, &old_side, new_side);
  const std::string input =
      Write("c.jsonl",
            "{\"time\":\"2026-11-22T20:00:00Z\",\"method\":\"GET\",\"target\":\"/items/1\"}\n"
            "{\"time\":\"2026-11-22T20:00:02Z\",\"method\":\"GET\",\"target\":\"/items/2\"}\n");
  const auto start = std::chrono::steady_clock::now();
  CommandResult r = Replay({"-c", config, input, "--speed", "2"});
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_GT(seconds, 0.8);  // 2 s recorded at twice the pace
  EXPECT_LT(seconds, 3.0);
}

TEST_F(ReplayTest, LimitFilterAndShardsThatMerge) {
  FakeUpstream old_side(FakeReply::Json(200, R"({"a":1})"));
  FakeUpstream new_side(FakeReply::Json(200, R"({"a":2})"));
  const std::string config = Config(kEndpoints, &old_side, new_side);
  const std::string input = Write("c.jsonl", GetLines(10) + GetLines(4, "/other/"));

  CommandResult r = Replay({"-c", config, input, "--limit", "3"});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(old_side.request_count(), 3u);

  r = Replay({"-c", config, input, "--filter", "GET /items/{id}", "--fail-above", "1"});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(old_side.request_count(), 3u + 10u);
  r = Replay({"-c", config, input, "--filter", "/other/*", "--fail-above", "1"});
  EXPECT_EQ(r.code, 1);  // unmatched requests are not shadowed: nothing compared
  EXPECT_THAT(r.err, HasSubstr("no request was compared"));
  EXPECT_EQ(old_side.request_count(), 3u + 10u + 4u);

  std::vector<std::string> shards;
  for (int i = 0; i < 3; ++i) {
    shards.push_back(dir_ + "/shard-" + std::to_string(i) + ".json");
    r = Replay({"-c", config, input, "--shard", std::to_string(i) + "/3", "--report", shards.back(),
                "--fail-above", "1"});
    EXPECT_EQ(r.code, 0) << r.err;
  }
  EXPECT_EQ(old_side.request_count(), 3u + 10u + 4u + 14u);
  std::ostringstream out, err;
  const std::string merged = dir_ + "/merged.json";
  std::vector<std::string> args = {"merge", shards[0], shards[1], shards[2], "-o", merged};
  EXPECT_EQ(cli::RunReport(args, out, err), 1) << err.str();
  EXPECT_THAT(Read(merged), HasSubstr(R"("totals":{"sent":14,"match":0,"mismatch":10)"));
  EXPECT_THAT(Read(merged), HasSubstr(R"("field":"$.a","kind":"value","count":10)"));
  args.push_back("--fail-above=100%");
  EXPECT_EQ(cli::RunReport(args, out, err), 0) << err.str();
  std::vector<std::string> bad = {"merge", Write("junk.json", "{}")};
  EXPECT_EQ(cli::RunReport(bad, out, err), 2);
}

TEST_F(ReplayTest, GzipCaptureIsReadTransparently) {
  FakeUpstream old_side(FakeReply::Json(200, R"({"a":1})"));
  FakeUpstream new_side(FakeReply::Json(200, R"({"a":1})"));
  const std::string config = Config(kEndpoints, &old_side, new_side);
  const std::string path = dir_ + "/c.jsonl.gz";
  const std::string lines = GetLines(7);
  gzFile z = gzopen(path.c_str(), "wb");
  gzwrite(z, lines.data(), static_cast<unsigned>(lines.size()));
  gzclose(z);
  CommandResult r = Replay({"-c", config, path});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(old_side.request_count(), 7u);
}

}  // namespace
}  // namespace shadowdiff::test
