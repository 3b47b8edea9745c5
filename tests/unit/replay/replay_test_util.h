// Helpers for the replay unit tests: temp files (plain or gzip) and a visitor that records
// what a capture reader delivered.
#ifndef SHADOWDIFF_TESTS_UNIT_REPLAY_REPLAY_TEST_UTIL_H_
#define SHADOWDIFF_TESTS_UNIT_REPLAY_REPLAY_TEST_UTIL_H_

#include <unistd.h>
#include <zlib.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "src/replay/replay_entry.h"

namespace shadowdiff::test {

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/shadowdiff-replay-test-XXXXXX";
    path_ = ::mkdtemp(tmpl);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  std::string Write(const std::string& name, const std::string& content) const {
    std::string p = path_ + "/" + name;
    std::ofstream(p, std::ios::binary) << content;
    return p;
  }
  std::string WriteGzip(const std::string& name, const std::string& content) const {
    std::string p = path_ + "/" + name;
    gzFile f = gzopen(p.c_str(), "wb");
    gzwrite(f, content.data(), static_cast<unsigned>(content.size()));
    gzclose(f);
    return p;
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

struct RecordingVisitor : EntryVisitor {
  std::vector<ReplayEntry> entries;
  std::vector<BadEntry> bad;
  size_t stop_after = SIZE_MAX;  // entries + bad entries
  bool OnEntry(ReplayEntry&& e) override {
    entries.push_back(std::move(e));
    return entries.size() + bad.size() < stop_after;
  }
  bool OnBadEntry(const BadEntry& b) override {
    bad.push_back(b);
    return entries.size() + bad.size() < stop_after;
  }
};

}  // namespace shadowdiff::test

#endif  // SHADOWDIFF_TESTS_UNIT_REPLAY_REPLAY_TEST_UTIL_H_
