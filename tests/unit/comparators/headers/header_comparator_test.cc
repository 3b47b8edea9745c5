#include "comparators/headers/header_comparator.h"

#include <gtest/gtest.h>

#include <string>

namespace shadowdiff {
namespace {

TEST(JoinedHeaderValueTest, JoinsRepeatedFieldsInOrderIgnoringCase) {
  HeaderList h = {{"Vary", "Accept"}, {"X", "1"}, {"vary", "Origin"}, {"VARY", "Cookie"}};
  EXPECT_EQ(JoinedHeaderValue(h, "vary"), "Accept, Origin, Cookie");
  EXPECT_EQ(JoinedHeaderValue(h, "X"), "1");
  EXPECT_FALSE(JoinedHeaderValue(h, "y").has_value());
}

TEST(JoinedHeaderValueTest, EmptyValueIsPresent) {
  HeaderList h = {{"X-Empty", ""}};
  EXPECT_EQ(JoinedHeaderValue(h, "x-empty"), "");
}

TEST(CompareHeadersTest, OnlyConfiguredHeadersAreCompared) {
  HeaderList old_h = {{"Content-Type", "application/json"}, {"Date", "Mon"}};
  HeaderList new_h = {{"content-type", "application/json"}, {"Date", "Tue"}};
  Comparison c;
  CompareHeaders(old_h, new_h, {"content-type"}, &c);
  EXPECT_TRUE(c.equal());
}

TEST(CompareHeadersTest, NamesAreCaseInsensitiveAndPathsLowerCase) {
  HeaderList old_h = {{"CONTENT-TYPE", "application/json"}};
  HeaderList new_h = {{"content-type", "text/html"}};
  Comparison c;
  CompareHeaders(old_h, new_h, {"Content-Type"}, &c);
  ASSERT_EQ(c.diffs.size(), 1u);
  EXPECT_EQ(c.diffs[0], (Diff{"header:content-type", DiffKind::kValue, "\"application/json\"",
                              "\"text/html\""}));
}

TEST(CompareHeadersTest, MissingAndExtra) {
  HeaderList old_h = {{"Cache-Control", "no-store"}};
  HeaderList new_h = {{"ETag", "\"v1\""}};
  Comparison c;
  CompareHeaders(old_h, new_h, {"cache-control", "etag", "x-absent"}, &c);
  ASSERT_EQ(c.diffs.size(), 2u);
  EXPECT_EQ(c.diffs[0], (Diff{"header:cache-control", DiffKind::kMissing, "\"no-store\"", ""}));
  EXPECT_EQ(c.diffs[1], (Diff{"header:etag", DiffKind::kExtra, "", R"("\"v1\"")"}));
}

TEST(CompareHeadersTest, MultipleValuesAreJoinedBeforeComparing) {
  HeaderList old_h = {{"Vary", "Accept"}, {"Vary", "Origin"}};
  HeaderList same = {{"Vary", "Accept, Origin"}};
  HeaderList reordered = {{"Vary", "Origin"}, {"Vary", "Accept"}};
  Comparison equal;
  CompareHeaders(old_h, same, {"vary"}, &equal);
  EXPECT_TRUE(equal.equal());
  Comparison c;
  CompareHeaders(old_h, reordered, {"vary"}, &c);
  ASSERT_EQ(c.diffs.size(), 1u);
  EXPECT_EQ(c.diffs[0].old_value, "\"Accept, Origin\"");
  EXPECT_EQ(c.diffs[0].new_value, "\"Origin, Accept\"");
}

TEST(CompareHeadersTest, LongValuesAreSummarised) {
  std::string big_old(3000, 'a');
  std::string big_new = big_old;
  big_new[2000] = 'b';
  Comparison c;
  CompareHeaders({{"X-Big", big_old}}, {{"X-Big", big_new}}, {"x-big"}, &c);
  ASSERT_EQ(c.diffs.size(), 1u);
  EXPECT_LE(c.diffs[0].old_value.size(), kMaxDiffValueBytes);
  EXPECT_EQ(c.diffs[0].old_value.rfind(
                "\"<3000 bytes; first difference at line 1, column 2001 (byte 2000): …", 0),
            0u)
      << c.diffs[0].old_value;
}

}  // namespace
}  // namespace shadowdiff
