#include "comparators/body_codec/content_type.h"

#include <gtest/gtest.h>

#include <string>

namespace shadowdiff {
namespace {

TEST(ClassifyContentTypeTest, Json) {
  EXPECT_EQ(ClassifyContentType("application/json"), MediaClass::kJson);
  EXPECT_EQ(ClassifyContentType("Application/JSON; charset=utf-8"), MediaClass::kJson);
  EXPECT_EQ(ClassifyContentType("application/problem+json"), MediaClass::kJson);
  EXPECT_EQ(ClassifyContentType("application/vnd.api+JSON"), MediaClass::kJson);
  EXPECT_EQ(ClassifyContentType("text/json"), MediaClass::kJson);
  EXPECT_EQ(ClassifyContentType(" application / json "), MediaClass::kJson);
}

TEST(ClassifyContentTypeTest, Form) {
  EXPECT_EQ(ClassifyContentType("application/x-www-form-urlencoded"), MediaClass::kForm);
  EXPECT_EQ(ClassifyContentType("application/x-www-form-urlencoded;charset=UTF-8"),
            MediaClass::kForm);
}

TEST(ClassifyContentTypeTest, Text) {
  EXPECT_EQ(ClassifyContentType("text/html; charset=iso-8859-1"), MediaClass::kText);
  EXPECT_EQ(ClassifyContentType("text/plain"), MediaClass::kText);
  EXPECT_EQ(ClassifyContentType("application/xml"), MediaClass::kText);
  EXPECT_EQ(ClassifyContentType("application/atom+xml"), MediaClass::kText);
  EXPECT_EQ(ClassifyContentType("application/javascript"), MediaClass::kText);
}

TEST(ClassifyContentTypeTest, UnknownIsSniffed) {
  EXPECT_EQ(ClassifyContentType(""), MediaClass::kUnknown);
  EXPECT_EQ(ClassifyContentType("application/octet-stream"), MediaClass::kUnknown);
  EXPECT_EQ(ClassifyContentType("image/png"), MediaClass::kUnknown);
  EXPECT_EQ(ClassifyContentType("json"), MediaClass::kUnknown);
  EXPECT_EQ(ClassifyContentType("application/jsonx"), MediaClass::kUnknown);
  EXPECT_EQ(ClassifyContentType("image/json"), MediaClass::kUnknown);
}

TEST(LooksLikeTextTest, Utf8WithoutNulIsText) {
  EXPECT_TRUE(LooksLikeText(""));
  EXPECT_TRUE(LooksLikeText("hello\n\tworld"));
  EXPECT_TRUE(LooksLikeText("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"));
}

TEST(LooksLikeTextTest, NulInvalidUtf8AndLatin1AreBinary) {
  EXPECT_FALSE(LooksLikeText(std::string("a\0b", 3)));
  EXPECT_FALSE(LooksLikeText("caf\xE9"));           // Latin-1 é: the charset limit
  EXPECT_FALSE(LooksLikeText("\xC0\xAF"));          // overlong
  EXPECT_FALSE(LooksLikeText("\xED\xA0\x80"));      // surrogate
  EXPECT_FALSE(LooksLikeText("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(LooksLikeText("\xE2\x82"));          // cut short
  EXPECT_FALSE(LooksLikeText("\x89PNG\r\n\x1a\n"));
}

}  // namespace
}  // namespace shadowdiff
