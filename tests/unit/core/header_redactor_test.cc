#include "src/core/header_redactor.h"

#include <gtest/gtest.h>

#include "src/core/config_loader.h"

namespace shadowdiff {
namespace {

TEST(HeaderRedactorTest, CredentialsAndConfiguredHeadersAreMasked) {
  auto config = LoadConfigString("redact: [\"header:X-Api-Key\", \"$..cvv\"]\n", "t.yaml");
  ASSERT_TRUE(config.ok()) << config.error().message;
  HeaderRedactor redactor((*config)->redact);

  ExampleParts parts;
  parts.request_headers = {{"Authorization", "Bearer s3cret"},
                           {"Cookie", "session=abc"},
                           {"x-api-key", "k-123"},
                           {"Accept", "application/json"}};
  parts.old_response = ExampleResponse{200, {{"Set-Cookie", "id=1"}, {"ETag", "\"v1\""}}, {}, 1};
  parts.diffs = {Diff{"header:x-api-key", DiffKind::kValue, "\"k-1\"", "\"k-2\""},
                 Diff{"header:content-type", DiffKind::kValue, "\"a\"", "\"b\""},
                 Diff{"header:authorization", DiffKind::kMissing, "\"Bearer x\"", ""}};
  redactor.Redact(parts);

  EXPECT_EQ(parts.request_headers, (HeaderList{{"Authorization", "[redacted]"},
                                               {"Cookie", "[redacted]"},
                                               {"x-api-key", "[redacted]"},
                                               {"Accept", "application/json"}}));
  EXPECT_EQ(parts.old_response->headers,
            (HeaderList{{"Set-Cookie", "[redacted]"}, {"ETag", "\"v1\""}}));
  EXPECT_EQ(parts.diffs[0].old_value, "\"[redacted]\"");
  EXPECT_EQ(parts.diffs[0].new_value, "\"[redacted]\"");
  EXPECT_EQ(parts.diffs[1].old_value, "\"a\"");  // not a secret: shown
  EXPECT_EQ(parts.diffs[2].old_value, "\"[redacted]\"");
  EXPECT_EQ(parts.diffs[2].new_value, "");  // an absent side stays absent
}

TEST(HeaderRedactorTest, RecordsNeverContainTheSecret) {
  HeaderRedactor redactor({});
  Request request{"GET", "/a", {{"Authorization", "Bearer s3cret-token"}}, ""};
  Response old_response{200, {{"Content-Type", "application/json"}}, "{}", false, 1};
  ExampleInput input;
  input.endpoint = "/a";
  input.request = &request;
  input.old_response = &old_response;
  ExampleRecord record = BuildExampleRecord(input, ExampleLimits{}, &redactor);
  EXPECT_EQ(record.json.find("s3cret-token"), std::string::npos) << record.json;
  EXPECT_NE(record.json.find("[redacted]"), std::string::npos) << record.json;
}

}  // namespace
}  // namespace shadowdiff
