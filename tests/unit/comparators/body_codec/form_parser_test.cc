#include "comparators/body_codec/form_parser.h"

#include <gtest/gtest.h>

namespace shadowdiff {
namespace {

TEST(ParseFormTest, PairsInOrderWithRepeats) {
  FormFields f = ParseForm("b=2&a=1&b=3");
  EXPECT_EQ(f, (FormFields{{"b", "2"}, {"a", "1"}, {"b", "3"}}));
}

TEST(ParseFormTest, PercentAndPlusDecoding) {
  FormFields f =
      ParseForm("full+name=Ada%20Lovelace&email=a%40x.com&q=1%2B1%3D2&k%C3%A9=%e2%82%ac");
  EXPECT_EQ(f, (FormFields{{"full name", "Ada Lovelace"},
                           {"email", "a@x.com"},
                           {"q", "1+1=2"},
                           {"k\xC3\xA9", "\xE2\x82\xAC"}}));
}

TEST(ParseFormTest, MalformedEscapesAreKeptLiterally) {
  EXPECT_EQ(ParseForm("a=100%&b=%4&c=%zz&d=%%41&e=%"),
            (FormFields{{"a", "100%"}, {"b", "%4"}, {"c", "%zz"}, {"d", "%A"}, {"e", "%"}}));
}

TEST(ParseFormTest, EmptyPairsMissingEqualsAndEmptyValues) {
  EXPECT_EQ(ParseForm("&&a&b=&=c&&"), (FormFields{{"a", ""}, {"b", ""}, {"", "c"}}));
  EXPECT_TRUE(ParseForm("").empty());
  EXPECT_TRUE(ParseForm("&").empty());
}

TEST(ParseFormTest, OnlyTheFirstEqualsSplits) {
  EXPECT_EQ(ParseForm("token=abc==&x=a=b"), (FormFields{{"token", "abc=="}, {"x", "a=b"}}));
}

TEST(ParseFormTest, DecodedNulAndBinaryBytesSurvive) {
  FormFields f = ParseForm("a=%00%FF");
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].second, std::string("\0\xFF", 2));
}

}  // namespace
}  // namespace shadowdiff
