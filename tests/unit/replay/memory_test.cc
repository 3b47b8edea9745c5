// The readers stream: a capture of ~100 MB (JSONL, gzip JSONL, HAR) is read with bounded
// memory. Each file is generated in the test, streaming, and VmHWM (peak resident set) is
// compared before and after reading. (~100 MB rather than GBs keeps the suite fast; the
// readers hold one line / one entry at a time whatever the size.)
#include <zlib.h>

#include <fstream>
#include <string>

#include <gtest/gtest.h>

#include "src/replay/capture_reader.h"
#include "tests/unit/replay/replay_test_util.h"

#if defined(__SANITIZE_ADDRESS__)  // GCC
#define SHADOWDIFF_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)  // clang
#define SHADOWDIFF_TEST_ASAN 1
#endif
#endif

#if defined(SHADOWDIFF_TEST_ASAN)
// ASan keeps freed memory in a quarantine (256 MiB by default), which shows up as peak RSS;
// a small quarantine keeps the measurement about the readers.
extern "C" const char* __asan_default_options() {
  return "quarantine_size_mb=8:thread_local_quarantine_size_kb=64";
}
#endif

namespace shadowdiff {
namespace {

constexpr size_t kTargetBytes = 100 << 20;
constexpr long kMaxGrowthKb = 64 << 10;  // 64 MiB

long PeakRssKb() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmHWM:", 0) == 0) return std::stol(line.substr(6));
  }
  return -1;
}

struct CountingVisitor : EntryVisitor {
  uint64_t entries = 0, bad = 0, body_bytes = 0;
  bool OnEntry(ReplayEntry&& e) override {
    ++entries;
    body_bytes += e.request.body.size();
    return true;
  }
  bool OnBadEntry(const BadEntry&) override {
    ++bad;
    return true;
  }
};

std::string Line(size_t i, const std::string& pad) {
  return "{\"time\":\"2026-11-22T20:01:02.123Z\",\"method\":\"POST\",\"target\":\"/items/" +
         std::to_string(i) + "\",\"headers\":[[\"Content-Type\",\"text/plain\"]],\"body\":\"" +
         pad + "\",\"response\":{\"status\":200,\"body\":\"" + pad + "\"}}\n";
}

TEST(ReplayMemory, JsonlPlainAndGzipStreamInBoundedMemory) {
  test::TempDir dir;
  const std::string pad(4000, 'x');
  const std::string plain = dir.path() + "/big.jsonl";
  const std::string gz = dir.path() + "/big.jsonl.gz";
  size_t lines = 0;
  {
    std::ofstream out(plain, std::ios::binary);
    gzFile z = gzopen(gz.c_str(), "wb1");
    size_t written = 0;
    while (written < kTargetBytes) {
      const std::string l = Line(lines++, pad);
      out << l;
      gzwrite(z, l.data(), static_cast<unsigned>(l.size()));
      written += l.size();
    }
    gzclose(z);
  }
  for (const std::string& path : {plain, gz}) {
    const long before = PeakRssKb();
    CountingVisitor v;
    ASSERT_TRUE(ReadCapture(path, CaptureFormat::kAuto, v).ok());
    EXPECT_EQ(v.entries, lines);
    EXPECT_EQ(v.bad, 0u);
    EXPECT_EQ(v.body_bytes, lines * pad.size());
    EXPECT_LT(PeakRssKb() - before, kMaxGrowthKb) << path;
  }
}

TEST(ReplayMemory, HarStreamsOneEntryAtATime) {
  test::TempDir dir;
  const std::string path = dir.path() + "/big.har";
  const std::string pad(4000, 'y');
  size_t entries = 0;
  {
    std::ofstream out(path, std::ios::binary);
    out << "{\"log\":{\"version\":\"1.2\",\"entries\":[";
    size_t written = 0;
    while (written < kTargetBytes) {
      std::string e = std::string(entries > 0 ? "," : "") +
                      "{\"startedDateTime\":\"2026-11-22T20:01:02Z\",\"request\":{\"method\":"
                      "\"POST\",\"url\":\"http://h/items/" +
                      std::to_string(entries) +
                      "\",\"headers\":[],\"postData\":{\"mimeType\":\"text/plain\",\"text\":\"" +
                      pad + "\"}},\"response\":{\"status\":200,\"headers\":[],\"content\":{" +
                      "\"text\":\"" + pad + "\"}}}";
      out << e;
      written += e.size();
      ++entries;
    }
    out << "]}}";
  }
  const long before = PeakRssKb();
  CountingVisitor v;
  ASSERT_TRUE(ReadCapture(path, CaptureFormat::kAuto, v).ok());
  EXPECT_EQ(v.entries, entries);
  EXPECT_EQ(v.bad, 0u);
  EXPECT_LT(PeakRssKb() - before, kMaxGrowthKb);
}

}  // namespace
}  // namespace shadowdiff
