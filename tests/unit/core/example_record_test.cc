#include "src/core/example_record.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <zlib.h>

#include <chrono>
#include <string>

namespace shadowdiff {
namespace {

using std::chrono::milliseconds;
using std::chrono::system_clock;

// 2026-11-22T20:01:02.123Z
const system_clock::time_point kTime{milliseconds(1795377662123)};

rapidjson::Document Parse(const std::string& json) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  EXPECT_FALSE(doc.HasParseError()) << json;
  return doc;
}

std::string Gzip(std::string_view text) {
  z_stream z{};
  EXPECT_EQ(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(text.size() + 128, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = static_cast<uInt>(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&z, Z_FINISH), Z_STREAM_END);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

struct Fixture {
  Request request{"POST",
                  "/merchants/42/customers?x=1",
                  {{"Content-Type", "application/json"}, {"X-Trace", "abc"}},
                  "{\n  \"name\": \"Ada\"\n}"};
  Response old_response{
      200, {{"Content-Type", "application/json"}}, "{\"id\": 1, \"n\": 1.50}", false, 3.25};
  Response new_response{
      200, {{"Content-Type", "application/json"}}, "{\"id\":2,\"n\":1.5}", false, 4.5};
  Comparison comparison{
      {Diff{"$.id", DiffKind::kValue, "1", "2"}}, false, BodyProblem::kNone, "", ""};

  ExampleInput Input() {
    ExampleInput in;
    in.time = kTime;
    in.endpoint = "/merchants/{merchant_id}/customers";
    in.outcome = Outcome::kMismatch;
    in.primary = Side::kOld;
    in.request = &request;
    in.old_response = &old_response;
    in.new_response = &new_response;
    in.comparison = &comparison;
    return in;
  }
};

TEST(ExampleRecordTest, HasEveryFieldOfTheSpec) {
  Fixture f;
  ExampleRecord record = BuildExampleRecord(f.Input());
  EXPECT_EQ(record.json.find('\n'), std::string::npos);
  rapidjson::Document doc = Parse(record.json);
  EXPECT_STREQ(doc["time"].GetString(), "2026-11-22T20:01:02.123Z");
  EXPECT_STREQ(doc["endpoint"].GetString(), "/merchants/{merchant_id}/customers");
  EXPECT_STREQ(doc["method"].GetString(), "POST");
  EXPECT_STREQ(doc["target"].GetString(), "/merchants/42/customers?x=1");
  EXPECT_STREQ(doc["outcome"].GetString(), "mismatch");
  EXPECT_STREQ(doc["primary"].GetString(), "old");
  ASSERT_EQ(doc["diffs"].Size(), 1u);
  EXPECT_STREQ(doc["diffs"][0]["path"].GetString(), "$.id");
  EXPECT_STREQ(doc["diffs"][0]["kind"].GetString(), "value");
  EXPECT_EQ(doc["diffs"][0]["old"].GetInt(), 1);
  EXPECT_EQ(doc["diffs"][0]["new"].GetInt(), 2);
  EXPECT_FALSE(doc.HasMember("diffs_total"));
  EXPECT_FALSE(doc.HasMember("problem"));

  const auto& request = doc["request"];
  EXPECT_STREQ(request["method"].GetString(), "POST");
  EXPECT_STREQ(request["target"].GetString(), "/merchants/42/customers?x=1");
  ASSERT_EQ(request["headers"].Size(), 2u);
  EXPECT_STREQ(request["headers"][1][0].GetString(), "X-Trace");
  EXPECT_STREQ(request["headers"][1][1].GetString(), "abc");
  // A JSON body is embedded as JSON (compacted), not as a string.
  ASSERT_TRUE(request["body"].IsObject());
  EXPECT_STREQ(request["body"]["name"].GetString(), "Ada");

  EXPECT_EQ(doc["old"]["status"].GetInt(), 200);
  EXPECT_DOUBLE_EQ(doc["old"]["duration_ms"].GetDouble(), 3.25);
  EXPECT_EQ(doc["old"]["body"]["id"].GetInt(), 1);
  EXPECT_EQ(doc["new"]["body"]["id"].GetInt(), 2);
  EXPECT_FALSE(doc["old"].HasMember("body_truncated"));

  EXPECT_EQ(record.endpoint, "/merchants/{merchant_id}/customers");
  EXPECT_EQ(record.method, "POST");
  EXPECT_EQ(record.fields, std::vector<std::string>{"$.id"});
}

TEST(ExampleRecordTest, JsonNumbersKeepTheirText) {
  Fixture f;
  f.old_response.body = "{\"big\":123456789012345678901234567890,\"n\":1.50}";
  rapidjson::Document doc = Parse(BuildExampleRecord(f.Input()).json);
  EXPECT_NE(BuildExampleRecord(f.Input()).json.find("123456789012345678901234567890"),
            std::string::npos);
  EXPECT_NE(BuildExampleRecord(f.Input()).json.find("\"n\":1.50"), std::string::npos);
}

TEST(ExampleRecordTest, TextAndBinaryBodies) {
  Fixture f;
  f.old_response = Response{500, {{"Content-Type", "text/plain"}}, "oops\nline 2", false, 1};
  f.new_response = Response{200, {}, std::string("\x89PNG\0\x01\xff", 7), false, 1};
  rapidjson::Document doc = Parse(BuildExampleRecord(f.Input()).json);
  EXPECT_STREQ(doc["old"]["body"].GetString(), "oops\nline 2");
  EXPECT_FALSE(doc["new"].HasMember("body"));
  EXPECT_STREQ(doc["new"]["body_base64"].GetString(), "iVBORwAB/w==");
}

TEST(ExampleRecordTest, InvalidJsonWithJsonContentTypeIsStoredAsText) {
  Fixture f;
  f.new_response.body = "{\"id\": 2,";
  rapidjson::Document doc = Parse(BuildExampleRecord(f.Input()).json);
  ASSERT_TRUE(doc["new"]["body"].IsString());
  EXPECT_STREQ(doc["new"]["body"].GetString(), "{\"id\": 2,");
}

TEST(ExampleRecordTest, PlainTextThatHappensToParseStaysText) {
  Fixture f;
  f.old_response = Response{200, {{"Content-Type", "text/plain"}}, "123", false, 1};
  rapidjson::Document doc = Parse(BuildExampleRecord(f.Input()).json);
  ASSERT_TRUE(doc["old"]["body"].IsString());
}

TEST(ExampleRecordTest, BodiesAreCappedAtACharacterBoundary) {
  Fixture f;
  f.old_response.headers = {{"Content-Type", "text/plain"}};
  f.old_response.body = std::string(9, 'a') + "\xc3\xa9" + std::string(100, 'b');  // é at 9..10
  ExampleLimits limits;
  limits.max_body_bytes = 10;
  rapidjson::Document doc = Parse(BuildExampleRecord(f.Input(), limits).json);
  EXPECT_STREQ(doc["old"]["body"].GetString(), "aaaaaaaaa");
  EXPECT_TRUE(doc["old"]["body_truncated"].GetBool());
  // A cut JSON body is no longer JSON: stored as text, flagged.
  f.new_response.body = "{\"id\":2,\"pad\":\"" + std::string(100, 'x') + "\"}";
  doc = Parse(BuildExampleRecord(f.Input(), limits).json);
  ASSERT_TRUE(doc["new"]["body"].IsString());
  EXPECT_EQ(doc["new"]["body"].GetStringLength(), 10u);
  EXPECT_TRUE(doc["new"]["body_truncated"].GetBool());
}

TEST(ExampleRecordTest, ProxyTruncatedBodyIsFlagged) {
  Fixture f;
  f.new_response.body_truncated = true;
  rapidjson::Document doc = Parse(BuildExampleRecord(f.Input()).json);
  EXPECT_TRUE(doc["new"]["body_truncated"].GetBool());
  EXPECT_TRUE(doc["new"]["body"].IsString());  // a prefix is never embedded as JSON
}

TEST(ExampleRecordTest, GzipBodiesAreDecoded) {
  Fixture f;
  f.new_response.headers.push_back({"Content-Encoding", "gzip"});
  f.new_response.body = Gzip("{\"id\":2}");
  rapidjson::Document doc = Parse(BuildExampleRecord(f.Input()).json);
  ASSERT_TRUE(doc["new"]["body"].IsObject());
  EXPECT_EQ(doc["new"]["body"]["id"].GetInt(), 2);
  EXPECT_TRUE(doc["new"]["body_decoded"].GetBool());
  // Corrupt gzip stays as sent.
  f.new_response.body = "not gzip at all";
  doc = Parse(BuildExampleRecord(f.Input()).json);
  EXPECT_STREQ(doc["new"]["body"].GetString(), "not gzip at all");
  EXPECT_FALSE(doc["new"].HasMember("body_decoded"));
}

TEST(ExampleRecordTest, MissingSideErrorAndProblem) {
  Fixture f;
  ExampleInput in = f.Input();
  in.outcome = Outcome::kShadowTimeout;
  in.new_response = nullptr;
  in.comparison = nullptr;
  in.error = "shadow timeout after 2000 ms";
  rapidjson::Document doc = Parse(BuildExampleRecord(in).json);
  EXPECT_TRUE(doc["new"].IsNull());
  EXPECT_STREQ(doc["error"].GetString(), "shadow timeout after 2000 ms");
  EXPECT_EQ(doc["diffs"].Size(), 0u);

  f.comparison.problem = BodyProblem::kInvalidJson;
  f.comparison.problem_side = "new";
  f.comparison.problem_detail = "new: invalid JSON at offset 3";
  doc = Parse(BuildExampleRecord(f.Input()).json);
  EXPECT_STREQ(doc["problem"]["name"].GetString(), "invalid_json");
  EXPECT_STREQ(doc["problem"]["side"].GetString(), "new");
}

TEST(ExampleRecordTest, DiffsAreCappedAndFieldsDeduplicated) {
  Fixture f;
  f.comparison.diffs.clear();
  for (int i = 0; i < 10; ++i) {
    f.comparison.diffs.push_back(
        Diff{"$.items[" + std::to_string(i) + "].price", DiffKind::kValue, "1", "2"});
  }
  f.comparison.diffs.push_back(Diff{"status", DiffKind::kValue, "200", "201"});
  ExampleLimits limits;
  limits.max_diffs = 3;
  ExampleRecord record = BuildExampleRecord(f.Input(), limits);
  rapidjson::Document doc = Parse(record.json);
  EXPECT_EQ(doc["diffs"].Size(), 3u);
  EXPECT_EQ(doc["diffs_total"].GetInt(), 11);
  EXPECT_EQ(record.fields, std::vector<std::string>{"$.items[*].price"});
}

TEST(ExampleRecordTest, HostileBytesStayValidJson) {
  Fixture f;
  f.request.target = "/x?q=\xff\"\n";
  f.request.headers.push_back({"X-Bad", std::string("a\0b\x01\xc3", 5)});
  ExampleRecord record = BuildExampleRecord(f.Input());
  EXPECT_EQ(record.json.find('\n'), std::string::npos);
  rapidjson::Document doc = Parse(record.json);
  EXPECT_TRUE(doc["request"]["headers"][2][1].IsString());
}

// The redaction seam: whatever the redactor leaves is what is written.
class MaskingRedactor : public ExampleRedactor {
 public:
  void Redact(ExampleParts& parts) const override {
    for (auto& [name, value] : parts.request_headers) {
      if (name == "X-Trace") value = "[redacted]";
    }
    parts.request_body.bytes = "{\"name\":\"[redacted]\"}";
    for (Diff& diff : parts.diffs) diff.new_value = "\"[redacted]\"";
    if (parts.new_response) parts.new_response->body.bytes = "{}";
  }
};

TEST(ExampleRecordTest, RedactorRewritesBeforeWriting) {
  Fixture f;
  MaskingRedactor redactor;
  ExampleRecord record = BuildExampleRecord(f.Input(), ExampleLimits{}, &redactor);
  EXPECT_EQ(record.json.find("Ada"), std::string::npos);
  EXPECT_EQ(record.json.find("abc"), std::string::npos);
  rapidjson::Document doc = Parse(record.json);
  EXPECT_STREQ(doc["diffs"][0]["new"].GetString(), "[redacted]");
  EXPECT_TRUE(doc["new"]["body"].ObjectEmpty());
}

TEST(ExampleRecordTest, Helpers) {
  EXPECT_EQ(Base64Encode(""), "");
  EXPECT_EQ(Base64Encode("f"), "Zg==");
  EXPECT_EQ(Base64Encode("fo"), "Zm8=");
  EXPECT_EQ(Base64Encode("foo"), "Zm9v");
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(FormatUtcMillis(system_clock::time_point{}), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(FormatUtcMillis(kTime), "2026-11-22T20:01:02.123Z");
}

}  // namespace
}  // namespace shadowdiff
