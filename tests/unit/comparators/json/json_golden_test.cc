// Golden cases: tests/testdata/golden/json/<case>/{old.json,new.json,rules.json?,expected.txt}.
// expected.txt holds one line per Diff, "path kind old new" (absent values as `-`), then
// "truncated" and "problem <name> <side>" lines when those apply (json_test_support.h).
//
// rules.json (optional) is a small JSON encoding of CompareRules:
//   {"ignore": ["$..ts"], "arrays": "ordered" | "unordered" | {"by_key": "id"}
//      | {"<path>": <mode>, ...} (per-path overrides), "tolerance": 0.01, "max_diffs": 10,
//    "max_depth": 64}
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "tests/unit/comparators/json/json_test_support.h"

namespace shadowdiff {
namespace {

namespace fs = std::filesystem;

const fs::path kGoldenDir = fs::path(SHADOWDIFF_TESTDATA) / "golden" / "json";

std::string ReadFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

bool ParseMode(const rapidjson::Value& v, ArrayRule* rule) {
  if (v.IsString()) {
    const std::string mode = v.GetString();
    if (mode == "ordered")
      rule->mode = ArrayMode::kOrdered;
    else if (mode == "unordered")
      rule->mode = ArrayMode::kUnordered;
    else
      return false;
    return true;
  }
  if (v.IsObject() && v.HasMember("by_key") && v["by_key"].IsString()) {
    rule->mode = ArrayMode::kByKey;
    rule->key = v["by_key"].GetString();
    return true;
  }
  return false;
}

// Reads rules.json into *rules; an empty or absent file means the defaults.
::testing::AssertionResult ReadRules(const fs::path& file, CompareRules* rules) {
  if (!fs::exists(file)) return ::testing::AssertionSuccess();
  rapidjson::Document doc;
  const std::string text = ReadFile(file);
  doc.Parse(text.c_str(), text.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    return ::testing::AssertionFailure() << file << " is not a JSON object";
  }
  if (doc.HasMember("ignore")) {
    for (const auto& p : doc["ignore"].GetArray()) {
      Result<JsonPath> path = JsonPath::Parse(p.GetString());
      if (!path.ok()) return ::testing::AssertionFailure() << path.error().message;
      rules->ignore.push_back(*path);
    }
  }
  if (doc.HasMember("arrays")) {
    const rapidjson::Value& arrays = doc["arrays"];
    if (!ParseMode(arrays, &rules->arrays)) {
      if (!arrays.IsObject()) return ::testing::AssertionFailure() << "bad arrays in " << file;
      for (const auto& m : arrays.GetObject()) {
        Result<JsonPath> path = JsonPath::Parse(m.name.GetString());
        ArrayRule rule;
        if (!path.ok() || !ParseMode(m.value, &rule)) {
          return ::testing::AssertionFailure() << "bad array override in " << file;
        }
        rules->array_overrides.emplace_back(*path, rule);
      }
    }
  }
  if (doc.HasMember("tolerance")) rules->number_tolerance = doc["tolerance"].GetDouble();
  if (doc.HasMember("max_diffs")) rules->max_diffs = doc["max_diffs"].GetUint();
  if (doc.HasMember("max_depth")) rules->max_depth = doc["max_depth"].GetUint();
  return ::testing::AssertionSuccess();
}

std::vector<std::string> ExpectedLines(const fs::path& file) {
  std::vector<std::string> lines;
  std::istringstream in(ReadFile(file));
  for (std::string line; std::getline(in, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  return lines;
}

std::vector<std::string> GoldenCases() {
  std::vector<std::string> cases;
  if (!fs::is_directory(kGoldenDir)) return cases;
  for (const auto& entry : fs::directory_iterator(kGoldenDir)) {
    if (entry.is_directory()) cases.push_back(entry.path().filename().string());
  }
  std::sort(cases.begin(), cases.end());
  return cases;
}

class JsonGolden : public ::testing::TestWithParam<std::string> {};

TEST_P(JsonGolden, MatchesExpected) {
  const fs::path dir = kGoldenDir / GetParam();
  ASSERT_TRUE(fs::exists(dir / "old.json")) << dir;
  ASSERT_TRUE(fs::exists(dir / "new.json")) << dir;
  ASSERT_TRUE(fs::exists(dir / "expected.txt")) << dir;
  CompareRules rules;
  ASSERT_TRUE(ReadRules(dir / "rules.json", &rules));
  const std::vector<std::string> actual =
      testing::Lines(ReadFile(dir / "old.json"), ReadFile(dir / "new.json"), rules);
  EXPECT_EQ(actual, ExpectedLines(dir / "expected.txt")) << "golden case " << dir;
}

INSTANTIATE_TEST_SUITE_P(Cases, JsonGolden, ::testing::ValuesIn(GoldenCases()),
                         [](const ::testing::TestParamInfo<std::string>& info) {
                           std::string name = info.param;
                           for (char& c : name) {
                             if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
                           }
                           return name;
                         });

TEST(JsonGoldenSet, HasAtLeastFifteenCases) { EXPECT_GE(GoldenCases().size(), 15u) << kGoldenDir; }

}  // namespace
}  // namespace shadowdiff
