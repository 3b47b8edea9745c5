// A HAR file saved by a real browser, read and replayed. tests/data/replay/chromium-fetch.har
// is headless Chromium's traffic as Playwright recorded it (tools/replay-fixtures/record-har):
// a page whose script fetches JSON, POSTs JSON, PUTs a form, gets gzip-encoded JSON, a PNG, a
// 404 and a URL with a query string. Unlike hand-written HAR it has `_`-prefixed extension
// keys, `pages`, cookies, postData with both `text` and an empty `params`, the browser's
// Connection/Host/Content-Length request headers, and a gzip response stored decoded but with
// its `Content-Encoding: gzip` and compressed Content-Length still listed.
//
// Proves that (a) the capture reader turns every entry into exactly the request the browser
// sent and the response it got (bodies decoded: the gzip one as JSON, the PNG from base64),
// and (b) `replay --against-recorded` compares a new side with those responses per endpoint:
// exact outcome counts when the new side answers all but one path the same way.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include <rapidjson/document.h>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "src/cli/commands.h"
#include "src/replay/capture_reader.h"
#include "tests/integration/fake_upstream.h"

namespace shadowdiff::test {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::MatchesRegex;
using ::testing::Optional;
using ::testing::StartsWith;

const char kHar[] = SHADOWDIFF_SOURCE_DIR "/tests/data/replay/chromium-fetch.har";

// The 1x1 PNG the fixture server sends (tools/replay-fixtures/fixture_server.py).
const std::string kPng(
    "\x89\x50\x4e\x47\x0d\x0a\x1a\x0a\x00\x00\x00\x0d\x49\x48\x44\x52\x00\x00\x00\x01\x00\x00"
    "\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\x0d\x49\x44\x41\x54\x78\xda\x63"
    "\xf8\xdf\xc0\xf0\x1f\x00\x06\x80\x02\x7f\xcf\x12\x09\xf1\x00\x00\x00\x00\x49\x45\x4e\x44"
    "\xae\x42\x60\x82",
    70);
const char kItem1[] = R"({"id":1,"name":"widget","price":9.99,"tags":["a","b"]})";
const char kCreated[] = R"({"id":2,"name":"gadget","price":12.5})";
const char kUpdated[] = R"({"id":2,"updated":true})";
const char kStats[] = R"({"items":2,"orders":17,"top":["widget","gadget"]})";
const char kNotFound[] = R"({"error":"not found"})";
const char kQuery[] = "q=blue+widget&page=2&tag=a%2Fb";
const char kSearch[] = R"({"query":"q=blue+widget&page=2&tag=a%2Fb","results":[{"id":1}]})";

class Collector final : public EntryVisitor {
 public:
  bool OnEntry(ReplayEntry&& entry) override {
    entries.push_back(std::move(entry));
    return true;
  }
  bool OnBadEntry(const BadEntry& bad) override {
    bad_entries.push_back(bad.location + ": " + bad.message);
    return true;
  }
  std::vector<ReplayEntry> entries;
  std::vector<std::string> bad_entries;
};

// "METHOD TARGET STATUS" per entry, for one readable comparison of the whole file.
std::vector<std::string> Summaries(const std::vector<ReplayEntry>& entries) {
  std::vector<std::string> out;
  for (const ReplayEntry& e : entries) {
    out.push_back(e.request.method + " " + e.request.target + " " +
                  (e.response ? std::to_string(e.response->status) : "-"));
  }
  return out;
}

bool HasHeader(const HeaderList& headers, std::string_view name) {
  return FindHeader(headers, name).has_value();
}

TEST(BrowserHarTest, ReaderDeliversWhatTheBrowserSentAndGot) {
  Collector c;
  Status s = ReadCapture(kHar, CaptureFormat::kAuto, c);
  ASSERT_TRUE(s.ok()) << s.error().message;
  EXPECT_THAT(c.bad_entries, ElementsAre());
  ASSERT_THAT(
      Summaries(c.entries),
      ElementsAre("GET / 200", "GET /api/items/1 200", "POST /api/items 201",
                  "PUT /api/items/2 200", "GET /api/stats 200", "GET /api/logo.png 200",
                  "GET /api/missing 404", std::string("GET /api/search?") + kQuery + " 200"));
  const auto& e = c.entries;

  // Request bodies as sent: postData.text (its `params` is empty in Playwright's HAR).
  EXPECT_EQ(e[2].request.body, R"({"name":"gadget","price":12.5,"tags":["new"]})");
  EXPECT_EQ(FindHeader(e[2].request.headers, "content-type"), "application/json");
  EXPECT_EQ(e[3].request.body, "name=gadget+v2&note=a%26b%3Dc");
  EXPECT_EQ(FindHeader(e[3].request.headers, "content-type"),
            "application/x-www-form-urlencoded;charset=UTF-8");
  for (size_t i : {0u, 1u, 4u, 5u, 6u, 7u}) EXPECT_EQ(e[i].request.body, "") << i;

  // Request headers: the recorded connection's fields are gone, Host (from the header, the
  // same authority as the URL) and the cookie the page set stay.
  const std::string host(FindHeader(e[0].request.headers, "host").value_or(""));
  EXPECT_THAT(host, MatchesRegex(R"(127\.0\.0\.1:[0-9]+)"));
  for (size_t i = 0; i < e.size(); ++i) {
    const HeaderList& h = e[i].request.headers;
    EXPECT_EQ(FindHeader(h, "host"), host) << i;
    EXPECT_EQ(std::count_if(h.begin(), h.end(),
                            [](const auto& f) { return EqualsIgnoreCase(f.first, "host"); }),
              1)
        << i;
    EXPECT_FALSE(HasHeader(h, "connection")) << i;
    EXPECT_FALSE(HasHeader(h, "content-length")) << i;
    EXPECT_THAT(FindHeader(h, "user-agent"), Optional(HasSubstr("HeadlessChrome/"))) << i;
    if (i == 0) {
      EXPECT_FALSE(HasHeader(h, "cookie"));
    } else {
      EXPECT_EQ(FindHeader(h, "cookie"), "theme=dark") << i;
    }
  }

  // Recorded times: every entry has one, in order, within the few seconds of the recording.
  ASSERT_TRUE(e.front().time_ms.has_value());
  for (size_t i = 1; i < e.size(); ++i) {
    ASSERT_TRUE(e[i].time_ms.has_value()) << i;
    EXPECT_GE(*e[i].time_ms, *e[i - 1].time_ms) << i;
  }
  EXPECT_LT(*e.back().time_ms - *e.front().time_ms, 30000);

  // Response bodies decoded: JSON as text, the gzip-encoded one decoded (and its
  // Content-Encoding dropped, or it would be served as gzip), the PNG from base64.
  EXPECT_THAT(e[0].response->body, StartsWith("<!doctype html>\n<html><head>"));
  EXPECT_THAT(e[0].response->body, HasSubstr("await fetch(url, init)"));
  EXPECT_EQ(e[0].response->body.size(), 1114u);
  EXPECT_EQ(e[1].response->body, kItem1);
  EXPECT_EQ(e[2].response->body, kCreated);
  EXPECT_EQ(e[3].response->body, kUpdated);
  EXPECT_EQ(e[4].response->body, kStats);
  EXPECT_FALSE(HasHeader(e[4].response->headers, "content-encoding"));
  EXPECT_EQ(e[5].response->body, kPng);
  EXPECT_EQ(e[6].response->body, kNotFound);
  EXPECT_EQ(e[7].response->body, kSearch);
  for (size_t i = 0; i < e.size(); ++i) {
    const HeaderList& h = e[i].response->headers;
    EXPECT_FALSE(HasHeader(h, "content-length")) << i;  // the compressed length for e[4]
    const char* type = i == 0   ? "text/html; charset=utf-8"
                       : i == 5 ? "image/png"
                                : "application/json";
    EXPECT_EQ(FindHeader(h, "content-type"), type) << i;
  }
  EXPECT_EQ(FindHeader(e[0].response->headers, "set-cookie"), "theme=dark; Path=/; SameSite=Lax");
  EXPECT_EQ(FindHeader(e[2].response->headers, "location"), "/api/items/2");
}

const char kEndpoints[] = R"(
defaults: {sample: 1.0}
endpoints:
  - path: /
    methods: [GET]
  - path: /api/items
    methods: [POST]
    shadow: compare
    allow_side_effects: true   # the new side is a fake
  - path: /api/items/{id}
    methods: [GET]
  - path: /api/items/{id}
    methods: [PUT]
    shadow: compare
    allow_side_effects: true
  - path: /api/stats
    methods: [GET]
  - path: /api/logo.png
    methods: [GET]
  - path: /api/missing
    methods: [GET]
  - path: /api/search
    methods: [GET]
)";

class BrowserHarReplayTest : public ::testing::Test {
 protected:
  BrowserHarReplayTest() {
    char tmpl[] = "/tmp/shadowdiff-browser-har-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
  }
  ~BrowserHarReplayTest() override {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }
  std::string Read(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  std::string dir_;
};

// Per endpoint "METHOD ENDPOINT" -> "sent=.. match=.. mismatch=.. noise=.. error=..
// not_shadowed=..", from a --report file.
std::map<std::string, std::string> EndpointCounts(const std::string& json) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  std::map<std::string, std::string> out;
  if (doc.HasParseError() || !doc.IsObject() || !doc.HasMember("endpoints")) return out;
  for (const auto& e : doc["endpoints"].GetArray()) {
    std::string counts;
    for (const char* k : {"sent", "match", "mismatch", "noise", "error", "not_shadowed"}) {
      counts += std::string(counts.empty() ? "" : " ") + k + "=" +
                std::to_string(e.HasMember(k) ? e[k].GetUint64() : 999);
    }
    out[std::string(e["method"].GetString()) + " " + e["endpoint"].GetString()] = counts;
  }
  return out;
}

TEST_F(BrowserHarReplayTest, AgainstRecordedCountsEachEndpoint) {
  // The page as recorded, for the new side's answer to GET / (the reader test checks it).
  Collector recorded;
  ASSERT_TRUE(ReadCapture(kHar, CaptureFormat::kAuto, recorded).ok());
  ASSERT_EQ(recorded.entries.size(), 8u);
  ASSERT_TRUE(recorded.entries[0].response.has_value());
  const std::string page = recorded.entries[0].response->body;

  // The new service: the recorded answers, except a changed price on GET /api/items/1, its
  // stats sent gzip-encoded (the recording holds them decoded), and the search echoing the
  // query it received (a mangled query string would be a mismatch).
  FakeUpstream new_side([&](const RecordedRequest& r) {
    const std::string path = r.target.substr(0, r.target.find('?'));
    if (r.method == "GET" && path == "/") {
      return FakeReply::Text(200, page, "text/html; charset=utf-8");
    }
    if (r.method == "GET" && path == "/api/items/1") {
      return FakeReply::Json(200, R"({"id":1,"name":"widget","price":10.99,"tags":["a","b"]})");
    }
    if (r.method == "POST" && path == "/api/items") {
      return FakeReply::Json(201, kCreated).WithHeader("Location", "/api/items/2");
    }
    if (r.method == "PUT" && path == "/api/items/2") return FakeReply::Json(200, kUpdated);
    if (r.method == "GET" && path == "/api/stats") return FakeReply::Json(200, kStats).WithGzip();
    if (r.method == "GET" && path == "/api/logo.png") {
      return FakeReply::Text(200, kPng, "image/png");
    }
    if (r.method == "GET" && path == "/api/missing") return FakeReply::Json(404, kNotFound);
    if (r.method == "GET" && path == "/api/search") {
      const size_t q = r.target.find('?');
      const std::string query = q == std::string::npos ? "" : r.target.substr(q + 1);
      return FakeReply::Json(200, R"({"query":")" + query + R"(","results":[{"id":1}]})");
    }
    return FakeReply::Json(500, R"({"unexpected":true})");
  });
  const std::string config = dir_ + "/endpoints.yaml";
  std::ofstream(config) << "targets:\n  new: " << new_side.url() << "\n" << kEndpoints;
  const std::string report = dir_ + "/report.json";

  std::vector<std::string> args = {"-c",   config, "--against-recorded", "--report",
                                   report, kHar,   "--no-progress"};
  std::ostringstream out, err;
  const int code = cli::RunReplay(args, out, err);
  EXPECT_EQ(code, 1) << err.str() << out.str();  // one mismatch fails the default gate
  EXPECT_THAT(err.str(), HasSubstr("mismatch rate 12.5% (1 of 8)"));
  EXPECT_THAT(out.str(), HasSubstr("mismatch rate 12.5% (1 failing of 8 shadowed"));

  const std::string json = Read(report);
  EXPECT_THAT(json, HasSubstr(R"("totals":{"sent":8,"match":7,"mismatch":1,"noise":0,"error":0,)"
                              R"("not_shadowed":0,)"));
  EXPECT_THAT(json, HasSubstr(R"("bad_entries":0,"unanswered":0)"));
  const std::string one_match = "sent=1 match=1 mismatch=0 noise=0 error=0 not_shadowed=0";
  EXPECT_EQ(EndpointCounts(json),
            (std::map<std::string, std::string>{
                {"GET /", one_match},
                {"GET /api/items/{id}", "sent=1 match=0 mismatch=1 noise=0 error=0 not_shadowed=0"},
                {"POST /api/items", one_match},
                {"PUT /api/items/{id}", one_match},
                {"GET /api/stats", one_match},
                {"GET /api/logo.png", one_match},
                {"GET /api/missing", one_match},
                {"GET /api/search", one_match},
            }));
  EXPECT_THAT(json, HasSubstr(R"("fields":[{"field":"$.price","kind":"value","count":1}])"));

  // The new side got the browser's requests as the browser sent them.
  ASSERT_EQ(new_side.request_count(), 8u);
  std::map<std::string, RecordedRequest> got;
  for (const RecordedRequest& r : new_side.requests()) got[r.method + " " + r.target] = r;
  ASSERT_TRUE(got.contains("POST /api/items"));
  EXPECT_EQ(got["POST /api/items"].body, R"({"name":"gadget","price":12.5,"tags":["new"]})");
  EXPECT_EQ(got["POST /api/items"].Header("content-type"), "application/json");
  ASSERT_TRUE(got.contains("PUT /api/items/2"));
  EXPECT_EQ(got["PUT /api/items/2"].body, "name=gadget+v2&note=a%26b%3Dc");
  EXPECT_EQ(got["PUT /api/items/2"].Header("content-type"),
            "application/x-www-form-urlencoded;charset=UTF-8");
  EXPECT_TRUE(got.contains(std::string("GET /api/search?") + kQuery));
  EXPECT_EQ(got["GET /api/items/1"].Header("cookie"), "theme=dark");
}

}  // namespace
}  // namespace shadowdiff::test
