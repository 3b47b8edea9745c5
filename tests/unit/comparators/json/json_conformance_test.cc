// Parser conformance over nst/JSONTestSuite (../shared/testdata/JSONTestSuite/test_parsing):
// every y_* file is accepted, every n_* file rejected, and every file (i_* included) is
// processed by ValidateJson and JsonDiffer without crashing. Skipped where the shared test
// data is absent (a user's own clone); the unit and golden tests cover the same ground.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "comparators/json/json_differ.h"

namespace shadowdiff {
namespace {

namespace fs = std::filesystem;

const fs::path kSuiteDir = fs::path(SHADOWDIFF_SHARED_TESTDATA) / "JSONTestSuite" / "test_parsing";

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

TEST(JsonConformance, JsonTestSuiteParsing) {
  if (!fs::is_directory(kSuiteDir)) {
    GTEST_SKIP() << "JSONTestSuite not found at " << kSuiteDir
                 << " (expected ../shared/testdata beside the project)";
  }
  JsonScratch scratch;
  const JsonDiffer differ{CompareRules()};
  size_t accepted = 0, rejected = 0, either = 0;
  for (const auto& entry : fs::directory_iterator(kSuiteDir)) {
    const std::string name = entry.path().filename().string();
    const std::string text = ReadFile(entry.path());
    const Status status = ValidateJson(text, 128, scratch);
    if (name.rfind("y_", 0) == 0) {
      EXPECT_TRUE(status.ok()) << name << ": " << (status.ok() ? "" : status.error().message);
      ++accepted;
    } else if (name.rfind("n_", 0) == 0) {
      EXPECT_FALSE(status.ok()) << name << " was accepted";
      ++rejected;
    } else {
      ++either;
    }
    // The differ must survive every file on either side.
    Comparison c;
    differ.Compare(text, "[1]", scratch, &c);
    Comparison d;
    differ.Compare(text, text, scratch, &d);
    EXPECT_EQ(status.ok(), d.problem == BodyProblem::kNone) << name;
  }
  EXPECT_EQ(accepted, 95u);
  EXPECT_EQ(rejected, 188u);
  EXPECT_EQ(either, 35u);
}

}  // namespace
}  // namespace shadowdiff
