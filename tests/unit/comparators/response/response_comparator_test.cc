#include "comparators/response_comparator.h"

#include <gtest/gtest.h>

#include <string>
#include <thread>
#include <vector>

#include "comparators/compare_scratch.h"
#include "tests/unit/comparators/body_codec/zlib_compress.h"

namespace shadowdiff {
namespace {

using testing::Gzip;

constexpr char kCustomer[] =
    R"({"customer":{"id":"c_1","email":"a@x.com","updated_at":"2024-05-01T10:00:00Z",)"
    R"("addresses":[{"zip":"10115"}]}})";
constexpr char kErrorPage[] =
    "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n"
    "<body><h1>Bad Gateway</h1></body></html>\n";

Response JsonResponse(std::string body, int status = 200) {
  Response r;
  r.status = status;
  r.headers = {{"Content-Type", "application/json; charset=utf-8"}, {"Date", "Mon"}};
  r.body = std::move(body);
  return r;
}

CompareRules NoHeaders() {
  CompareRules rules;
  rules.headers.clear();
  return rules;
}

Response Typed(int status, std::string content_type, std::string body) {
  Response r;
  r.status = status;
  r.headers = {{"Content-Type", std::move(content_type)}};
  r.body = std::move(body);
  return r;
}

class ResponseComparatorTest : public ::testing::Test {
 protected:
  CompareScratch scratch_;
};

TEST_F(ResponseComparatorTest, GzipJsonEqualsPlainJson) {
  ResponseComparator comparator{CompareRules{}};
  Response old_r = JsonResponse(Gzip(kCustomer));
  old_r.headers.emplace_back("Content-Encoding", "gzip");
  Response new_r = JsonResponse(kCustomer);
  Comparison c = comparator.Compare(old_r, new_r, scratch_);
  EXPECT_TRUE(c.equal()) << (c.diffs.empty() ? c.problem_detail : c.diffs[0].path);
}

TEST_F(ResponseComparatorTest, JsonFieldDifferencesAfterDecoding) {
  ResponseComparator comparator{CompareRules{}};
  Response old_r = JsonResponse(kCustomer);
  std::string changed = kCustomer;
  changed.replace(changed.find("a@x.com"), 7, "b@x.com");
  Response new_r = JsonResponse(Gzip(changed));
  new_r.headers.emplace_back("content-encoding", "GZIP");
  Comparison c = comparator.Compare(old_r, new_r, scratch_);
  ASSERT_EQ(c.diffs.size(), 1u);
  EXPECT_EQ(c.diffs[0].path, "$.customer.email");
  EXPECT_EQ(c.diffs[0].kind, DiffKind::kValue);
  EXPECT_EQ(c.diffs[0].old_value, "\"a@x.com\"");
  EXPECT_EQ(c.diffs[0].new_value, "\"b@x.com\"");
  EXPECT_EQ(c.problem, BodyProblem::kNone);
}

TEST_F(ResponseComparatorTest, IgnoredPathsDoNotDiffer) {
  CompareRules rules;
  auto ignore = JsonPath::Parse("$..updated_at");
  ASSERT_TRUE(ignore.ok());
  rules.ignore.push_back(*ignore);
  ResponseComparator comparator{rules};
  std::string changed = kCustomer;
  changed.replace(changed.find("10:00:00Z"), 9, "11:11:11Z");
  Comparison c = comparator.Compare(JsonResponse(kCustomer), JsonResponse(changed), scratch_);
  EXPECT_TRUE(c.equal());
}

TEST_F(ResponseComparatorTest, JsonAgainstHtmlErrorPage) {
  ResponseComparator comparator{CompareRules{}};
  Comparison c = comparator.Compare(JsonResponse(kCustomer),
                                    Typed(502, "text/html; charset=utf-8", kErrorPage), scratch_);
  ASSERT_GE(c.diffs.size(), 3u);
  EXPECT_EQ(c.diffs[0], (Diff{"status", DiffKind::kValue, "200", "502"}));
  EXPECT_EQ(c.diffs[1],
            (Diff{"header:content-type", DiffKind::kValue, "\"application/json; charset=utf-8\"",
                  "\"text/html; charset=utf-8\""}));
  EXPECT_EQ(c.diffs[2].path, "$");
  EXPECT_EQ(c.diffs[2].kind, DiffKind::kType);
  EXPECT_EQ(c.problem, BodyProblem::kInvalidJson);
  EXPECT_EQ(c.problem_side, "new");
  EXPECT_EQ(c.problem_detail.rfind("new: invalid JSON at offset 0", 0), 0u) << c.problem_detail;
}

TEST_F(ResponseComparatorTest, BothInvalidJsonFallsBackToText) {
  ResponseComparator comparator{CompareRules{}};
  std::string other_page = kErrorPage;
  other_page.replace(other_page.find("502 Bad Gateway"), 15, "503 Unavailable");
  Comparison c = comparator.Compare(JsonResponse(kErrorPage), JsonResponse(other_page), scratch_);
  EXPECT_EQ(c.problem, BodyProblem::kNone);
  EXPECT_TRUE(c.problem_side.empty());
  ASSERT_EQ(c.diffs.size(), 1u);
  EXPECT_EQ(c.diffs[0].path, "body");
  EXPECT_EQ(c.diffs[0].kind, DiffKind::kValue);
  EXPECT_NE(c.diffs[0].old_value.find("502 Bad Gateway"), std::string::npos);
  EXPECT_NE(c.diffs[0].new_value.find("503 Unavailable"), std::string::npos);
}

TEST_F(ResponseComparatorTest, IdenticalInvalidJsonIsEqual) {
  ResponseComparator comparator{CompareRules{}};
  Comparison c = comparator.Compare(JsonResponse(kErrorPage), JsonResponse(kErrorPage), scratch_);
  EXPECT_TRUE(c.equal());
}

TEST_F(ResponseComparatorTest, EmptyBodiesAreEqualEvenWhenLabelledJsonAndGzip) {
  ResponseComparator comparator{CompareRules{}};
  Response a = JsonResponse("", 204);
  a.headers.emplace_back("Content-Encoding", "gzip");
  Comparison c = comparator.Compare(a, JsonResponse("", 204), scratch_);
  EXPECT_TRUE(c.equal());
}

TEST_F(ResponseComparatorTest, StatusCanBeSwitchedOffAndHeadersAreTheConfiguredOnes) {
  CompareRules rules;
  rules.status = false;
  rules.headers = {"content-type", "cache-control"};
  ResponseComparator comparator{rules};
  Response old_r = JsonResponse("{}", 200);
  Response new_r = JsonResponse("{}", 201);
  old_r.headers.emplace_back("Cache-Control", "no-store");
  new_r.headers.emplace_back("Cache-Control", "max-age=60");
  Comparison c = comparator.Compare(old_r, new_r, scratch_);
  ASSERT_EQ(c.diffs.size(), 1u);
  EXPECT_EQ(c.diffs[0],
            (Diff{"header:cache-control", DiffKind::kValue, "\"no-store\"", "\"max-age=60\""}));
}

TEST_F(ResponseComparatorTest, FormBodiesCompareAsMaps) {
  ResponseComparator comparator{CompareRules{}};
  const char* type = "application/x-www-form-urlencoded";
  Comparison c = comparator.Compare(Typed(200, type, "a=1&b=two+words"),
                                    Typed(200, type, "b=two%20words&a=2"), scratch_);
  ASSERT_EQ(c.diffs.size(), 1u);
  EXPECT_EQ(c.diffs[0], (Diff{"form:a", DiffKind::kValue, "\"1\"", "\"2\""}));
}

TEST_F(ResponseComparatorTest, JsonOnEitherSideWinsOverForm) {
  ResponseComparator comparator{NoHeaders()};
  Comparison c = comparator.Compare(Typed(200, "application/x-www-form-urlencoded", "a=1"),
                                    JsonResponse(R"({"a":"1"})"), scratch_);
  EXPECT_EQ(c.problem, BodyProblem::kInvalidJson);
  EXPECT_EQ(c.problem_side, "old");
}

TEST_F(ResponseComparatorTest, PlainTextDiffers) {
  ResponseComparator comparator{CompareRules{}};
  Comparison c = comparator.Compare(Typed(200, "text/plain", "pong\n"),
                                    Typed(200, "text/plain", "PONG\n"), scratch_);
  ASSERT_EQ(c.diffs.size(), 1u);
  EXPECT_EQ(c.diffs[0], (Diff{"body", DiffKind::kValue, "\"pong\\n\"", "\"PONG\\n\""}));
}

TEST_F(ResponseComparatorTest, UnlabelledBodiesAreSniffed) {
  ResponseComparator comparator{NoHeaders()};
  Response old_r, new_r;
  old_r.body = "hello";
  new_r.body = "hellO";
  Comparison text = comparator.Compare(old_r, new_r, scratch_);
  ASSERT_EQ(text.diffs.size(), 1u);
  EXPECT_EQ(text.diffs[0].old_value, "\"hello\"");

  new_r.body = std::string("hel\0o", 5);
  Comparison binary = comparator.Compare(old_r, new_r, scratch_);
  ASSERT_EQ(binary.diffs.size(), 1u);
  EXPECT_EQ(binary.diffs[0].old_value.rfind("{\"length\":5,\"hash\":\"fnv1a64:", 0), 0u);
}

TEST_F(ResponseComparatorTest, BinaryBodiesByLengthAndHash) {
  ResponseComparator comparator{CompareRules{}};
  Comparison c = comparator.Compare(Typed(200, "image/png", "\x89PNG\r\n\x1a\n-one"),
                                    Typed(200, "image/png", "\x89PNG\r\n\x1a\n-two!"), scratch_);
  ASSERT_EQ(c.diffs.size(), 1u);
  EXPECT_EQ(c.diffs[0].path, "body");
  EXPECT_EQ(c.diffs[0].old_value.rfind("{\"length\":12,", 0), 0u) << c.diffs[0].old_value;
  EXPECT_EQ(c.diffs[0].new_value.rfind("{\"length\":13,", 0), 0u) << c.diffs[0].new_value;
}

TEST_F(ResponseComparatorTest, TruncatedBodyIsTooLargeAndComparedByHash) {
  ResponseComparator comparator{CompareRules{}};
  Response old_r = JsonResponse(std::string(R"({"a":")") + std::string(100, 'x'));
  old_r.body_truncated = true;
  Response new_r = JsonResponse(R"({"a":"short"})");
  Comparison c = comparator.Compare(old_r, new_r, scratch_);
  EXPECT_EQ(c.problem, BodyProblem::kTooLarge);
  EXPECT_EQ(c.problem_side, "old");
  EXPECT_EQ(c.problem_detail, "old: body truncated at the buffering cap (106 bytes kept)");
  ASSERT_EQ(c.diffs.size(), 1u);
  EXPECT_EQ(c.diffs[0].old_value.rfind("{\"length\":106,\"truncated\":true,", 0), 0u);
}

TEST_F(ResponseComparatorTest, DecompressionBombIsTooLargeAtTheCap) {
  CompareRules rules;
  rules.max_body_bytes = 64 * 1024;
  ResponseComparator comparator{rules};
  Response old_r = JsonResponse("[]");
  Response new_r = JsonResponse(Gzip(std::string(8 << 20, ' ')));
  new_r.headers.emplace_back("Content-Encoding", "gzip");
  Comparison c = comparator.Compare(old_r, new_r, scratch_);
  EXPECT_EQ(c.problem, BodyProblem::kTooLarge);
  EXPECT_EQ(c.problem_side, "new");
  EXPECT_EQ(c.problem_detail, "new: gzip: decoded body exceeds the 65536-byte cap");
  ASSERT_EQ(c.diffs.size(), 1u);
  EXPECT_EQ(c.diffs[0].new_value.rfind("{\"length\":65536,\"truncated\":true,", 0), 0u);
  EXPECT_LE(scratch_.new_body().a.capacity(), rules.max_body_bytes);
}

TEST_F(ResponseComparatorTest, PlainBodyOverTheCapIsTooLarge) {
  CompareRules rules;
  rules.max_body_bytes = 10;
  ResponseComparator comparator{rules};
  Comparison c =
      comparator.Compare(JsonResponse(R"({"a":"0123456789"})"), JsonResponse("{}"), scratch_);
  EXPECT_EQ(c.problem, BodyProblem::kTooLarge);
  EXPECT_EQ(c.problem_side, "old");
  EXPECT_EQ(c.problem_detail, "old: body of 18 bytes exceeds the 10-byte cap");
}

TEST_F(ResponseComparatorTest, UndecodableBodyIsADecodeError) {
  ResponseComparator comparator{CompareRules{}};
  Response old_r = JsonResponse("{}");
  old_r.headers.emplace_back("Content-Encoding", "br");
  Response new_r = JsonResponse("{}");
  new_r.headers.emplace_back("Content-Encoding", "gzip");
  Comparison c = comparator.Compare(old_r, new_r, scratch_);
  EXPECT_EQ(c.problem, BodyProblem::kDecodeError);
  EXPECT_EQ(c.problem_side, "both");
  EXPECT_EQ(c.problem_detail,
            "old: unsupported Content-Encoding 'br' (shadowdiff decodes gzip, x-gzip, deflate, "
            "identity); new: gzip: corrupt data (incorrect header check)");
  EXPECT_TRUE(c.diffs.empty());  // the raw bytes are the same
}

TEST_F(ResponseComparatorTest, CompareBodiesAutoSniffsJson) {
  ResponseComparator comparator{CompareRules{}};
  Comparison c =
      comparator.CompareBodies(R"({"a":[1,2]})", R"({"a":[1,3]})", BodyKind::kAuto, scratch_);
  ASSERT_EQ(c.diffs.size(), 1u);
  EXPECT_EQ(c.diffs[0], (Diff{"$.a[1]", DiffKind::kValue, "2", "3"}));

  Comparison scalar = comparator.CompareBodies("1", "1.0", BodyKind::kAuto, scratch_);
  EXPECT_TRUE(scalar.equal());
}

TEST_F(ResponseComparatorTest, CompareBodiesAutoReportsTheBrokenJsonSide) {
  ResponseComparator comparator{CompareRules{}};
  Comparison c = comparator.CompareBodies(R"({"a":1})", R"({"a":1)", BodyKind::kAuto, scratch_);
  EXPECT_EQ(c.problem, BodyProblem::kInvalidJson);
  EXPECT_EQ(c.problem_side, "new");
}

TEST_F(ResponseComparatorTest, CompareBodiesAutoTextAndBinary) {
  ResponseComparator comparator{CompareRules{}};
  Comparison text =
      comparator.CompareBodies("line one\nline 2", "line one\nline two", BodyKind::kAuto, scratch_);
  ASSERT_EQ(text.diffs.size(), 1u);
  EXPECT_EQ(text.diffs[0].new_value, "\"line one\\nline two\"");
  Comparison binary =
      comparator.CompareBodies("a", std::string("\0", 1), BodyKind::kAuto, scratch_);
  ASSERT_EQ(binary.diffs.size(), 1u);
  EXPECT_EQ(binary.diffs[0].old_value, R"({"length":1,"hash":"fnv1a64:af63dc4c8601ec8c"})");
}

TEST_F(ResponseComparatorTest, CompareBodiesExplicitKindIsObeyed) {
  ResponseComparator comparator{CompareRules{}};
  Comparison as_text =
      comparator.CompareBodies(R"({"a":1})", R"({"a": 1})", BodyKind::kText, scratch_);
  EXPECT_EQ(as_text.diffs.size(), 1u);
  Comparison as_json =
      comparator.CompareBodies(R"({"a":1})", R"({"a": 1})", BodyKind::kJson, scratch_);
  EXPECT_TRUE(as_json.equal());
  Comparison as_form = comparator.CompareBodies("a=1&b=2", "b=2&a=1", BodyKind::kForm, scratch_);
  EXPECT_TRUE(as_form.equal());
}

TEST_F(ResponseComparatorTest, OneComparatorManyThreadsEachWithItsOwnScratch) {
  CompareRules rules;
  auto ignore = JsonPath::Parse("$..updated_at");
  ASSERT_TRUE(ignore.ok());
  rules.ignore.push_back(*ignore);
  const ResponseComparator comparator{rules};
  Response old_r = JsonResponse(Gzip(kCustomer));
  old_r.headers.emplace_back("Content-Encoding", "gzip");
  std::string changed = kCustomer;
  changed.replace(changed.find("10115"), 5, "10117");
  Response new_r = JsonResponse(changed);

  std::vector<int> wrong(4, 0);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      CompareScratch scratch;
      for (int i = 0; i < 200; ++i) {
        Comparison c = comparator.Compare(old_r, new_r, scratch);
        if (c.diffs.size() != 1 || c.diffs[0].path != "$.customer.addresses[0].zip") ++wrong[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(wrong, std::vector<int>(4, 0));
}

}  // namespace
}  // namespace shadowdiff
