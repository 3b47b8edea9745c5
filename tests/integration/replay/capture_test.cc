// capture: end to end — the proxy writes what it relays (redacted) to a JSONL capture, and
// `shadowdiff replay` reads that capture back and replays it: against the recording, and
// against the same old and new services, where it must find what the live proxy found.
#include <algorithm>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <thread>
#include <tuple>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "src/cli/commands.h"
#include "src/replay/replay_report.h"
#include "tests/integration/proxy/proxy_fixture.h"

namespace shadowdiff::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class CaptureTest : public ProxyFixture {
 protected:
  static std::string ReadAll(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }
  static size_t LineCount(const std::string& path) {
    const std::string text = ReadAll(path);
    return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
  }
  // The capture writer's drops, every reason (0 when it kept up).
  double CaptureDrops() const { return CounterSum("shadowdiff_capture_dropped_total"); }
};

// (endpoint, method, outcome) -> requests, outcomes that happened only.
using OutcomeTable = std::map<std::tuple<std::string, std::string, std::string>, uint64_t>;

// What the live proxy counted in shadowdiff_requests_total (`only_method`: that method only).
OutcomeTable LiveOutcomes(const ::shadowdiff::testing::Exposition& metrics,
                          const std::string& only_method = "") {
  OutcomeTable table;
  for (const auto& s : metrics.Matching("shadowdiff_requests_total")) {
    if (s.value == 0) continue;
    if (!only_method.empty() && s.labels.at("method") != only_method) continue;
    table[{s.labels.at("endpoint"), s.labels.at("method"), s.labels.at("outcome")}] =
        static_cast<uint64_t>(s.value);
  }
  return table;
}

// What a replay report counted.
OutcomeTable ReportOutcomes(const ReplayReport& report) {
  OutcomeTable table;
  for (const auto& [key, tally] : report.endpoints()) {
    for (Outcome o : kAllOutcomes) {
      if (tally.counts[o] == 0) continue;
      table[{tally.endpoint, tally.method, std::string(OutcomeName(o))}] = tally.counts[o];
    }
  }
  return table;
}

std::string Describe(const OutcomeTable& table) {
  std::string out;
  for (const auto& [key, n] : table) {
    const auto& [endpoint, method, outcome] = key;
    out += "  " + method + " " + endpoint + " " + outcome + " " + std::to_string(n) + "\n";
  }
  return out;
}

TEST_F(CaptureTest, ProxyCapturesRedactedTrafficThatReplayReplays) {
  old_->SetReply(FakeReply::Json(200, R"({"a":1,"cvv":"999"})").WithGzip());
  new_->SetReply(FakeReply::Json(200, R"({"a":1,"cvv":"999"})"));
  const std::string capture = dir_ + "/capture.jsonl";
  ASSERT_TRUE(StartProxy("capture:\n  path: " + capture +
                         "\nredact: [\"$..cvv\"]\nendpoints:\n  - path: /items/{id}\n"
                         "    methods: [GET, POST]\n"));
  for (int i = 0; i < 3; ++i) {
    HttpResponse r = Post("/items/" + std::to_string(i), R"({"cvv":"123","n":1})",
                          {{"Content-Type", "application/json"}});
    ASSERT_TRUE(r.ok);
  }
  EXPECT_TRUE(WaitForRequestsCounted("/items/{id}", 3));
  StopProxy();  // flushes the capture

  std::ifstream in(capture);
  std::stringstream text;
  text << in.rdbuf();
  const std::string lines = text.str();
  EXPECT_EQ(std::count(lines.begin(), lines.end(), '\n'), 3);
  EXPECT_THAT(lines, HasSubstr(R"("method":"POST","target":"/items/0")"));
  // Request and response bodies redacted (the gzip response decoded first).
  EXPECT_THAT(lines, Not(HasSubstr("cvv")));
  EXPECT_THAT(lines, HasSubstr(R"("body":"{\"n\":1}")"));
  EXPECT_THAT(lines, HasSubstr(R"("body":"{\"a\":1}")"));
  EXPECT_THAT(lines, HasSubstr(R"("response":{"status":200)"));

  const std::string config = dir_ + "/replay.yaml";
  std::ofstream(config) << "targets:\n  new: " << new_->url()
                        << "\nendpoints:\n  - path: /items/{id}\n    methods: [GET, POST]\n"
                        << "    idempotent: true\n    compare: {ignore: [\"$.cvv\"]}\n";
  std::ostringstream out, err;
  const int code =
      cli::RunReplay({"-c", config, "--against-recorded", "--no-progress", capture}, out, err);
  EXPECT_EQ(code, 0) << err.str() << out.str();
  EXPECT_THAT(out.str(), HasSubstr("mismatch rate 0.0% (0 failing of 3 shadowed"));
}

// capture.sample: 0 captures nothing, 1 everything, 0.5 about half. The proxy's sampler takes
// no seed (src/proxy/proxy_server.cc draws from std::random_device), so the half is checked
// against a band: for 400 requests at 0.5 the count is Binomial(400, 0.5), and by Hoeffding's
// inequality P(|X - 200| >= 66) <= 2 exp(-2 * 66^2 / 400) < 7e-10. A sampler that ignores the
// setting (0 or 400) or applies another share (0.3 or 0.7: 120 or 280) fails the band.
TEST_F(CaptureTest, SampleCapturesThatShareOfRequests) {
  struct Case {
    std::string sample;
    int requests;
    size_t min_lines, max_lines;
  };
  for (const Case& c :
       {Case{"0", 100, 0, 0}, Case{"1.0", 100, 100, 100}, Case{"0.5", 400, 135, 265}}) {
    SCOPED_TRACE("capture.sample " + c.sample);
    const std::string capture = dir_ + "/sample-" + c.sample + ".jsonl";
    ASSERT_TRUE(StartProxy("capture:\n  path: " + capture + "\n  sample: " + c.sample +
                           "\nendpoints:\n  - path: /items/{id}\n"));
    for (int i = 0; i < c.requests; ++i) ASSERT_TRUE(Get("/items/" + std::to_string(i)).ok);
    // Captured before the comparison is counted: once all are counted, all were offered.
    EXPECT_TRUE(WaitForRequestsCounted("/items/{id}", c.requests, 10s));
    EXPECT_EQ(CaptureDrops(), 0);  // every sampled request reached the file
    StopProxy();                   // flushes the capture
    const size_t lines = LineCount(capture);
    EXPECT_GE(lines, c.min_lines);
    EXPECT_LE(lines, c.max_lines);
  }
}

// Mixed live traffic — three endpoints and unmatched paths, GET and a shadowed POST, some
// answers where new differs from old — captured, then replayed against the same old and new:
// the replay must count, per endpoint, method and outcome, exactly what the live proxy
// counted. Old and new answer by the request alone, so the outcomes do not depend on order.
TEST_F(CaptureTest, ReplayOfMixedTrafficFindsWhatTheLiveProxyFound) {
  old_->SetHandler([](const RecordedRequest& r) {
    return FakeReply::Json(200, R"({"v":1,"target":")" + r.target + R"("})");
  });
  new_->SetHandler([](const RecordedRequest& r) {
    // Differs for odd user ids and for the orders posted with n 0 and 3.
    const bool odd_user = r.target.starts_with("/users/") && (r.target.back() - '0') % 2 == 1;
    const bool posted = r.method == "POST" && (r.body == R"({"n":0})" || r.body == R"({"n":3})");
    const int v = odd_user || posted ? 2 : 1;
    return FakeReply::Json(200,
                           R"({"v":)" + std::to_string(v) + R"(,"target":")" + r.target + R"("})");
  });
  const std::string endpoints =
      "endpoints:\n"
      "  - path: /items/{id}\n    methods: [GET]\n"
      "  - path: /users/{id}\n    methods: [GET]\n"
      "  - path: /orders\n    methods: [GET, POST]\n    idempotent: true\n";
  const std::string capture = dir_ + "/mixed.jsonl";
  ASSERT_TRUE(StartProxy("capture:\n  path: " + capture + "\n" + endpoints));
  const std::vector<std::pair<std::string, std::string>> json = {
      {"Content-Type", "application/json"}};
  int sent = 0;
  for (int i = 0; i < 12; ++i, ++sent) ASSERT_TRUE(Get("/items/" + std::to_string(i)).ok);
  for (int i = 0; i < 10; ++i, ++sent) ASSERT_TRUE(Get("/users/" + std::to_string(i)).ok);
  for (int i = 0; i < 6; ++i, ++sent) {
    ASSERT_TRUE(Post("/orders", R"({"n":)" + std::to_string(i) + "}", json).ok);
  }
  for (int i = 0; i < 4; ++i, ++sent) ASSERT_TRUE(Get("/orders?page=" + std::to_string(i)).ok);
  for (int i = 0; i < 3; ++i, ++sent) ASSERT_TRUE(Get("/health").ok);  // no endpoint
  ASSERT_TRUE(WaitForRequestsCounted("/items/{id}", 12));
  ASSERT_TRUE(WaitForRequestsCounted("/users/{id}", 10));
  ASSERT_TRUE(WaitForRequestsCounted("/orders", 10));
  ASSERT_TRUE(WaitForRequestsCounted("unmatched", 3));
  const auto metrics = Scrape();
  EXPECT_EQ(CaptureDrops(), 0);
  StopProxy();  // flushes the capture
  ASSERT_EQ(LineCount(capture), static_cast<size_t>(sent));

  const OutcomeTable live = LiveOutcomes(metrics);
  // The traffic is what this test means it to be: matches and mismatches on GET and POST.
  ASSERT_EQ(live, (OutcomeTable{{{"/items/{id}", "GET", "match"}, 12},
                                {{"/users/{id}", "GET", "match"}, 5},
                                {{"/users/{id}", "GET", "mismatch"}, 5},
                                {{"/orders", "POST", "match"}, 4},
                                {{"/orders", "POST", "mismatch"}, 2},
                                {{"/orders", "GET", "match"}, 4},
                                {{"unmatched", "GET", "not_shadowed"}, 3}}))
      << Describe(live);

  const std::string config = dir_ + "/replay.yaml";
  std::ofstream(config) << "targets:\n  old: " << old_->url() << "\n  new: " << new_->url() << "\n"
                        << endpoints;
  const size_t old_before = old_->request_count();
  auto replay = [&](std::vector<std::string> extra) -> std::optional<ReplayReport> {
    const std::string report = dir_ + "/report.json";
    std::vector<std::string> args = {"-c",   config,         "--no-progress", "--report",
                                     report, "--fail-above", "100%"};
    args.insert(args.end(), extra.begin(), extra.end());
    args.push_back(capture);
    std::ostringstream out, err;
    const int code = cli::RunReplay(args, out, err);
    EXPECT_EQ(code, 0) << err.str() << out.str();
    auto parsed = ReplayReport::FromJson(ReadAll(report), report);
    if (!parsed.ok()) {
      ADD_FAILURE() << parsed.error().message;
      return std::nullopt;
    }
    return std::move(*parsed);
  };

  const std::optional<ReplayReport> all = replay({});
  ASSERT_TRUE(all.has_value());
  EXPECT_EQ(ReportOutcomes(*all), live) << "replayed:\n"
                                        << Describe(ReportOutcomes(*all)) << "live:\n"
                                        << Describe(live);
  EXPECT_EQ(all->Totals().sent(), static_cast<uint64_t>(sent));
  EXPECT_EQ(all->bad_entries(), 0u);
  EXPECT_EQ(all->unanswered(), 0u);
  EXPECT_EQ(old_->request_count() - old_before, static_cast<size_t>(sent));  // old, not a recording

  // --filter by method: the POSTs alone, with the live POST outcomes.
  const std::optional<ReplayReport> posts = replay({"--filter", "POST *"});
  ASSERT_TRUE(posts.has_value());
  EXPECT_EQ(ReportOutcomes(*posts), LiveOutcomes(metrics, "POST"))
      << Describe(ReportOutcomes(*posts));
  EXPECT_EQ(posts->Totals().sent(), 6u);
}

TEST_F(CaptureTest, CaptureCountsAreOnTheAdminMetrics) {
  const std::string capture = dir_ + "/capture.jsonl.gz";
  ASSERT_TRUE(StartProxy("capture:\n  path: " + capture +
                         "\n  gzip: true\nendpoints:\n  - path: /items/{id}\n"));
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(Get("/items/" + std::to_string(i)).ok);
  // The writer thread writes asynchronously; the scrape mirrors what it has written.
  double written = -1;
  std::string metrics;
  for (int attempt = 0; attempt < 50 && written != 4; ++attempt) {
    HttpResponse r = Admin("GET", "/metrics");
    ASSERT_TRUE(r.ok);
    metrics = r.body;
    written = ::shadowdiff::testing::ParseExposition(metrics)
                  .Value("shadowdiff_capture_written_total", {})
                  .value_or(-1);
    if (written != 4) std::this_thread::sleep_for(100ms);
  }
  EXPECT_EQ(written, 4) << metrics;
  const auto exposition = ::shadowdiff::testing::ParseExposition(metrics);
  for (const char* reason : {"queue_full", "stopped", "write_error"}) {
    EXPECT_EQ(exposition.Value("shadowdiff_capture_dropped_total", {{"reason", reason}}), 0)
        << reason;
  }
  // The fixture's JSONL example store is mirrored the same way.
  EXPECT_TRUE(exposition.Value("shadowdiff_jsonl_store_written_total", {}).has_value());
}

}  // namespace
}  // namespace shadowdiff::test
