// JsonParser on its own: the values it builds, and where and why it refuses a text. The
// verdicts over JSONTestSuite are in json_conformance_test; the fuzzer json_parser_fuzz
// compares it with RapidJSON's reader.
#include "comparators/json/json_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>

namespace shadowdiff {
namespace {

struct Refusal {
  std::string text;
  size_t offset;
  std::string reason;
};

class JsonParserTest : public ::testing::Test {
 protected:
  JsonParseOutcome Parse(std::string_view text, size_t max_depth = 128) {
    return parser_.Parse(text, max_depth, &doc_);
  }
  // The decoded bytes of the only element of a one-string array.
  std::string OnlyString(std::string_view text) {
    const JsonParseOutcome outcome = Parse(text);
    EXPECT_TRUE(outcome.ok()) << outcome.Describe(128);
    if (!outcome.ok()) return "";
    const JsonNode& array = doc_.node(doc_.root());
    EXPECT_EQ(array.type, JsonType::kArray);
    EXPECT_EQ(array.b, 1u);
    return std::string(doc_.Bytes(doc_.node(doc_.Element(array, 0))));
  }

  JsonParser parser_;
  JsonDocument doc_;
};

TEST_F(JsonParserTest, RefusesWithOffsetAndReason) {
  const Refusal cases[] = {
      {"", 0, "the document is empty"},
      {"  \n", 3, "the document is empty"},
      {"]", 0, "the document is empty"},
      {"[1] 2", 4, "the document root must not be followed by other values"},
      {"x", 0, "invalid value"},
      {"-x", 1, "invalid value"},
      {"nul", 3, "invalid value"},
      {"[tru]", 4, "invalid value"},
      {"[", 1, "invalid value"},
      {"[1,]", 3, "invalid value"},
      {"[1 2]", 3, "missing a comma or ']' after an array element"},
      {"{", 1, "missing a name for object member"},
      {"{1:2}", 1, "missing a name for object member"},
      {"{\"a\":1,}", 7, "missing a name for object member"},
      {"{\"a\" 1}", 5, "missing a colon after a name of object member"},
      {"{\"a\":}", 5, "invalid value"},
      {"{\"a\":1 \"b\":2}", 7, "missing a comma or '}' after an object member"},
      {"[\"abc", 5, "missing a closing quotation mark in string"},
      {"[\"a\\x\"]", 3, "invalid escape character in string"},
      {"[\"a\\u12G4\"]", 3, "incorrect hex digit after \\u escape in string"},
      {"[\"\\ud800\"]", 2, "the surrogate pair in string is invalid"},
      {"[\"\\ud800\\u0041\"]", 2, "the surrogate pair in string is invalid"},
      // RapidJSON 1.1 decoded a lone low surrogate into ill-formed UTF-8 and then failed with
      // "Terminate parsing due to Handler error".
      {"[\"\\udc00\"]", 2, "the surrogate pair in string is invalid"},
      // RapidJSON called a raw control character an invalid escape.
      {"[\"a\tb\"]", 3, "unescaped control character in string"},
      {"[1.]", 3, "missing fraction part in number"},
      {"[1e+]", 4, "missing exponent in number"},
      {"[\"ab\xff\"]", 4, "invalid encoding in string"},
      {"[\"ab\xed\xa0\x80\"]", 4, "invalid encoding in string"},  // a surrogate in UTF-8
      // Ill-formed bytes are placed in their string, a \u escape elsewhere or not.
      {"[\"\\u0041\", \"x\xc0\xaf\"]", 13, "invalid encoding in string"},
      {std::string("[1]\0", 4), 3, "unexpected NUL byte"},
      {std::string("[1\0]", 4), 2, "missing a comma or ']' after an array element"},
      {std::string("[\"a\0\"]", 6), 3, "missing a closing quotation mark in string"},
  };
  for (const Refusal& c : cases) {
    const JsonParseOutcome outcome = Parse(c.text);
    EXPECT_EQ(outcome.kind, JsonParseOutcome::Kind::kInvalid) << c.text;
    EXPECT_EQ(outcome.offset, c.offset) << c.text;
    EXPECT_EQ(outcome.reason, c.reason) << c.text;
  }
}

TEST_F(JsonParserTest, BuildsValuesWithSourceSpans) {
  const std::string text = R"( {"a": [1, -2.5e+3, true, false, null], "b": {"c": "d"}, "e": []} )";
  ASSERT_TRUE(Parse(text).ok());
  const JsonNode& root = doc_.node(doc_.root());
  ASSERT_EQ(root.type, JsonType::kObject);
  ASSERT_EQ(root.b, 3u);
  EXPECT_EQ(doc_.Source(root), text.substr(1, text.size() - 2));
  EXPECT_EQ(doc_.Bytes(doc_.node(doc_.MemberKey(root, 0))), "a");
  const JsonNode& a = doc_.node(doc_.MemberValue(root, 0));
  ASSERT_EQ(a.type, JsonType::kArray);
  ASSERT_EQ(a.b, 5u);
  EXPECT_EQ(doc_.Source(a), "[1, -2.5e+3, true, false, null]");
  EXPECT_EQ(doc_.Bytes(doc_.node(doc_.Element(a, 1))), "-2.5e+3");
  EXPECT_EQ(doc_.node(doc_.Element(a, 2)).type, JsonType::kTrue);
  EXPECT_EQ(doc_.node(doc_.Element(a, 3)).type, JsonType::kFalse);
  EXPECT_EQ(doc_.node(doc_.Element(a, 4)).type, JsonType::kNull);
  const JsonNode& b = doc_.node(doc_.MemberValue(root, 1));
  EXPECT_EQ(doc_.Source(b), R"({"c": "d"})");
  EXPECT_EQ(doc_.Bytes(doc_.node(doc_.MemberValue(b, 0))), "d");
  const JsonNode& e = doc_.node(doc_.MemberValue(root, 2));
  EXPECT_EQ(e.type, JsonType::kArray);
  EXPECT_EQ(e.b, 0u);
  EXPECT_EQ(doc_.Source(e), "[]");
}

TEST_F(JsonParserTest, KeepsNumbersOfAnySizeAsText) {
  const std::string digits(400, '7');
  const std::string text = "[1e999999, -0.0, " + digits + ", 2E-400]";
  ASSERT_TRUE(Parse(text).ok());
  const JsonNode& root = doc_.node(doc_.root());
  ASSERT_EQ(root.b, 4u);
  EXPECT_EQ(doc_.Bytes(doc_.node(doc_.Element(root, 0))), "1e999999");
  EXPECT_EQ(doc_.Bytes(doc_.node(doc_.Element(root, 1))), "-0.0");
  EXPECT_EQ(doc_.Bytes(doc_.node(doc_.Element(root, 2))), digits);
  EXPECT_EQ(doc_.Bytes(doc_.node(doc_.Element(root, 3))), "2E-400");
}

TEST_F(JsonParserTest, ChecksUtf8WhereverASequenceFallsInTheScan) {
  // ASCII is skipped 64 bytes at a time, then 16: put each sequence at every position across
  // two 64-byte blocks, straddling their boundaries, with ASCII after it.
  const std::string_view valid[] = {"\xc3\xa9", "\xe2\x82\xac", "\xf0\x9f\x98\x80"};
  const std::string_view invalid[] = {"\xff",         "\xc3\x28",     "\xe2\x82",
                                      "\xed\xa0\x80", "\xf0\x9f\x98", "\xc0\xaf"};
  for (size_t before = 0; before <= 140; ++before) {
    const std::string head(before, 'x');
    const std::string tail(150 - before, 'y');
    for (std::string_view sequence : valid) {
      const std::string text = head + std::string(sequence) + tail;
      EXPECT_EQ(OnlyString("[\"" + text + "\"]"), text) << before;
    }
    for (std::string_view sequence : invalid) {
      const JsonParseOutcome outcome = Parse("[\"" + head + std::string(sequence) + tail + "\"]");
      EXPECT_EQ(outcome.reason, "invalid encoding in string") << before;
    }
  }
}

TEST_F(JsonParserTest, DecodesEscapesWhereverTheyFallInTheScan) {
  // The plain runs are scanned 16 (or 8) bytes at a time: put each escape at every position
  // around those boundaries, with plain text after it.
  const std::string_view escapes[][2] = {{"\\n", "\n"},
                                         {"\\\"", "\""},
                                         {"\\\\", "\\"},
                                         {"\\/", "/"},
                                         {"\\u00e9", "\xc3\xa9"},
                                         {"\\ud83d\\ude00", "\xf0\x9f\x98\x80"},
                                         {"\\u0000", std::string_view("\0", 1)}};
  for (const auto& [escape, decoded] : escapes) {
    for (size_t before = 0; before <= 34; ++before) {
      const std::string head(before, 'x');
      const std::string tail(40 - before, 'y');
      const std::string expected = head + std::string(decoded) + tail + std::string(decoded);
      EXPECT_EQ(OnlyString("[\"" + head + std::string(escape) + tail + std::string(escape) + "\"]"),
                expected)
          << escape << " after " << before;
    }
  }
  EXPECT_EQ(OnlyString("[\"\\b\\f\\r\\t\"]"), "\b\f\r\t");
  EXPECT_EQ(OnlyString("[\"caf\xc3\xa9 \xe2\x82\xac\"]"), "caf\xc3\xa9 \xe2\x82\xac");
}

TEST_F(JsonParserTest, NestsDeeperThanAnyStackWithoutRecursion) {
  const size_t depth = 200000;
  const std::string text = std::string(depth, '[') + std::string(depth, ']');
  EXPECT_TRUE(Parse(text, depth).ok());
  const JsonParseOutcome refused = Parse(text, depth - 1);
  EXPECT_EQ(refused.kind, JsonParseOutcome::Kind::kTooDeep);
  EXPECT_EQ(refused.offset, depth - 1);  // the bracket that would open one level too many
  EXPECT_EQ(Parse("{\"a\":[{}]}", 3).kind, JsonParseOutcome::Kind::kOk);
  EXPECT_EQ(Parse("{\"a\":[{}]}", 2).kind, JsonParseOutcome::Kind::kTooDeep);
}

TEST_F(JsonParserTest, ReusesItsStateAcrossParses) {
  ASSERT_FALSE(Parse("[1, {\"a\": [2,").ok());  // fails with containers open
  ASSERT_TRUE(Parse("[3]").ok());
  const JsonNode& root = doc_.node(doc_.root());
  ASSERT_EQ(root.b, 1u);
  EXPECT_EQ(doc_.Bytes(doc_.node(doc_.Element(root, 0))), "3");
  EXPECT_EQ(doc_.Source(root), "[3]");
}

}  // namespace
}  // namespace shadowdiff
