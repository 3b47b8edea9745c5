#include "comparators/text/text_comparator.h"

#include <gtest/gtest.h>

#include <string>

#include "comparators/text/text_value.h"

namespace shadowdiff {
namespace {

TEST(FirstDifferenceTest, LineColumnAndOffset) {
  TextPosition p = FirstDifference("ab\ncd\nef", "ab\ncX\nef");
  EXPECT_EQ(p.offset, 4u);
  EXPECT_EQ(p.line, 2u);
  EXPECT_EQ(p.column, 2u);
}

TEST(FirstDifferenceTest, PrefixDiffersWhereTheShorterEnds) {
  TextPosition p = FirstDifference("abc", "abcdef");
  EXPECT_EQ(p.offset, 3u);
  EXPECT_EQ(p.line, 1u);
  EXPECT_EQ(p.column, 4u);
}

TEST(TextDiffValueTest, ShortTextIsAJsonString) {
  EXPECT_EQ(TextDiffValue("say \"hi\"\n"), R"("say \"hi\"\n")");
}

TEST(TextDiffValueTest, LongTextIsSummarisedAtTheFirstDifference) {
  std::string text =
      std::string(50, '.') + "\n" + std::string(1950, 'x') + "HERE" + std::string(2000, 'y');
  TextPosition at{2001, 2, 1951};
  std::string v = TextDiffValue(text, at);
  EXPECT_LE(v.size(), kMaxDiffValueBytes);
  std::string expected = "\"<4005 bytes; first difference at line 2, column 1951 (byte 2001): …" +
                         std::string(20, 'x') + "HERE" + std::string(96, 'y') + "…>\"";
  EXPECT_EQ(v, expected);
}

TEST(TextDiffValueTest, ExcerptNeverSplitsAUtf8Character) {
  std::string text;
  for (int i = 0; i < 600; ++i) text += "\xC3\xA9";  // é, 1200 bytes
  std::string v = TextDiffValue(text, TextPosition{501, 1, 502});
  // Starts 20 bytes before 501 = 481, inside a character: moved back to 480.
  std::string expected = "\"<1200 bytes; first difference at line 1, column 502 (byte 501): …";
  for (int i = 0; i < 60; ++i) expected += "\xC3\xA9";
  expected += "…>\"";
  EXPECT_EQ(v, expected);
}

TEST(CompareTextTest, EqualTextsAddNothing) {
  Comparison c;
  CompareText("<html>ok</html>", "<html>ok</html>", &c);
  EXPECT_TRUE(c.equal());
}

TEST(CompareTextTest, DifferentTextsAreOneBodyDiff) {
  Comparison c;
  CompareText("<h1>Not Found</h1>", "<h1>Server Error</h1>", &c);
  ASSERT_EQ(c.diffs.size(), 1u);
  EXPECT_EQ(c.diffs[0], (Diff{"body", DiffKind::kValue, "\"<h1>Not Found</h1>\"",
                              "\"<h1>Server Error</h1>\""}));
}

TEST(CompareTextTest, InvalidUtf8StillYieldsValidJsonValues) {
  Comparison c;
  CompareText("caf\xE9", "cafe", &c);
  ASSERT_EQ(c.diffs.size(), 1u);
  EXPECT_EQ(c.diffs[0].old_value, "\"caf\xEF\xBF\xBD\"");
}

}  // namespace
}  // namespace shadowdiff
