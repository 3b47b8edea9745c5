#include "src/core/payload_redactor.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>
#include <zlib.h>

#include <memory>
#include <string>
#include <vector>

#include "src/core/card_masker.h"
#include "src/core/config_loader.h"
#include "src/core/pending_example.h"

namespace shadowdiff {
namespace {

std::vector<RedactRule> Rules(const std::string& yaml_list) {
  auto config = LoadConfigString("redact: " + yaml_list + "\n", "t.yaml");
  EXPECT_TRUE(config.ok()) << config.error().message;
  return config.ok() ? (*config)->redact : std::vector<RedactRule>{};
}

std::string DigitsOf(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c >= '0' && c <= '9') out.push_back(c);
  }
  return out;
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

// Every test card, each used in a different place of one exchange below.
const std::vector<std::string> kPans = {
    "4111111111111111", "4012888888881881", "5555555555554444",   "2223003122003222",
    "378282246310005",  "6011111111111117", "30569309025904",     "3530111333300000",
    "6011000990139424", "4222222222222",    "6304000000000000018"};

TEST(PayloadRedactorTest, RecordHoldsNoCardNumberCvvOrCredential) {
  PayloadRedactor redactor(Rules(R"(["$..cvv", "header:x-api-key"])"));
  Request request{"POST",
                  "/pay?pan=4111+1111+1111+1111&cvv=321&ok=1",
                  {{"Content-Type", "application/json"},
                   {"Authorization", "Bearer 4012888888881881"},
                   {"X-Card", "5555-5555-5555-4444"},
                   {"X-Api-Key", "k-secret-77"}},
                  R"({"card":{"number":"2223 0031 2200 3222","cvv":"987"},"378282246310005":1,
          "note":"amex \u0033\u0037\u0038282246310005"})"};
  Response old_response{200,
                        {{"Content-Type", "text/plain"}, {"Set-Cookie", "sid=6011111111111117"}},
                        "paid with 3056-930902-5904 ok",
                        false,
                        3};
  Response new_response{200,
                        {{"Content-Type", "application/json"}, {"Content-Encoding", "gzip"}},
                        Gzip(R"({"pan":3530111333300000,"cvv":"654"})"),
                        false,
                        4};
  Comparison comparison{{Diff{"$.pan", DiffKind::kValue, "6011000990139424", "3530111333300000"},
                         Diff{"$['4222222222222']", DiffKind::kMissing, "true", ""},
                         Diff{"$.cvv", DiffKind::kValue, "\"111\"", "\"654\""},
                         Diff{"body", DiffKind::kValue, "\"6304000000000000018\"", "\"x\""}},
                        false,
                        BodyProblem::kNone,
                        "",
                        ""};
  ExampleInput input;
  input.endpoint = "/pay";
  input.request = &request;
  input.old_response = &old_response;
  input.new_response = &new_response;
  input.comparison = &comparison;
  ExampleRecord record = BuildExampleRecord(input, ExampleLimits{}, &redactor);

  rapidjson::Document doc;
  doc.Parse(record.json.data(), record.json.size());
  ASSERT_FALSE(doc.HasParseError()) << record.json;
  const std::string digits = DigitsOf(record.json);
  for (const std::string& pan : kPans) {
    EXPECT_EQ(record.json.find(pan), std::string::npos) << pan << " in " << record.json;
    EXPECT_EQ(digits.find(pan), std::string::npos) << pan << " (digits only) in " << record.json;
  }
  for (const char* secret : {"987", "321", "654", "\"111\"", "k-secret-77", "Bearer"}) {
    EXPECT_EQ(record.json.find(secret), std::string::npos) << secret << " in " << record.json;
  }
  // "cvv" shows only as the path of the diff that says the two differ.
  EXPECT_EQ(record.json.find("cvv"), record.json.rfind("cvv"));
  EXPECT_NE(record.json.find("\"path\":\"$.cvv\""), std::string::npos);
  // What stays shows the shape: masked numbers, the diff's existence, untouched fields.
  EXPECT_STREQ(doc["request"]["target"].GetString(), "/pay?pan=4111+1100+0009+1111&ok=1");
  EXPECT_STREQ(doc["request"]["body"]["card"]["number"].GetString(), "2223 0000 0003 3222");
  EXPECT_STREQ(doc["old"]["body"].GetString(), "paid with 3056-930001-5904 ok");
  EXPECT_TRUE(doc["new"]["body_decoded"].GetBool());
  EXPECT_FALSE(doc["new"]["body"].HasMember("cvv"));
  EXPECT_STREQ(doc["diffs"][2]["path"].GetString(), "$.cvv");
  EXPECT_STREQ(doc["diffs"][2]["old"].GetString(), "[redacted]");
  EXPECT_STREQ(doc["diffs"][2]["new"].GetString(), "[redacted]");
  ASSERT_TRUE(doc["new"]["body"]["pan"].IsUint64());
  EXPECT_EQ(doc["new"]["body"]["pan"].GetUint64(), 3530110000000000u);
}

// Sinks budget on ExampleHead before a record is built (pending_example.h): its labels must
// be the built record's, card numbers in the method and diff paths masked the same way.
TEST(PayloadRedactorTest, HeadHasTheBuiltRecordsLabels) {
  PayloadRedactor redactor(Rules(R"(["$..cvv"])"));
  Request request{"4111111111111111", "/pay", {}, ""};
  Comparison comparison{{Diff{"$['4012888888881881'].amount", DiffKind::kValue, "1", "2"},
                         Diff{"$.items[3].cvv", DiffKind::kValue, "1", "2"},
                         Diff{"$.items[4].cvv", DiffKind::kValue, "1", "2"},
                         Diff{"status", DiffKind::kValue, "200", "201"}},
                        false,
                        BodyProblem::kNone,
                        "",
                        ""};
  ExampleInput input;
  input.endpoint = "/pay";
  input.request = &request;
  input.comparison = &comparison;
  ExampleLimits limits;
  limits.max_diffs = 3;
  ExampleRecord head = ExampleHead(input, limits, &redactor);
  ExampleRecord built = BuildExampleRecord(input, limits, &redactor);
  EXPECT_EQ(head.method, built.method);
  EXPECT_EQ(head.fields, built.fields);
  EXPECT_EQ(head.endpoint, built.endpoint);
  EXPECT_EQ(head.outcome, built.outcome);
  EXPECT_TRUE(head.json.empty());
  EXPECT_EQ(head.method.find("4111111111111111"), std::string::npos);
  EXPECT_EQ(head.fields,
            (std::vector<std::string>{"$['4012880000051881'].amount", "$.items[*].cvv"}));

  PendingExample pending(input, limits, &redactor);
  EXPECT_FALSE(pending.built());
  EXPECT_EQ(pending.head().fields, head.fields);
  const std::shared_ptr<const ExampleRecord> first = pending.Record();
  EXPECT_EQ(pending.Record().get(), first.get());  // built once
  EXPECT_EQ(first->json, built.json);
}

TEST(PayloadRedactorTest, CredentialHeadersStayRedactedByDefault) {
  PayloadRedactor redactor({});
  ExampleParts parts;
  parts.request_headers = {{"Cookie", "a=1"}, {"Proxy-Authorization", "Basic x"}};
  parts.old_response = ExampleResponse{200, {{"Set-Cookie", "b=2"}}, {}, 1};
  redactor.Redact(parts);
  EXPECT_EQ(parts.request_headers,
            (HeaderList{{"Cookie", "[redacted]"}, {"Proxy-Authorization", "[redacted]"}}));
  EXPECT_EQ(parts.old_response->headers, (HeaderList{{"Set-Cookie", "[redacted]"}}));
}

TEST(PayloadRedactorTest, CapturePartsAreRedactedTheSameWay) {
  // A capture line: the request and the primary's response, no second side, no diffs.
  PayloadRedactor redactor(Rules(R"(["$..cvv"])"));
  ExampleParts capture;
  capture.method = "POST";
  capture.target = "/charge";
  capture.request_headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
  capture.request_body.bytes = "number=6011111111111117&cvv=123";
  capture.old_response = ExampleResponse{
      201, {{"Content-Type", "application/json"}}, {R"({"last4":"1117"})", false, false}, 2};
  redactor.Redact(capture);
  EXPECT_EQ(capture.request_body.bytes, "number=6011110000091117");
  EXPECT_EQ(capture.old_response->body.bytes, R"({"last4":"1117"})");
  EXPECT_FALSE(capture.new_response.has_value());
}

TEST(PayloadRedactorTest, LogLinesAreMasked) {
  EXPECT_EQ(MaskCardNumbers("upstream said: invalid card 4111 1111 1111 1111"),
            "upstream said: invalid card 4111 1100 0009 1111");
}

}  // namespace
}  // namespace shadowdiff
