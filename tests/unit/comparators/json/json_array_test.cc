// The three array modes, and how they interact with ignore rules and overrides.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/unit/comparators/json/json_test_support.h"

namespace shadowdiff {
namespace {

using testing::Lines;
using testing::PathOf;
using V = std::vector<std::string>;

CompareRules Mode(ArrayMode mode, std::string key = "") {
  CompareRules rules;
  rules.arrays = ArrayRule{mode, std::move(key)};
  return rules;
}

TEST(JsonArrays, OrderedComparesIndexByIndex) {
  EXPECT_EQ(Lines("[1,2,3]", "[1,3]"), (V{"$[1] value 2 3", "$[2] missing 3 -"}));
  EXPECT_EQ(Lines("[1]", "[1,2,{}]"), (V{"$[1] extra - 2", "$[2] extra - {}"}));
  EXPECT_EQ(Lines("[1,2]", "[2,1]"), (V{"$[0] value 1 2", "$[1] value 2 1"}));
}

TEST(JsonArrays, UnorderedIsAMultiset) {
  const CompareRules rules = Mode(ArrayMode::kUnordered);
  EXPECT_EQ(Lines("[1,2,3]", "[3,1,2]", rules), V{});
  EXPECT_EQ(Lines(R"([{"a":1,"b":2},1.0])", R"([1,{"b":2,"a":1}])", rules), V{});
  // Counts matter: duplicates are not collapsed.
  EXPECT_EQ(Lines("[1,1,2]", "[1,2,2]", rules), V{"$[1] value 1 2"});
  EXPECT_EQ(Lines("[1,1]", "[1]", rules), V{"$[1] missing 1 -"});
  EXPECT_EQ(Lines("[1]", "[2,1,3]", rules), (V{"$[0] extra - 2", "$[2] extra - 3"}));
  // Leftovers pair in order and are diffed deeply (old index in the path).
  EXPECT_EQ(Lines(R"([{"id":1,"v":"a"},{"id":2,"v":"b"}])",
                  R"([{"id":2,"v":"b"},{"id":1,"v":"x"}])", rules),
            V{R"($[0].v value "a" "x")"});
}

TEST(JsonArrays, UnorderedHashSkipsIgnoredPaths) {
  CompareRules rules = Mode(ArrayMode::kUnordered);
  rules.ignore = {PathOf("$[*].ts")};
  EXPECT_EQ(
      Lines(R"([{"id":1,"ts":5},{"id":2,"ts":6}])", R"([{"id":2,"ts":9},{"id":1,"ts":0}])", rules),
      V{});
}

TEST(JsonArrays, ByKeyPairsByTheKeyValue) {
  const CompareRules rules = Mode(ArrayMode::kByKey, "id");
  EXPECT_EQ(Lines(R"([{"id":1,"v":1},{"id":2,"v":2},{"id":3,"v":3}])",
                  R"([{"id":3,"v":3},{"id":4,"v":4},{"id":1.0,"v":10}])", rules),
            (V{"$[0].v value 1 10", R"($[1] missing {"id":2,"v":2} -)",
               R"($[1] extra - {"id":4,"v":4})"}));
  // "1" and 1 are different keys.
  EXPECT_EQ(Lines(R"([{"id":"1"}])", R"([{"id":1}])", rules),
            (V{R"($[0] missing {"id":"1"} -)", R"($[0] extra - {"id":1})"}));
}

TEST(JsonArrays, ByKeyFallsBackToPositionForKeylessAndDuplicateKeys) {
  const CompareRules rules = Mode(ArrayMode::kByKey, "id");
  // Keyless elements (the scalar 7, the object without id) pair by position among themselves.
  EXPECT_EQ(Lines(R"([7,{"id":1,"v":1},{"x":1}])", R"([{"id":1,"v":1},8,{"x":2}])", rules),
            (V{"$[0] value 7 8", "$[2].x value 1 2"}));
  // id 1 repeats in old: the id-1 elements pair by occurrence among themselves.
  EXPECT_EQ(Lines(R"([{"id":1,"v":"a"},{"id":2},{"id":1,"v":"b"}])",
                  R"([{"id":2},{"id":1,"v":"b"}])", rules),
            (V{R"($[0].v value "a" "b")", R"($[2] missing {"id":1,"v":"b"} -)"}));
}

TEST(JsonArrays, OverridesPickTheFirstMatchingPattern) {
  CompareRules rules;
  rules.array_overrides = {{PathOf("$.tx"), ArrayRule{ArrayMode::kByKey, "id"}},
                           {PathOf("$..tags"), ArrayRule{ArrayMode::kUnordered, ""}},
                           {PathOf("$.tx"), ArrayRule{ArrayMode::kUnordered, ""}}};
  EXPECT_EQ(Lines(R"({"tx":[{"id":1,"tags":["a","b"]},{"id":2}],"list":[1,2]})",
                  R"({"tx":[{"id":2},{"id":1,"tags":["b","a"]}],"list":[2,1]})", rules),
            (V{"$.list[0] value 1 2", "$.list[1] value 2 1"}));
}

TEST(JsonArrays, IgnoredElementsAreSkippedInEveryMode) {
  for (ArrayMode mode : {ArrayMode::kOrdered, ArrayMode::kUnordered, ArrayMode::kByKey}) {
    CompareRules rules = Mode(mode, "id");
    rules.ignore = {PathOf("$.a[*]")};
    EXPECT_EQ(Lines(R"({"a":[{"id":1},2],"b":1})", R"({"a":[3],"b":1})", rules), V{})
        << static_cast<int>(mode);
  }
}

TEST(JsonArrays, ByKeyOnLargeReorderedArraysIsLinear) {
  // 20,000 records reversed with one change: must pair by id without quadratic work
  // (this finishes in milliseconds; a quadratic pairing would take seconds).
  const int n = 20000;
  std::string old_json = "[";
  std::string new_json = "[";
  for (int i = 0; i < n; ++i) {
    const int j = n - 1 - i;
    old_json += (i ? "," : "") + std::string(R"({"id":)") + std::to_string(i) + R"(,"n":"r)" +
                std::to_string(i) + "\"}";
    new_json += (i ? "," : "") + std::string(R"({"id":)") + std::to_string(j) + R"(,"n":"r)" +
                std::to_string(j == 777 ? -1 : j) + "\"}";
  }
  old_json += "]";
  new_json += "]";
  EXPECT_EQ(Lines(old_json, new_json, Mode(ArrayMode::kByKey, "id")),
            V{R"($[777].n value "r777" "r-1")"});
  EXPECT_EQ(Lines(old_json, new_json, Mode(ArrayMode::kUnordered)),
            V{R"($[777].n value "r777" "r-1")"});
}

}  // namespace
}  // namespace shadowdiff
