// Stored examples through the whole proxy: a mismatch becomes one JSON line in store.jsonl
// with the fields of SPEC.md "Stored mismatch examples", and one record in the memory ring;
// a match stores nothing.
#include <string>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "src/core/example_record.h"
#include "tests/integration/proxy/proxy_fixture.h"

namespace shadowdiff::test {
namespace {

constexpr char kConfig[] = R"(
endpoints:
  - path: /customers/{token}
    methods: [GET, POST]
    shadow: compare
    allow_side_effects: true
)";

class StoreTest : public ProxyFixture {};

std::string Str(const rapidjson::Value& v) {
  return v.IsString() ? std::string(v.GetString(), v.GetStringLength()) : "<not a string>";
}

TEST_F(StoreTest, MismatchWritesOneJsonlLineWithTheSpecFields) {
  old_->SetReply(FakeReply::Json(200, R"({"customer":{"phone":"555-1","name":"Ann"}})"));
  new_->SetReply(FakeReply::Json(200, R"({"customer":{"phone":"555-2","name":"Ann"}})"));
  ASSERT_TRUE(StartProxy(kConfig));
  ASSERT_EQ(Post("/customers/c1?v=2", R"({"q":true})",
                 {{"Content-Type", "application/json"}, {"Authorization", "Bearer tok-s3cret"}})
                .status,
            200);
  ASSERT_TRUE(WaitForOutcome("/customers/{token}", "POST", "mismatch"));
  std::vector<std::string> lines = WaitForStoreLines(1);
  ASSERT_EQ(lines.size(), 1u);

  // Credentials never reach the store: the header is kept, its value masked.
  EXPECT_EQ(lines[0].find("tok-s3cret"), std::string::npos) << lines[0];
  EXPECT_NE(lines[0].find("[\"Authorization\",\"[redacted]\"]"), std::string::npos) << lines[0];

  rapidjson::Document doc;
  doc.Parse(lines[0].c_str(), lines[0].size());
  ASSERT_FALSE(doc.HasParseError()) << lines[0];
  ASSERT_TRUE(doc.IsObject());
  for (const char* key : {"time", "endpoint", "method", "target", "outcome", "primary", "diffs",
                          "request", "old", "new"}) {
    EXPECT_TRUE(doc.HasMember(key)) << "missing " << key << " in " << lines[0];
  }
  if (::testing::Test::HasFailure()) return;
  EXPECT_EQ(Str(doc["endpoint"]), "/customers/{token}");
  EXPECT_EQ(Str(doc["method"]), "POST");
  EXPECT_EQ(Str(doc["target"]), "/customers/c1?v=2");
  EXPECT_EQ(Str(doc["outcome"]), "mismatch");
  EXPECT_EQ(Str(doc["primary"]), "old");

  ASSERT_TRUE(doc["diffs"].IsArray());
  ASSERT_EQ(doc["diffs"].Size(), 1u) << lines[0];
  const rapidjson::Value& diff = doc["diffs"][0];
  EXPECT_EQ(Str(diff["path"]), "$.customer.phone");
  EXPECT_EQ(Str(diff["kind"]), "value");
  EXPECT_EQ(Str(diff["old"]), "555-1");
  EXPECT_EQ(Str(diff["new"]), "555-2");

  const rapidjson::Value& request = doc["request"];
  EXPECT_EQ(Str(request["method"]), "POST");
  EXPECT_EQ(Str(request["target"]), "/customers/c1?v=2");
  EXPECT_TRUE(request["headers"].IsArray());
  ASSERT_TRUE(request.HasMember("body"));
  ASSERT_TRUE(request["body"].IsObject()) << lines[0];
  EXPECT_TRUE(request["body"]["q"].IsTrue());

  for (const char* side : {"old", "new"}) {
    const rapidjson::Value& r = doc[side];
    ASSERT_TRUE(r.IsObject()) << side;
    EXPECT_EQ(r["status"].GetInt(), 200) << side;
    EXPECT_TRUE(r["headers"].IsArray()) << side;
    EXPECT_TRUE(r["duration_ms"].IsNumber()) << side;
    ASSERT_TRUE(r["body"].IsObject()) << side;
  }
  EXPECT_EQ(Str(doc["old"]["body"]["customer"]["phone"]), "555-1");
  EXPECT_EQ(Str(doc["new"]["body"]["customer"]["phone"]), "555-2");

  // The memory ring has it too.
  auto recent = recent_examples().Recent("/customers/{token}", "", 10);
  ASSERT_EQ(recent.size(), 1u);
}

TEST_F(StoreTest, MatchStoresNothingShadowErrorStoresARecordWithNullNew) {
  old_->SetReply(FakeReply::Json(200, R"({"a":1})"));
  new_->SetReply(FakeReply::Json(200, R"({"a":1})"));
  ASSERT_TRUE(StartProxy(kConfig));
  ASSERT_EQ(Get("/customers/c1").status, 200);
  ASSERT_TRUE(WaitForOutcome("/customers/{token}", "GET", "match"));

  new_->SetReply(FakeReply::Reset());
  ASSERT_EQ(Get("/customers/c2").status, 200);
  ASSERT_TRUE(WaitForOutcome("/customers/{token}", "GET", "shadow_error"));
  std::vector<std::string> lines = WaitForStoreLines(1);
  ASSERT_EQ(lines.size(), 1u) << "a match was stored?";
  rapidjson::Document doc;
  doc.Parse(lines[0].c_str(), lines[0].size());
  ASSERT_FALSE(doc.HasParseError());
  EXPECT_EQ(Str(doc["outcome"]), "shadow_error");
  EXPECT_EQ(Str(doc["target"]), "/customers/c2");
  EXPECT_TRUE(doc["new"].IsNull()) << lines[0];
  EXPECT_TRUE(doc.HasMember("error")) << lines[0];
}

}  // namespace
}  // namespace shadowdiff::test
