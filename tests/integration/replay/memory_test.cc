// `shadowdiff replay` of a multi-hundred-MB capture runs in bounded memory: the real binary, as
// a child process, replays a ~300 MiB generated JSONL capture (1,200 entries whose recorded
// responses are 256 KiB each) with --against-recorded against a FakeUpstream, and its peak
// resident set (wait4's ru_maxrss) stays far below the capture's size. The outcome counts are
// checked too, so a replay that skipped the entries could not pass.
//
// Plain builds only (label sanitizer_skip): a sanitizer's allocator quarantine and shadow
// memory would be measured instead of replay.
#include <fcntl.h>
#include <spawn.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "tests/integration/fake_upstream.h"

extern char** environ;

namespace shadowdiff::test {
namespace {

using ::testing::HasSubstr;

constexpr size_t kBodyBytes = 256 << 10;
constexpr size_t kEntries = 1200;          // ~300 MiB of capture
constexpr size_t kMismatchEvery = 100;     // these entries' recorded body differs
constexpr long kMaxPeakRssKb = 128 << 10;  // 128 MiB, well below the capture's ~300 MiB

struct ChildResult {
  int exit_code = -1;
  long max_rss_kb = -1;
  std::string out;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Runs `argv` with stdout and stderr to `log`; waits at most as long as the test's ctest
// TIMEOUT (replay's own request timeouts end it earlier).
ChildResult RunChild(const std::vector<std::string>& argv, const std::string& log) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  pid_t pid = -1;
  ChildResult result;
  const int rc = posix_spawn(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) return result;
  int status = 0;
  struct rusage usage {};
  if (::wait4(pid, &status, 0, &usage) != pid) return result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  result.max_rss_kb = usage.ru_maxrss;  // kilobytes on Linux
  result.out = ReadFile(log);
  return result;
}

TEST(ReplayMemoryEndToEnd, ThreeHundredMegabyteCaptureReplaysInBoundedMemory) {
  char tmpl[] = "/tmp/shadowdiff-replay-memory-XXXXXX";
  const std::string dir = ::mkdtemp(tmpl);
  struct Cleanup {
    std::string dir;
    ~Cleanup() {
      std::error_code ec;
      std::filesystem::remove_all(dir, ec);
    }
  } cleanup{dir};

  // The new side answers every request with the same 256 KiB text.
  std::string body(kBodyBytes, 'a');
  for (size_t i = 0; i < body.size(); i += 61) body[i] = static_cast<char>('b' + i % 23);
  FakeUpstream fresh(FakeReply::Text(200, body));

  const std::string capture = dir + "/big.jsonl";
  uint64_t capture_bytes = 0;
  {
    std::ofstream out(capture, std::ios::binary);
    std::string other = body;
    other[kBodyBytes / 2] = 'Z';
    for (size_t i = 0; i < kEntries; ++i) {
      const std::string line =
          "{\"time\":\"2026-11-23T03:00:00.000Z\",\"method\":\"GET\",\"target\":\"/blob/" +
          std::to_string(i) +
          "\",\"headers\":[],\"response\":{\"status\":200,\"headers\":[[\"Content-Type\","
          "\"text/plain\"]],\"body\":\"" +
          (i % kMismatchEvery == 0 ? other : body) + "\"}}\n";
      out << line;
      capture_bytes += line.size();
    }
    ASSERT_TRUE(out.good());
  }
  ASSERT_GT(capture_bytes, uint64_t{300} << 20);

  const std::string config = dir + "/replay.yaml";
  std::ofstream(config) << "targets:\n  new: " << fresh.url()
                        << "\nendpoints:\n  - path: /blob/{id}\n    methods: [GET]\n";
  const std::string report = dir + "/report.json";
  ChildResult r =
      RunChild({SHADOWDIFF_BIN, "replay", "-c", config, "--against-recorded", "--no-progress",
                "--concurrency", "8", "--fail-above", "2%", "--report", report, capture},
               dir + "/replay.log");

  ASSERT_EQ(r.exit_code, 0) << r.out;
  const size_t mismatches = (kEntries + kMismatchEvery - 1) / kMismatchEvery;
  EXPECT_THAT(r.out, HasSubstr("(" + std::to_string(mismatches) + " failing of " +
                               std::to_string(kEntries) + " shadowed"))
      << r.out;
  EXPECT_EQ(fresh.request_count(), kEntries);
  EXPECT_GT(r.max_rss_kb, 0);
  EXPECT_LT(r.max_rss_kb, kMaxPeakRssKb)
      << "peak RSS " << r.max_rss_kb / 1024 << " MiB replaying a " << (capture_bytes >> 20)
      << " MiB capture";
  std::printf("replayed a %llu MiB capture (%zu entries) with a peak RSS of %ld MiB\n",
              static_cast<unsigned long long>(capture_bytes >> 20), kEntries, r.max_rss_kb / 1024);
}

}  // namespace
}  // namespace shadowdiff::test
