#include "comparators/json/json_differ.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/unit/comparators/json/json_test_support.h"

namespace shadowdiff {
namespace {

using testing::CompareJson;
using testing::Lines;
using testing::PathOf;
using V = std::vector<std::string>;

TEST(JsonDiffer, EqualDocumentsHaveNoDiffs) {
  EXPECT_EQ(Lines(R"({"a":1,"b":[1,2]})", R"({"a":1,"b":[1,2]})"), V{});
  EXPECT_EQ(Lines(R"({"a":1,"b":[1,2]})", R"( { "b" : [ 1 , 2 ] , "a" : 1.0 } )"), V{});
  EXPECT_TRUE(CompareJson("[]", "[ ]").equal());
}

TEST(JsonDiffer, KindsAndPaths) {
  EXPECT_EQ(Lines(R"({"customer":{"addresses":[{"zip":"1"},{"zip":"2"}]}})",
                  R"({"customer":{"addresses":[{"zip":"1"},{"zip":"3"}]}})"),
            V{R"($.customer.addresses[1].zip value "2" "3")"});
  EXPECT_EQ(Lines(R"({"a":1,"b":2})", R"({"b":2,"c":3})"), (V{"$.a missing 1 -", "$.c extra - 3"}));
  EXPECT_EQ(Lines(R"({"id":"1"})", R"({"id":1})"), V{R"($.id type "1" 1)"});
  EXPECT_EQ(Lines(R"({"ok":true})", R"({"ok":false})"), V{"$.ok value true false"});
  EXPECT_EQ(Lines(R"({"x":null})", R"({"x":{}})"), V{"$.x type null {}"});
  EXPECT_EQ(Lines(R"({"odd key":1,"it's":2})", R"({"odd key":2,"it's":3})"),
            (V{"$['odd key'] value 1 2", R"($['it\'s'] value 2 3)"}));
  EXPECT_EQ(Lines("1", "2"), V{"$ value 1 2"});
}

TEST(JsonDiffer, NumbersCompareByValue) {
  EXPECT_EQ(Lines("[1, -0, 1e0, 10e-1, 0.5]", "[1.0, 0, 1, 1, 5e-1]"), V{});
  EXPECT_EQ(Lines("[9007199254740993]", "[9007199254740992]"),
            V{"$[0] value 9007199254740993 9007199254740992"});
  EXPECT_EQ(Lines("123456789012345678901234567890", "123456789012345678901234567891"),
            V{"$ value 123456789012345678901234567890 123456789012345678901234567891"});
  EXPECT_EQ(Lines("1e400", "1e401"), V{"$ value 1e400 1e401"});
  EXPECT_EQ(Lines("1e400", "10E399"), V{});
  CompareRules rules;
  rules.number_tolerance = 0.01;
  EXPECT_EQ(Lines(R"({"p":1.001})", R"({"p":1.009})", rules), V{});
  EXPECT_EQ(Lines(R"({"p":1.001})", R"({"p":1.02})", rules), V{"$.p value 1.001 1.02"});
}

TEST(JsonDiffer, DuplicateKeysPairByOccurrence) {
  EXPECT_EQ(Lines(R"({"a":1,"a":2})", R"({"a":1,"a":2})"), V{});
  EXPECT_EQ(Lines(R"({"a":1,"a":2})", R"({"a":1,"a":3})"), V{"$.a value 2 3"});
  EXPECT_EQ(Lines(R"({"a":1,"a":2})", R"({"a":1})"), V{"$.a missing 2 -"});
  EXPECT_EQ(Lines(R"({"b":0,"a":1})", R"({"a":1,"a":2,"b":0})"), V{"$.a extra - 2"});
}

TEST(JsonDiffer, LargeObjectsPairMembersByHash) {
  std::string old_json = "{";
  std::string new_json = "{";
  for (int i = 0; i < 200; ++i) {
    old_json += (i ? "," : "") + std::string("\"k") + std::to_string(i) + "\":" + std::to_string(i);
    const int j = 199 - i;  // reversed order
    new_json += (i ? "," : "") + std::string("\"k") + std::to_string(j) +
                "\":" + std::to_string(j == 150 ? -1 : j);
  }
  old_json += ",\"k5\":\"dup\"}";
  new_json += "}";
  // Diffs follow the old document's order: k150 comes before the second k5.
  EXPECT_EQ(Lines(old_json, new_json), (V{"$.k150 value 150 -1", "$.k5 missing \"dup\" -"}));
}

TEST(JsonDiffer, IgnoreSkipsWholeSubtreesOnBothSides) {
  CompareRules rules;
  rules.ignore = {PathOf("$..updated_at"), PathOf("$.meta"), PathOf("$.items[*].ts"),
                  PathOf("$['odd key']")};
  EXPECT_EQ(Lines(R"({"updated_at":1,"meta":{"a":1},"x":{"updated_at":2},"odd key":1,
                      "items":[{"ts":1,"v":1}]})",
                  R"({"x":{"updated_at":3,"y":1},"meta":[],"odd key":2,
                      "items":[{"ts":2,"v":2}],"z":{"updated_at":1}})",
                  rules),
            (V{"$.x.y extra - 1", "$.items[0].v value 1 2", "$.z extra - {\"updated_at\":1}"}));
  CompareRules all;
  all.ignore = {PathOf("$")};
  EXPECT_EQ(Lines("[1]", "{}", all), V{});
}

TEST(JsonDiffer, InvalidJsonIsReportedPerSide) {
  Comparison c = CompareJson(R"({"a":1})", R"({"a":1,})");
  EXPECT_EQ(c.problem, BodyProblem::kInvalidJson);
  EXPECT_EQ(c.problem_side, "new");
  EXPECT_EQ(c.problem_detail, "new: invalid JSON at offset 7: missing a name for object member");
  ASSERT_EQ(c.diffs.size(), 1u);
  EXPECT_EQ(testing::DiffLine(c.diffs[0]), R"($ type {"a":1} "<invalid JSON>")");

  c = CompareJson("nope", "[1]");
  EXPECT_EQ(c.problem_side, "old");
  EXPECT_EQ(testing::DiffLine(c.diffs[0]), R"($ type "<invalid JSON>" [1])");

  c = CompareJson("[", "{");
  EXPECT_EQ(c.problem_side, "both");
  EXPECT_TRUE(c.diffs.empty());
  EXPECT_EQ(c.problem_detail,
            "old: invalid JSON at offset 1: invalid value; new: invalid JSON at offset 1: missing "
            "a name for object member");

  c = CompareJson("", "");
  EXPECT_EQ(c.problem_side, "both");
  EXPECT_EQ(c.problem, BodyProblem::kInvalidJson);
}

TEST(JsonDiffer, NulInsideTheTextIsInvalid) {
  const std::string with_nul("[1]\0", 4);
  Comparison c = CompareJson("[1]", with_nul);
  EXPECT_EQ(c.problem, BodyProblem::kInvalidJson);
  EXPECT_EQ(c.problem_detail, "new: invalid JSON at offset 3: unexpected NUL byte");
  const std::string number_then_nul("123\0", 4);
  JsonScratch scratch;
  EXPECT_FALSE(ValidateJson(number_then_nul, 128, scratch).ok());
  EXPECT_FALSE(ValidateJson(std::string("[\"a\0b\"]", 7), 128, scratch).ok());
  EXPECT_TRUE(ValidateJson("123", 128, scratch).ok());
}

TEST(JsonDiffer, InvalidUtf8InStringsIsInvalid) {
  JsonScratch scratch;
  const Status bad = ValidateJson("[\"\xff\"]", 128, scratch);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().message, "invalid JSON at offset 2: invalid encoding in string");
  EXPECT_FALSE(ValidateJson("[\"\xc3\x28\"]", 128, scratch).ok());        // bad continuation byte
  EXPECT_TRUE(ValidateJson("[\"\xc3\xa9\"]", 128, scratch).ok());         // é
  EXPECT_EQ(CompareJson("[\"\xc3\xa9\"]", "[\"\xed\xa0\x80\"]").problem,  // a UTF-8 surrogate
            BodyProblem::kInvalidJson);
}

TEST(JsonDiffer, DepthCap) {
  const std::string deep(100000, '[');
  JsonScratch scratch;
  const Status s = ValidateJson(deep, 128, scratch);
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.error().message, "nesting deeper than 128");

  Comparison c = CompareJson("[]", deep);
  EXPECT_EQ(c.problem, BodyProblem::kTooDeep);
  EXPECT_EQ(c.problem_side, "new");
  EXPECT_EQ(c.problem_detail, "new: nesting deeper than 128");
  ASSERT_EQ(c.diffs.size(), 1u);
  EXPECT_EQ(testing::DiffLine(c.diffs[0]), R"($ type [] "<nesting too deep>")");

  CompareRules shallow;
  shallow.max_depth = 2;
  EXPECT_EQ(CompareJson("[[1]]", "[[2]]", shallow).problem, BodyProblem::kNone);
  EXPECT_EQ(CompareJson("[[[1]]]", "[[2]]", shallow).problem, BodyProblem::kTooDeep);

  // A balanced deep document within an explicit large cap parses and diffs without recursion.
  const size_t n = 100000;
  std::string a(n, '[');
  a += "1";
  a += std::string(n, ']');
  std::string b = a;
  b[n] = '2';
  CompareRules deep_rules;
  deep_rules.max_depth = n;
  c = CompareJson(a, b, deep_rules);
  EXPECT_EQ(c.problem, BodyProblem::kNone);
  ASSERT_EQ(c.diffs.size(), 1u);
  EXPECT_EQ(c.diffs[0].kind, DiffKind::kValue);
  EXPECT_EQ(c.diffs[0].path.size(), 1 + 3 * n);  // $ then [0] n times
}

TEST(JsonDiffer, TruncatesAtMaxDiffs) {
  CompareRules rules;
  rules.max_diffs = 2;
  Comparison c = CompareJson("[1,2,3,4]", "[5,6,7,8]", rules);
  EXPECT_TRUE(c.truncated);
  EXPECT_EQ(testing::DiffLines(c), (V{"$[0] value 1 5", "$[1] value 2 6", "truncated"}));
  c = CompareJson("[1,2]", "[5,6]", rules);
  EXPECT_FALSE(c.truncated);
  EXPECT_EQ(c.diffs.size(), 2u);
}

TEST(JsonDiffer, LongValuesAreSummarised) {
  std::string big = "[";
  for (int i = 0; i < 500; ++i) big += (i ? ",\"value" : "\"value") + std::to_string(i) + "\"";
  big += "]";
  Comparison c = CompareJson(R"({"a":1})", R"({"a":)" + big + "}");
  ASSERT_EQ(c.diffs.size(), 1u);
  const std::string& v = c.diffs[0].new_value;
  EXPECT_LE(v.size(), kMaxDiffValueBytes);
  EXPECT_EQ(v.rfind(R"("<array of 500 elements, )", 0), 0u) << v;
  EXPECT_NE(v.find(R"(bytes> [\"value0\",\"value1\")"), std::string::npos) << v;
  EXPECT_EQ(v.substr(v.size() - 4), "...\"");
  JsonScratch scratch;
  EXPECT_TRUE(ValidateJson(v, 8, scratch).ok()) << "a summary is valid JSON";

  const std::string long_string = "\"" + std::string(3000, 'x') + "\"";
  c = CompareJson("\"short\"", long_string);
  ASSERT_EQ(c.diffs.size(), 1u);
  EXPECT_EQ(c.diffs[0].new_value.rfind(R"("<string of 3000 bytes> \"xxx)", 0), 0u)
      << c.diffs[0].new_value;
  EXPECT_TRUE(ValidateJson(c.diffs[0].new_value, 8, scratch).ok());

  // Just at the limit: kept as it is.
  const std::string at_limit = "\"" + std::string(kMaxDiffValueBytes - 2, 'y') + "\"";
  c = CompareJson("\"short\"", at_limit);
  EXPECT_EQ(c.diffs[0].new_value, at_limit);
}

TEST(JsonDiffer, DiffValuesAreCompactJson) {
  EXPECT_EQ(Lines(R"({"a": 1})", "{\"a\": { \"b\" : [ 1 , \"x y\\n\" ] ,\n \"c\":\"\\u00e9\"}}"),
            V{R"($.a type 1 {"b":[1,"x y\n"],"c":"\u00e9"})"});
  EXPECT_EQ(Lines(R"(["tab\t"])", R"(["a\"b"])"), V{R"($[0] value "tab\t" "a\"b")"});
}

TEST(JsonDiffer, ScratchIsReusableAcrossCallsAndDiffers) {
  const JsonDiffer a{CompareRules()};
  CompareRules unordered;
  unordered.arrays.mode = ArrayMode::kUnordered;
  const JsonDiffer b(unordered);
  JsonScratch scratch;
  for (int round = 0; round < 3; ++round) {
    Comparison x;
    a.Compare("[1,2]", "[2,1]", scratch, &x);
    EXPECT_EQ(x.diffs.size(), 2u);
    Comparison y;
    b.Compare("[1,2]", "[2,1]", scratch, &y);
    EXPECT_TRUE(y.equal());
    Comparison z;
    a.Compare("{", "[]", scratch, &z);
    EXPECT_EQ(z.problem_side, "old");
  }
}

}  // namespace
}  // namespace shadowdiff
