#include "comparators/json/json_number.h"

#include <gtest/gtest.h>

namespace shadowdiff {
namespace {

TEST(JsonNumber, EqualSpellings) {
  EXPECT_TRUE(NumbersEqualExactly("1", "1.0"));
  EXPECT_TRUE(NumbersEqualExactly("1", "1e0"));
  EXPECT_TRUE(NumbersEqualExactly("1", "10e-1"));
  EXPECT_TRUE(NumbersEqualExactly("1", "0.1E+1"));
  EXPECT_TRUE(NumbersEqualExactly("-0", "0"));
  EXPECT_TRUE(NumbersEqualExactly("0.000", "-0e5"));
  EXPECT_TRUE(NumbersEqualExactly("120", "1.2e2"));
  EXPECT_TRUE(NumbersEqualExactly("0.0012", "12e-4"));
  EXPECT_TRUE(NumbersEqualExactly("1e400", "10e399"));
}

TEST(JsonNumber, DifferentValues) {
  EXPECT_FALSE(NumbersEqualExactly("1", "-1"));
  EXPECT_FALSE(NumbersEqualExactly("1", "1.0000000000000000000001"));
  EXPECT_FALSE(NumbersEqualExactly("12", "21"));
  EXPECT_FALSE(NumbersEqualExactly("100", "10"));
  EXPECT_FALSE(NumbersEqualExactly("0", "1e-400"));
  EXPECT_FALSE(NumbersEqualExactly("1e400", "1e401"));
  // 2^53 + 1 and 2^53 are the same double; they are different numbers.
  EXPECT_FALSE(NumbersEqualExactly("9007199254740993", "9007199254740992"));
  EXPECT_FALSE(
      NumbersEqualExactly("123456789012345678901234567890", "123456789012345678901234567891"));
  EXPECT_FALSE(NumbersEqualExactly("18446744073709551617", "18446744073709551616"));
  EXPECT_TRUE(NumbersEqualExactly("18446744073709551617", "1.8446744073709551617e19"));
}

TEST(JsonNumber, Tolerance) {
  EXPECT_TRUE(NumbersEqual("1.0", "1.004", 0.005));
  EXPECT_FALSE(NumbersEqual("1.0", "1.006", 0.005));
  EXPECT_FALSE(NumbersEqual("1.0", "1.004", 0));
  EXPECT_FALSE(NumbersEqual("1e400", "1e401", 1e300));  // out of double range: never within
  EXPECT_TRUE(NumbersEqual("1e400", "10e399", 0));      // but exactly equal
}

TEST(JsonNumber, HashFollowsValue) {
  EXPECT_EQ(NumberHash("1"), NumberHash("1.0"));
  EXPECT_EQ(NumberHash("1"), NumberHash("10e-1"));
  EXPECT_EQ(NumberHash("-0"), NumberHash("0.0"));
  EXPECT_EQ(NumberHash("123456789012345678901234567890"),
            NumberHash("1.2345678901234567890123456789e29"));
  EXPECT_NE(NumberHash("1"), NumberHash("-1"));
  EXPECT_NE(NumberHash("1"), NumberHash("10"));
  EXPECT_NE(NumberHash("123456789012345678901234567890"),
            NumberHash("123456789012345678901234567891"));
}

}  // namespace
}  // namespace shadowdiff
