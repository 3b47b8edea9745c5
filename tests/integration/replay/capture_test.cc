// capture: end to end — the proxy writes what it relays (redacted) to a JSONL capture, and
// `shadowdiff replay` reads that capture back and replays it.
#include <algorithm>
#include <fstream>
#include <sstream>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "src/cli/commands.h"
#include "tests/integration/proxy/proxy_fixture.h"

namespace shadowdiff::test {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class CaptureTest : public ProxyFixture {};

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
