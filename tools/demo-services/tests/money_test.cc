#include "tools/demo-services/common/money.h"

#include <gtest/gtest.h>

namespace demo {
namespace {

TEST(ParsePositiveAmount, AcceptsUpToTwoDecimals) {
  EXPECT_EQ(ParsePositiveAmount("12.50"), 1250);
  EXPECT_EQ(ParsePositiveAmount("12.5"), 1250);
  EXPECT_EQ(ParsePositiveAmount("12"), 1200);
  EXPECT_EQ(ParsePositiveAmount("0.07"), 7);
  EXPECT_EQ(ParsePositiveAmount("999999999.99"), kMaxAmountCents);
}

TEST(ParsePositiveAmount, RejectsEverythingElse) {
  for (const char* bad : {"", "0", "0.00", "-1", "+1", "1.", ".5", "1.234", "1e3", "1,00", " 1",
                          "1 ", "1000000000", "abc", "1.5x"}) {
    EXPECT_EQ(ParsePositiveAmount(bad), std::nullopt) << bad;
  }
}

TEST(FormatCents, TwoDecimalStringAndExactJsonNumber) {
  EXPECT_EQ(FormatCentsTwoDecimals(1250), "12.50");
  EXPECT_EQ(FormatCentsTwoDecimals(0), "0.00");
  EXPECT_EQ(FormatCentsTwoDecimals(7), "0.07");
  EXPECT_EQ(FormatCentsAsJsonNumber(1250), "12.5");
  EXPECT_EQ(FormatCentsAsJsonNumber(1200), "12");
  EXPECT_EQ(FormatCentsAsJsonNumber(1201), "12.01");
  EXPECT_EQ(FormatCentsAsJsonNumber(7), "0.07");
  EXPECT_EQ(FormatCentsAsJsonNumber(0), "0");
}

}  // namespace
}  // namespace demo
