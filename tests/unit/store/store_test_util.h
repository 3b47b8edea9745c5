// Helpers for the store tests: records with chosen metadata, inputs for records built on
// demand, a temporary directory, and reading a file's lines.
#ifndef SHADOWDIFF_TESTS_UNIT_STORE_STORE_TEST_UTIL_H_
#define SHADOWDIFF_TESTS_UNIT_STORE_STORE_TEST_UTIL_H_

#include <gtest/gtest.h>
#include <stdlib.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "src/core/example_record.h"
#include "src/core/pending_example.h"

namespace shadowdiff::testing {

inline std::chrono::system_clock::time_point Hour(int h) {
  return std::chrono::system_clock::time_point(std::chrono::hours(490000 + h));
}

// A record of `endpoint` differing in `fields` (none: an error outcome), whose JSON is
// {"n":<n>,"pad":"xxx..."} padded to about `bytes` bytes.
inline std::shared_ptr<const ExampleRecord> MakeRecord(
    int n, std::string endpoint = "/a", std::vector<std::string> fields = {"$.x"},
    std::chrono::system_clock::time_point time = Hour(0), size_t bytes = 40,
    Outcome outcome = Outcome::kMismatch) {
  auto record = std::make_shared<ExampleRecord>();
  record->time = time;
  record->endpoint = std::move(endpoint);
  record->method = "GET";
  record->outcome = outcome;
  record->fields = std::move(fields);
  record->json = "{\"n\":" + std::to_string(n) + ",\"pad\":\"";
  if (record->json.size() + 2 < bytes) record->json.append(bytes - record->json.size() - 2, 'x');
  record->json += "\"}";
  return record;
}

// What a mismatch on `endpoint` in `field` builds a record from, for PendingExample.
struct MismatchInput {
  explicit MismatchInput(std::string endpoint_label = "/a", std::string field = "$.x")
      : endpoint(std::move(endpoint_label)) {
    request.method = "GET";
    request.target = endpoint;
    comparison.diffs.push_back(Diff{field, DiffKind::kValue, "1", "2"});
  }
  ExampleInput Input() const {
    ExampleInput input;
    input.time = Hour(0);
    input.endpoint = endpoint;
    input.request = &request;
    input.comparison = &comparison;
    return input;
  }
  std::string endpoint;
  Request request;
  Comparison comparison;
};

// A fresh directory under the test temp dir, removed with the object.
class TempDir {
 public:
  TempDir() {
    std::string pattern = ::testing::TempDir() + "shadowdiff_store_XXXXXX";
    std::vector<char> buf(pattern.begin(), pattern.end());
    buf.push_back('\0');
    char* made = ::mkdtemp(buf.data());
    EXPECT_NE(made, nullptr);
    path_ = made != nullptr ? made : "";
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline std::vector<std::string> ReadLines(const std::string& path) {
  std::vector<std::string> lines;
  std::ifstream in(path);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

}  // namespace shadowdiff::testing

#endif  // SHADOWDIFF_TESTS_UNIT_STORE_STORE_TEST_UTIL_H_
