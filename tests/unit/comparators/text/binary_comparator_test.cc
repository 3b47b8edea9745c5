#include "comparators/text/binary_comparator.h"

#include <gtest/gtest.h>

#include <string>

namespace shadowdiff {
namespace {

TEST(Fnv1a64Test, KnownVectors) {
  EXPECT_EQ(Fnv1a64(""), 0xcbf29ce484222325ULL);
  EXPECT_EQ(Fnv1a64("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(Fnv1a64("foobar"), 0x85944171f73967e8ULL);
}

TEST(BinaryDiffValueTest, LengthAndHash) {
  EXPECT_EQ(BinaryDiffValue("foobar", false), R"({"length":6,"hash":"fnv1a64:85944171f73967e8"})");
  EXPECT_EQ(BinaryDiffValue("", true),
            R"({"length":0,"truncated":true,"hash":"fnv1a64:cbf29ce484222325"})");
}

TEST(CompareBinaryTest, EqualBytesAddNothing) {
  Comparison c;
  CompareBinary(std::string("\x89PNG\0", 5), false, std::string("\x89PNG\0", 5), false, &c);
  EXPECT_TRUE(c.equal());
}

TEST(CompareBinaryTest, DifferentBytesAreOneBodyDiff) {
  Comparison c;
  CompareBinary("a", false, "foobar", false, &c);
  ASSERT_EQ(c.diffs.size(), 1u);
  EXPECT_EQ(c.diffs[0],
            (Diff{"body", DiffKind::kValue, R"({"length":1,"hash":"fnv1a64:af63dc4c8601ec8c"})",
                  R"({"length":6,"hash":"fnv1a64:85944171f73967e8"})"}));
}

TEST(CompareBinaryTest, SamePrefixButOnlyOneSideTruncatedDiffers) {
  Comparison c;
  CompareBinary("abc", true, "abc", false, &c);
  ASSERT_EQ(c.diffs.size(), 1u);
  EXPECT_NE(c.diffs[0].old_value.find("\"truncated\":true"), std::string::npos);
}

}  // namespace
}  // namespace shadowdiff
