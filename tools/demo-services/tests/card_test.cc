#include "tools/demo-services/old_gateway/card.h"

#include <gtest/gtest.h>

namespace demo {
namespace {

TEST(AcceptCardNumber, LuhnValidNumbersGiveBrandAndLast4) {
  auto visa = AcceptCardNumber("4242 4242 4242 4242");
  ASSERT_TRUE(visa);
  EXPECT_EQ(visa->brand, "visa");
  EXPECT_EQ(visa->last4, "4242");
  EXPECT_EQ(AcceptCardNumber("5555-5555-5555-4444")->brand, "mastercard");
  EXPECT_EQ(AcceptCardNumber("2223003122003222")->brand, "mastercard");
  EXPECT_EQ(AcceptCardNumber("378282246310005")->brand, "amex");
  EXPECT_EQ(AcceptCardNumber("6011111111111117")->brand, "other");
}

TEST(AcceptCardNumber, DeclinesLuhnFailuresAndNonNumbers) {
  for (const char* bad : {"4242424242424241", "", "4242", "42424242424242424242",
                          "4242x42424242424", "abcdefghijklm"}) {
    EXPECT_FALSE(AcceptCardNumber(bad)) << bad;
  }
}

}  // namespace
}  // namespace demo
