// Capture lines (capture_format.h) and the CaptureWriter: what the proxy would write is what
// replay reads back — text and binary bodies, redaction, gzip, rotation, drops when full.
#include "src/store/capture_writer.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "src/core/config_loader.h"
#include "src/core/payload_redactor.h"
#include "src/replay/capture_format.h"
#include "src/replay/capture_reader.h"
#include "src/replay/jsonl_capture_reader.h"
#include "tests/unit/replay/replay_test_util.h"

namespace shadowdiff {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::Pair;

Request MakeRequest() {
  return Request{"POST",
                 "/merchants/7/customers?x=1",
                 {{"Content-Type", "application/json"}, {"Content-Length", "40"}},
                 R"({"name":"a","cvv":"123"})"};
}

TEST(CaptureFormat, RoundTripsThroughTheReader) {
  Request request = MakeRequest();
  Response response;
  response.status = 201;
  response.headers = {{"Content-Type", "application/octet-stream"}};
  response.body = std::string("\x00\xff\x01", 3);
  const auto time = std::chrono::system_clock::time_point(std::chrono::milliseconds(1500));
  const std::string line = FormatCaptureLine(time, request, &response, nullptr);
  EXPECT_THAT(line, HasSubstr(R"("time":"1970-01-01T00:00:01.500Z")"));
  EXPECT_THAT(line, HasSubstr(R"("body_base64":"AP8B")"));
  EXPECT_THAT(line, Not(HasSubstr("Content-Length")));
  auto entry = ParseCaptureLine(line);
  ASSERT_TRUE(entry.ok()) << entry.error().message;
  EXPECT_EQ(entry->time_ms, 1500);
  EXPECT_EQ(entry->request.method, "POST");
  EXPECT_EQ(entry->request.target, "/merchants/7/customers?x=1");
  EXPECT_EQ(entry->request.body, request.body);
  EXPECT_THAT(entry->request.headers,
              ::testing::ElementsAre(Pair("Content-Type", "application/json")));
  ASSERT_TRUE(entry->response);
  EXPECT_EQ(entry->response->status, 201);
  EXPECT_EQ(entry->response->body, response.body);
}

TEST(CaptureFormat, AppliesRedaction) {
  auto config = LoadConfigString("redact: [\"$..cvv\", \"header:x-secret\"]\n", "t.yaml");
  ASSERT_TRUE(config.ok()) << config.error().message;
  PayloadRedactor redactor((*config)->redact);
  Request request = MakeRequest();
  request.headers.emplace_back("X-Secret", "hunter2");
  request.headers.emplace_back("Authorization", "Bearer abc");
  request.body = R"({"name":"a","cvv":"123","card":"4111111111111111"})";
  const std::string line =
      FormatCaptureLine(std::chrono::system_clock::now(), request, nullptr, &redactor);
  EXPECT_THAT(line, Not(HasSubstr("123\"")));
  EXPECT_THAT(line, Not(HasSubstr("hunter2")));
  EXPECT_THAT(line, Not(HasSubstr("Bearer abc")));
  EXPECT_THAT(line, Not(HasSubstr("4111111111111111")));
  EXPECT_TRUE(ParseCaptureLine(line).ok());
}

TEST(CaptureFormat, Utf8Detection) {
  EXPECT_TRUE(IsUtf8Text("héllo €"));
  EXPECT_FALSE(IsUtf8Text(std::string("a\0b", 3)));
  EXPECT_FALSE(IsUtf8Text("\xc3"));          // cut short
  EXPECT_FALSE(IsUtf8Text("\xc0\xaf"));      // overlong
  EXPECT_FALSE(IsUtf8Text("\xed\xa0\x80"));  // surrogate
}

struct Collect : EntryVisitor {
  std::vector<std::string> targets;
  size_t bad = 0;
  bool OnEntry(ReplayEntry&& e) override {
    targets.push_back(e.request.target);
    return true;
  }
  bool OnBadEntry(const BadEntry&) override {
    ++bad;
    return true;
  }
};

std::string Line(int i) {
  Request r{"GET", "/i/" + std::to_string(i), {}, ""};
  return FormatCaptureLine(std::chrono::system_clock::now(), r, nullptr, nullptr);
}

TEST(CaptureWriter, WritesGzipThatReplayReadsBackAcrossRestarts) {
  test::TempDir dir;
  CaptureWriterOptions options;
  options.path = dir.path() + "/capture.jsonl.gz";
  options.gzip = true;
  for (int run = 0; run < 2; ++run) {
    CaptureWriter writer(options);
    ASSERT_TRUE(writer.Start().ok());
    for (int i = 0; i < 100; ++i) EXPECT_TRUE(writer.OfferLine(Line(run * 100 + i)));
    writer.Stop();
    EXPECT_EQ(writer.written(), 100u);
    EXPECT_FALSE(writer.OfferLine(Line(0)));  // stopped: dropped
  }
  Collect c;
  ASSERT_TRUE(ReadCapture(options.path, CaptureFormat::kAuto, c).ok());
  ASSERT_EQ(c.targets.size(), 200u);  // two gzip members read as one stream
  EXPECT_EQ(c.targets.front(), "/i/0");
  EXPECT_EQ(c.targets.back(), "/i/199");
  EXPECT_EQ(c.bad, 0u);
}

TEST(CaptureWriter, FormatsAndRedactsRecordsOnItsThread) {
  test::TempDir dir;
  auto config = LoadConfigString("redact: [\"$..cvv\"]\n", "t.yaml");
  ASSERT_TRUE(config.ok()) << config.error().message;
  CaptureWriterOptions options;
  options.path = dir.path() + "/c.jsonl";
  CaptureWriter writer(options);
  ASSERT_TRUE(writer.Start().ok());
  CaptureRecord record;
  record.time = std::chrono::system_clock::now();
  record.request = MakeRequest();
  record.response = Response{200, {{"Content-Type", "application/json"}}, R"({"ok":true})"};
  record.redactor = std::make_shared<PayloadRedactor>((*config)->redact);
  ASSERT_TRUE(writer.Offer(std::move(record)));
  writer.Stop();
  std::ifstream in(options.path);
  std::string line;
  ASSERT_TRUE(std::getline(in, line));
  EXPECT_THAT(line, Not(HasSubstr("cvv")));
  auto entry = ParseCaptureLine(line);
  ASSERT_TRUE(entry.ok()) << entry.error().message;
  EXPECT_EQ(entry->request.target, "/merchants/7/customers?x=1");
  EXPECT_EQ(entry->response->body, R"({"ok":true})");
}

TEST(CaptureWriter, RotatesBySizeAndKeepsNFiles) {
  test::TempDir dir;
  CaptureWriterOptions options;
  options.path = dir.path() + "/c.jsonl";
  options.max_file_bytes = 1000;
  options.keep_files = 2;
  CaptureWriter writer(options);
  ASSERT_TRUE(writer.Start().ok());
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(writer.OfferLine(Line(i)));
    if (i % 10 == 9) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  writer.Stop();
  EXPECT_GT(writer.rotations(), 2u);
  EXPECT_TRUE(std::filesystem::exists(options.path + ".1"));
  EXPECT_TRUE(std::filesystem::exists(options.path + ".2"));
  EXPECT_FALSE(std::filesystem::exists(options.path + ".3"));
  EXPECT_LE(std::filesystem::file_size(options.path + ".1"), 1000u + 200u);
  Collect newest;
  ASSERT_TRUE(ReadCapture(options.path, CaptureFormat::kAuto, newest).ok());
  ASSERT_FALSE(newest.targets.empty());
  EXPECT_EQ(newest.targets.back(), "/i/99");
}

TEST(CaptureWriter, DropsAndCountsWhenTheQueueIsFull) {
  test::TempDir dir;
  CaptureWriterOptions options;
  options.path = dir.path() + "/c.jsonl";
  options.queue_lines = 1;
  CaptureWriter writer(options);
  ASSERT_TRUE(writer.Start().ok());
  size_t accepted = 0;
  for (int i = 0; i < 5000; ++i) accepted += writer.OfferLine(Line(i)) ? 1 : 0;
  writer.Stop();
  EXPECT_EQ(writer.written(), accepted);
  EXPECT_EQ(writer.dropped(), 5000u - accepted);
  EXPECT_GT(writer.dropped(), 0u);
  EXPECT_EQ(writer.stats().dropped_queue_full, 5000u - accepted);
  EXPECT_FALSE(writer.OfferLine(Line(0)));  // after Stop
  const CaptureWriter::Stats stats = writer.stats();
  EXPECT_EQ(stats.dropped_stopped, 1u);
  EXPECT_EQ(stats.dropped_write_error, 0u);
  EXPECT_EQ(stats.written, accepted);
}

// Regression: taking a batch to write reset the byte count, so while the writer was busy
// with one batch a full queue's worth more could be accepted (about twice queue_bytes held).
// The capture file is a FIFO nobody reads yet: the writer blocks in the middle of its first
// line, which must still count against the bound.
TEST(CaptureWriter, ByteBoundCoversTheBatchBeingWritten) {
  test::TempDir dir;
  CaptureWriterOptions options;
  options.path = dir.path() + "/c.fifo";
  ASSERT_EQ(::mkfifo(options.path.c_str(), 0600), 0) << std::strerror(errno);
  const int reader = ::open(options.path.c_str(), O_RDONLY | O_NONBLOCK);
  ASSERT_GE(reader, 0) << std::strerror(errno);
  // Lines longer than a pipe's buffer (64 KiB) plus stdio's: writing one blocks until read.
  options.queue_bytes = 300 << 10;
  const std::string first(200 << 10, 'a'), second(200 << 10, 'b'), third(50 << 10, 'c');
  CaptureWriter writer(options);
  ASSERT_TRUE(writer.Start().ok());
  ASSERT_TRUE(writer.OfferLine(first));
  pollfd p{reader, POLLIN, 0};
  // EXPECT, not ASSERT: whatever happens, the FIFO is drained below so Stop() can finish.
  EXPECT_EQ(::poll(&p, 1, 10000), 1) << "the writer never started writing";

  // The first line is taken but not written: 200 KiB held, so 200 more do not fit; 50 do.
  EXPECT_FALSE(writer.OfferLine(second));
  EXPECT_TRUE(writer.OfferLine(third));

  std::string got;
  std::thread drain([&] {
    const auto until = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    char chunk[65536];
    while (std::chrono::steady_clock::now() < until) {
      pollfd q{reader, POLLIN, 0};
      if (::poll(&q, 1, 100) <= 0) continue;
      const ssize_t n = ::read(reader, chunk, sizeof chunk);
      if (n == 0) break;  // the writer closed the file
      if (n > 0) got.append(chunk, static_cast<size_t>(n));
    }
  });
  writer.Stop();
  drain.join();
  ::close(reader);
  EXPECT_EQ(got, first + "\n" + third + "\n");
  EXPECT_EQ(writer.stats().written, 2u);
  EXPECT_EQ(writer.stats().dropped_queue_full, 1u);
}

TEST(CaptureWriter, UnwritablePathIsAClearError) {
  CaptureWriterOptions options;
  options.path = "/nonexistent-dir/c.jsonl";
  CaptureWriter writer(options);
  Status s = writer.Start();
  ASSERT_FALSE(s.ok());
  EXPECT_THAT(s.error().message, HasSubstr("/nonexistent-dir/c.jsonl"));
}

}  // namespace
}  // namespace shadowdiff
