#include "src/store/jsonl_sink.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <thread>
#include <vector>

#include "tests/unit/store/store_test_util.h"

namespace shadowdiff {
namespace {

using testing::Hour;
using testing::MakeRecord;
using testing::ReadLines;
using testing::TempDir;

JsonlSink::Options Unbudgeted(std::string path) {
  JsonlSink::Options o;
  o.path = std::move(path);
  o.budget.per_field = 0;
  o.budget.per_endpoint = 0;
  return o;
}

int NumberOf(const std::string& line) {
  rapidjson::Document doc;
  doc.Parse(line.data(), line.size());
  EXPECT_FALSE(doc.HasParseError()) << line;
  return doc.HasParseError() ? -1 : doc["n"].GetInt();
}

TEST(JsonlSinkTest, WritesOneLinePerRecordAndFlushesOnStop) {
  TempDir dir;
  std::string path = dir.path() + "/var/deeper/mismatches.jsonl";  // parents are created
  JsonlSink sink(Unbudgeted(path));
  ASSERT_TRUE(sink.Start().ok());
  for (int i = 0; i < 3; ++i) sink.Offer(MakeRecord(i));
  sink.Stop();
  std::vector<std::string> lines = ReadLines(path);
  ASSERT_EQ(lines.size(), 3u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(NumberOf(lines[i]), i);
  EXPECT_EQ(sink.stats().written, 3u);
  EXPECT_EQ(sink.stats().offered, 3u);
}

TEST(JsonlSinkTest, AppendsToAnExistingFile) {
  TempDir dir;
  std::string path = dir.path() + "/m.jsonl";
  std::ofstream(path) << "{\"n\":100}\n";
  JsonlSink sink(Unbudgeted(path));
  ASSERT_TRUE(sink.Start().ok());
  sink.Offer(MakeRecord(1));
  sink.Stop();
  std::vector<std::string> lines = ReadLines(path);
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(NumberOf(lines[0]), 100);
  EXPECT_EQ(NumberOf(lines[1]), 1);
}

TEST(JsonlSinkTest, RotatesBySizeAndKeepsKFiles) {
  TempDir dir;
  std::string path = dir.path() + "/m.jsonl";
  JsonlSink::Options options = Unbudgeted(path);
  options.max_file_bytes = 1000;
  options.keep_files = 2;
  JsonlSink sink(options);
  ASSERT_TRUE(sink.Start().ok());
  // 30 records of 300 bytes (+ newline): 3 per file, 10 files' worth.
  for (int i = 0; i < 30; ++i) sink.Offer(MakeRecord(i, "/a", {"$.x"}, Hour(0), 300));
  sink.Stop();
  namespace fs = std::filesystem;
  ASSERT_TRUE(fs::exists(path));
  ASSERT_TRUE(fs::exists(path + ".1"));
  ASSERT_TRUE(fs::exists(path + ".2"));
  EXPECT_FALSE(fs::exists(path + ".3"));
  for (const std::string& p : {path, path + ".1", path + ".2"})
    EXPECT_LE(fs::file_size(p), 1000u) << p;
  // The newest records survive, in order, oldest file first.
  std::vector<int> kept;
  for (const std::string& p : {path + ".2", path + ".1", path}) {
    for (const std::string& line : ReadLines(p)) kept.push_back(NumberOf(line));
  }
  std::vector<int> want;
  for (int i = 21; i < 30; ++i) want.push_back(i);
  EXPECT_EQ(kept, want);
  EXPECT_EQ(sink.stats().rotations, 9u);
  EXPECT_EQ(sink.stats().written, 30u);
}

TEST(JsonlSinkTest, ALineLargerThanTheCapGetsAFileOfItsOwn) {
  TempDir dir;
  std::string path = dir.path() + "/m.jsonl";
  JsonlSink::Options options = Unbudgeted(path);
  options.max_file_bytes = 100;
  options.keep_files = 1;
  JsonlSink sink(options);
  ASSERT_TRUE(sink.Start().ok());
  sink.Offer(MakeRecord(1, "/a", {"$.x"}, Hour(0), 50));
  sink.Offer(MakeRecord(2, "/a", {"$.x"}, Hour(0), 500));
  sink.Stop();
  ASSERT_EQ(ReadLines(path).size(), 1u);
  EXPECT_EQ(NumberOf(ReadLines(path)[0]), 2);
  EXPECT_EQ(NumberOf(ReadLines(path + ".1")[0]), 1);
}

TEST(JsonlSinkTest, PerFieldBudgetStopsAFlood) {
  TempDir dir;
  std::string path = dir.path() + "/m.jsonl";
  JsonlSink::Options options = Unbudgeted(path);
  options.budget.per_field = 20;
  JsonlSink sink(options);
  ASSERT_TRUE(sink.Start().ok());
  for (int i = 0; i < 1000; ++i) sink.Offer(MakeRecord(i, "/a", {"$.amount"}));
  sink.Offer(MakeRecord(5000, "/a", {"$.currency"}));  // a different difference still lands
  for (int i = 0; i < 5; ++i) sink.Offer(MakeRecord(6000 + i, "/a", {"$.amount"}, Hour(1)));
  sink.Stop();
  std::vector<std::string> lines = ReadLines(path);
  ASSERT_EQ(lines.size(), 26u);
  EXPECT_EQ(NumberOf(lines[19]), 19);
  EXPECT_EQ(NumberOf(lines[20]), 5000);
  EXPECT_EQ(NumberOf(lines[21]), 6000);  // the next hour has a fresh budget
  EXPECT_EQ(sink.stats().dropped_budget, 980u);
}

TEST(JsonlSinkTest, BuildsOnlyTheRecordsItsBudgetAdmits) {
  TempDir dir;
  std::string path = dir.path() + "/m.jsonl";
  JsonlSink::Options options = Unbudgeted(path);
  options.budget.per_field = 2;
  JsonlSink sink(options);
  ASSERT_TRUE(sink.Start().ok());
  testing::MismatchInput input("/a", "$.amount");
  std::vector<bool> built;
  for (int i = 0; i < 5; ++i) {
    PendingExample example(input.Input(), ExampleLimits{}, nullptr);
    sink.Offer(example);
    built.push_back(example.built());
  }
  sink.Stop();
  EXPECT_EQ(built, (std::vector<bool>{true, true, false, false, false}));
  EXPECT_EQ(ReadLines(path).size(), 2u);
  EXPECT_EQ(sink.stats().dropped_budget, 3u);
  EXPECT_EQ(sink.stats().offered, 5u);
}

TEST(JsonlSinkTest, DropsAndCountsWhenTheQueueIsFull) {
  TempDir dir;
  std::string path = dir.path() + "/m.jsonl";
  JsonlSink::Options options = Unbudgeted(path);
  options.queue_records = 3;
  JsonlSink sink(options);
  // Not started yet: the writer is not draining, so the queue fills deterministically.
  for (int i = 0; i < 5; ++i) sink.Offer(MakeRecord(i));
  EXPECT_EQ(sink.queue_depth(), 3u);
  EXPECT_EQ(sink.stats().dropped_queue_full, 2u);
  ASSERT_TRUE(sink.Start().ok());
  sink.Stop();
  std::vector<std::string> lines = ReadLines(path);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(NumberOf(lines[2]), 2);
}

TEST(JsonlSinkTest, QueueIsAlsoBoundedInBytes) {
  TempDir dir;
  JsonlSink::Options options = Unbudgeted(dir.path() + "/m.jsonl");
  options.queue_bytes = 1000;
  JsonlSink sink(options);
  for (int i = 0; i < 5; ++i) sink.Offer(MakeRecord(i, "/a", {"$.x"}, Hour(0), 400));
  EXPECT_EQ(sink.queue_depth(), 2u);
  EXPECT_EQ(sink.stats().dropped_queue_full, 3u);
}

TEST(JsonlSinkTest, StartFailureNamesThePathAndDropsEverything) {
  TempDir dir;
  std::string blocker = dir.path() + "/not_a_dir";
  std::ofstream(blocker) << "x";
  JsonlSink sink(Unbudgeted(blocker + "/m.jsonl"));
  sink.Offer(MakeRecord(1));
  Status started = sink.Start();
  ASSERT_FALSE(started.ok());
  EXPECT_NE(started.error().message.find(blocker), std::string::npos) << started.error().message;
  sink.Offer(MakeRecord(2));
  sink.Stop();
  EXPECT_EQ(sink.stats().dropped_stopped, 2u);
  EXPECT_EQ(sink.stats().written, 0u);
}

TEST(JsonlSinkTest, OffersAfterStopAreDropped) {
  TempDir dir;
  JsonlSink sink(Unbudgeted(dir.path() + "/m.jsonl"));
  ASSERT_TRUE(sink.Start().ok());
  sink.Stop();
  sink.Offer(MakeRecord(1));
  sink.Stop();  // idempotent
  EXPECT_EQ(sink.stats().dropped_stopped, 1u);
}

TEST(JsonlSinkTest, ConcurrentOffersAreAllAccountedFor) {
  TempDir dir;
  std::string path = dir.path() + "/m.jsonl";
  JsonlSink::Options options = Unbudgeted(path);
  options.queue_records = 64;
  JsonlSink sink(options);
  ASSERT_TRUE(sink.Start().ok());
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 1000; ++i) sink.Offer(MakeRecord(t * 1000 + i));
    });
  }
  for (auto& t : threads) t.join();
  sink.Stop();
  JsonlSink::Stats stats = sink.stats();
  EXPECT_EQ(stats.offered, 4000u);
  EXPECT_EQ(stats.written + stats.dropped_queue_full, 4000u);
  std::vector<std::string> lines = ReadLines(path);
  EXPECT_EQ(lines.size(), stats.written);
  for (const std::string& line : lines) EXPECT_GE(NumberOf(line), 0);  // whole lines only
}

}  // namespace
}  // namespace shadowdiff
