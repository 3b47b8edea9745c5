// Tests for src/core/diff_json.h (here because `shadowdiff diff --json` is its first user;
// it links only shadowdiff_core).
#include "src/core/diff_json.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include <string>

namespace shadowdiff {
namespace {

rapidjson::Document ParseOrFail(const std::string& text) {
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseValidateEncodingFlag>(text.data(), text.size());
  EXPECT_FALSE(doc.HasParseError()) << text;
  return doc;
}

TEST(JsonStringTest, EscapesQuotesBackslashesAndControls) {
  EXPECT_EQ(JsonString("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(JsonString("\n\r\t\b\f"), R"("\n\r\t\b\f")");
  EXPECT_EQ(JsonString(std::string("\x01\x1f\x7f\0", 4)), R"("\u0001\u001f\u007f\u0000")");
  EXPECT_EQ(JsonString("/"), "\"/\"");
}

TEST(JsonStringTest, KeepsValidUtf8AndReplacesInvalidBytes) {
  EXPECT_EQ(JsonString("caf\xC3\xA9 \xF0\x9F\x98\x80"), "\"caf\xC3\xA9 \xF0\x9F\x98\x80\"");
  EXPECT_EQ(JsonString("caf\xE9!"), "\"caf\xEF\xBF\xBD!\"");
  EXPECT_EQ(JsonString("\xED\xA0\x80"), "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");  // surrogate
  EXPECT_EQ(JsonString("\xE2\x82"), "\"\xEF\xBF\xBD\xEF\xBF\xBD\"");                  // cut short
}

TEST(JsonStringTest, AnyBytesGiveValidJson) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  rapidjson::Document doc = ParseOrFail(JsonString(all));
  ASSERT_TRUE(doc.IsString());
  EXPECT_EQ(std::string(doc.GetString(), 3), std::string("\0\x01\x02", 3));
}

TEST(DiffToJsonTest, ValueDiffEmbedsBothSidesAsJson) {
  Diff d{"$.customer.email", DiffKind::kValue, "\"a@x.com\"", "{\"x\":[1,2]}"};
  EXPECT_EQ(DiffToJson(d),
            R"({"path":"$.customer.email","kind":"value","old":"a@x.com","new":{"x":[1,2]}})");
}

TEST(DiffToJsonTest, AbsentSidesAreOmittedSoNullStaysAValue) {
  EXPECT_EQ(DiffToJson(Diff{"$.phone", DiffKind::kMissing, "null", ""}),
            R"({"path":"$.phone","kind":"missing","old":null})");
  EXPECT_EQ(DiffToJson(Diff{"header:etag", DiffKind::kExtra, "", "\"v1\""}),
            R"({"path":"header:etag","kind":"extra","new":"v1"})");
}

TEST(DiffToJsonTest, PathWithQuotesAndInvalidUtf8StaysValid) {
  std::string json = DiffToJson(Diff{"form:a\"\xFF", DiffKind::kType, "1", "\"1\""});
  rapidjson::Document doc = ParseOrFail(json);
  EXPECT_STREQ(doc["path"].GetString(), "form:a\"\xEF\xBF\xBD");
  EXPECT_STREQ(doc["kind"].GetString(), "type");
  EXPECT_EQ(doc["old"].GetInt(), 1);
  EXPECT_STREQ(doc["new"].GetString(), "1");
}

TEST(DiffsToJsonTest, Array) {
  EXPECT_EQ(DiffsToJson({}), "[]");
  EXPECT_EQ(DiffsToJson({Diff{"status", DiffKind::kValue, "200", "500"},
                         Diff{"$.a", DiffKind::kExtra, "", "true"}}),
            R"([{"path":"status","kind":"value","old":200,"new":500},)"
            R"({"path":"$.a","kind":"extra","new":true}])");
}

TEST(ComparisonToJsonTest, EqualComparison) {
  EXPECT_EQ(ComparisonToJson(Comparison{}), R"({"equal":true,"diffs":[],"truncated":false})");
}

TEST(ComparisonToJsonTest, ProblemFieldsOnlyWhenThereIsAProblem) {
  Comparison c;
  c.diffs.push_back(Diff{"$", DiffKind::kType, "{\"a\":1}", "\"<invalid JSON>\""});
  c.truncated = true;
  c.problem = BodyProblem::kInvalidJson;
  c.problem_side = "new";
  c.problem_detail = "new: invalid JSON at offset 0: \"<html>\"";
  std::string json = ComparisonToJson(c);
  EXPECT_EQ(
      json,
      R"({"equal":false,"diffs":[{"path":"$","kind":"type","old":{"a":1},)"
      R"("new":"<invalid JSON>"}],"truncated":true,"problem":"invalid_json",)"
      R"("problem_side":"new","problem_detail":"new: invalid JSON at offset 0: \"<html>\""})");
  rapidjson::Document doc = ParseOrFail(json);
  EXPECT_FALSE(doc["equal"].GetBool());
  EXPECT_EQ(doc["diffs"][0]["old"]["a"].GetInt(), 1);
  EXPECT_STREQ(doc["problem_detail"].GetString(), "new: invalid JSON at offset 0: \"<html>\"");
}

TEST(WriteComparisonTest, WorksWithPrettyWriterInsideALargerRecord) {
  rapidjson::StringBuffer buffer;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("endpoint");
  writer.String("/a");
  writer.Key("diffs");
  WriteDiffs(writer, {Diff{"$.n", DiffKind::kValue, "1", "2.5"}});
  writer.EndObject();
  rapidjson::Document doc = ParseOrFail(buffer.GetString());
  EXPECT_DOUBLE_EQ(doc["diffs"][0]["new"].GetDouble(), 2.5);
}

}  // namespace
}  // namespace shadowdiff
