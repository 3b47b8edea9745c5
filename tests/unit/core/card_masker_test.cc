#include "src/core/card_masker.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

namespace shadowdiff {
namespace {

// Public test card numbers (every one Luhn-valid), with their brands' lengths 13-19.
const std::vector<std::string> kTestCards = {
    "4111111111111111",     // Visa
    "4012888888881881",     // Visa
    "4222222222222",        // Visa, 13 digits
    "5555555555554444",     // Mastercard
    "2223003122003222",     // Mastercard 2-series
    "378282246310005",      // Amex, 15 digits
    "6011111111111117",     // Discover
    "6011000990139424",     // Discover
    "30569309025904",       // Diners, 14 digits
    "3530111333300000",     // JCB
    "6304000000000000018",  // 19 digits
};

std::string DigitsOf(std::string_view text) {
  std::string out;
  for (char c : text) {
    if (c >= '0' && c <= '9') out.push_back(c);
  }
  return out;
}

// "%20" / "%2D" / "%2d" read as one separator character.
std::string Unescaped(std::string_view text) {
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '%' && i + 2 < text.size() && text[i + 1] == '2') {
      out.push_back(text[i + 2] == '0' ? ' ' : '-');
      i += 2;
    } else {
      out.push_back(text[i]);
    }
  }
  return out;
}

// Checks that `masked` is a proper mask of `original` (both the same card, maybe with
// separators): same length and non-digit bytes, first six and last four digits kept,
// Luhn-valid, and not the original number.
void ExpectMasked(const std::string& original, const std::string& masked) {
  ASSERT_EQ(masked.size(), original.size()) << masked;
  for (size_t i = 0; i < original.size(); ++i) {
    const bool digit = original[i] >= '0' && original[i] <= '9';
    if (!digit) {
      EXPECT_EQ(masked[i], original[i]) << "separator moved at " << i << ": " << masked;
    }
  }
  const std::string before = DigitsOf(original);
  const std::string after = DigitsOf(masked);
  ASSERT_EQ(after.size(), before.size());
  EXPECT_EQ(after.substr(0, 6), before.substr(0, 6)) << masked;
  EXPECT_EQ(after.substr(after.size() - 4), before.substr(before.size() - 4)) << masked;
  EXPECT_TRUE(IsLuhnValid(after)) << masked;
  EXPECT_NE(after, before) << "the mask is the original number";
}

TEST(CardMaskerTest, TestCardNumbersAreLuhnValid) {
  for (const std::string& card : kTestCards) EXPECT_TRUE(IsLuhnValid(card)) << card;
  EXPECT_FALSE(IsLuhnValid("4111111111111112"));
  EXPECT_FALSE(IsLuhnValid(""));
  EXPECT_FALSE(IsLuhnValid("4111 1111"));
}

TEST(CardMaskerTest, MasksEveryTestCardKeepingFirstSixAndLastFour) {
  for (const std::string& card : kTestCards) {
    SCOPED_TRACE(card);
    std::string masked = MaskCardNumbers(card);
    ExpectMasked(card, masked);
    // The middle is zeros plus one digit that makes the number Luhn-valid again (and, when
    // that would be the number itself, a 1 in front: see MaskNeverEqualsTheOriginal).
    std::string middle = masked.substr(7, masked.size() - 12);
    EXPECT_EQ(middle, std::string(middle.size(), '0'));
  }
}

TEST(CardMaskerTest, MasksWithSpacesAndDashesKeepingThemInPlace) {
  for (const std::string& text :
       {std::string("4111 1111 1111 1111"), std::string("4111-1111-1111-1111"),
        std::string("3782 822463 10005"), std::string("5555-5555-5555-4444"),
        std::string("4111+1111+1111+1111"), std::string("4111%201111%201111%201111"),
        std::string("4111%2D1111%2d1111%2D1111")}) {
    SCOPED_TRACE(text);
    // Compare with the escapes read as one character (their hex digits are no PAN digits).
    std::string masked = MaskCardNumbers(text);
    ExpectMasked(Unescaped(text), Unescaped(masked));
  }
}

TEST(CardMaskerTest, MasksInsideLongerText) {
  std::string text =
      "card=4111111111111111&x=1 and {\"pan\":\"5555 5555 5555 4444\"} tok_378282246310005";
  std::string masked = MaskCardNumbers(text);
  EXPECT_EQ(masked,
            "card=4111110000091111&x=1 and {\"pan\":\"5555 5500 0008 4444\"} tok_378282000030005")
      << masked;
}

TEST(CardMaskerTest, SameNumberMasksTheSameWay) {
  EXPECT_EQ(MaskCardNumbers("a 4111111111111111 b"),
            "a " + MaskCardNumbers("4111111111111111") + " b");
  EXPECT_EQ(MaskCardNumbers("4111-1111-1111-1111"), "4111-1100-0009-1111");
}

TEST(CardMaskerTest, LeavesNonLuhnAndOutOfRangeRunsAlone) {
  for (const std::string& text :
       {std::string("4111111111111112"),           // fails Luhn
        std::string("411111111111"),               // 12 digits
        std::string("41111111111111111111"),       // 20 digits
        std::string("1234567890123456789012345"),  // a 25-digit id
        std::string("4111111111111111411111111"),  // a PAN prefix of a longer run
        std::string("x4111111111111111111111y"),   // 22 digits
        std::string("4111  1111  1111  1111"),     // two spaces are not one separator
        std::string("4111.1111.1111.1111"),        // '.' is not a separator
        std::string("2026-11-22")}) {
    EXPECT_EQ(MaskCardNumbers(text), text) << text;
  }
}

TEST(CardMaskerTest, LongerDigitRunIsNotPartlyMasked) {
  // 4111111111111111 is a valid PAN, but here it is the tail of a 20-digit id.
  std::string id = "94111111111111111111";
  EXPECT_EQ(MaskCardNumbers("id=" + id), "id=" + id);
}

TEST(CardMaskerTest, FindsPanNextToOtherDigitGroups) {
  // Separators join the PAN with the expiry: the 18-digit run fails Luhn, but the first four
  // groups are a card.
  std::string text = "4111 1111 1111 1111 12/25";
  std::string masked = MaskCardNumbers(text);
  EXPECT_EQ(masked.substr(19), " 12/25");
  ExpectMasked("4111 1111 1111 1111", masked.substr(0, 19));
  // A group before the PAN that makes no valid stretch with it stays as it is.
  std::string masked_before = MaskCardNumbers("12 4111 1111 1111 1111");
  EXPECT_EQ(masked_before, "12 4111 1100 0009 1111");
}

TEST(CardMaskerTest, OverlappingStretchesShowAtMostTheirEnds) {
  // Find a prefix group g such that "g 4111 1111 1111 1111" makes a second valid stretch.
  for (int g = 10; g < 100; ++g) {
    std::string prefix = std::to_string(g);
    if (!IsLuhnValid(prefix + "411111111111")) continue;  // "g 4111 1111 1111" (14 digits)
    std::string text = prefix + " 4111 1111 1111 1111";
    std::string masked = MaskCardNumbers(text);
    SCOPED_TRACE(masked);
    std::string digits = DigitsOf(masked);
    // The cluster is 18 digits: only its first six and last four remain.
    EXPECT_EQ(digits.substr(0, 6), (prefix + "4111").substr(0, 6));
    EXPECT_EQ(digits.substr(14), "1111");
    EXPECT_EQ(digits.substr(6, 8), "0000000" + digits.substr(13, 1));
    EXPECT_TRUE(IsLuhnValid(digits));
    return;
  }
  FAIL() << "no overlapping example found";
}

// Property: in random texts of digit groups (test cards, their masks, random digits) joined by
// separators, every Luhn-valid stretch of whole groups of 13-19 digits is changed, and only
// digits change. Seeded: the same texts on every run.
TEST(CardMaskerTest, EveryValidStretchOfRandomGroupTextsChanges) {
  std::mt19937 random(20261122);
  auto pick = [&](size_t n) { return static_cast<size_t>(random() % n); };
  for (int round = 0; round < 3000; ++round) {
    std::vector<std::string> groups;
    const size_t count = 2 + pick(5);
    for (size_t g = 0; g < count; ++g) {
      switch (pick(4)) {
        case 0:
          groups.push_back(kTestCards[pick(kTestCards.size())]);
          break;
        case 1:
          groups.push_back(MaskCardNumbers(kTestCards[pick(kTestCards.size())]));
          break;
        default: {
          std::string digits;
          for (size_t n = 1 + pick(8); n > 0; --n)
            digits.push_back(static_cast<char>('0' + pick(10)));
          groups.push_back(digits);
        }
      }
    }
    std::string text;
    std::vector<size_t> starts;  // digit index where each group starts
    size_t digit_count = 0;
    for (const std::string& group : groups) {
      if (!text.empty()) text.push_back(pick(2) == 0 ? ' ' : '-');
      starts.push_back(digit_count);
      text += group;
      digit_count += group.size();
    }
    starts.push_back(digit_count);
    const std::string masked = MaskCardNumbers(text);
    SCOPED_TRACE(text + " -> " + masked);
    ASSERT_EQ(masked.size(), text.size());
    for (size_t i = 0; i < text.size(); ++i) {
      if (text[i] == ' ' || text[i] == '-') {
        ASSERT_EQ(masked[i], text[i]);
      }
    }
    const std::string before = DigitsOf(text);
    const std::string after = DigitsOf(masked);
    for (size_t a = 0; a < groups.size(); ++a) {
      for (size_t b = a; b < groups.size(); ++b) {
        const size_t length = starts[b + 1] - starts[a];
        if (length < kMinCardDigits || length > kMaxCardDigits) continue;
        const std::string stretch = before.substr(starts[a], length);
        if (!IsLuhnValid(stretch)) continue;
        EXPECT_NE(after.substr(starts[a], length), stretch) << "unchanged: " << stretch;
      }
    }
  }
}

TEST(CardMaskerTest, MaskNeverEqualsTheOriginal) {
  // The natural fill of this number (zeros, then the check digit) is the number itself.
  std::string card = "6304000000000000000";
  ASSERT_TRUE(IsLuhnValid(card));
  std::string masked = MaskCardNumbers(card);
  ExpectMasked(card, masked);
  EXPECT_EQ(masked.substr(6, 1), "1");
}

TEST(CardMaskerTest, MaskingAMaskedNumberStaysValidAndShowsNothingNew) {
  for (const std::string& card : kTestCards) {
    std::string once = MaskCardNumbers(card);
    std::string twice = MaskCardNumbers(once);
    SCOPED_TRACE(card + " -> " + once + " -> " + twice);
    ExpectMasked(once, twice);
    EXPECT_EQ(twice.substr(0, 6), card.substr(0, 6));
    EXPECT_EQ(twice.substr(twice.size() - 4), card.substr(card.size() - 4));
  }
}

TEST(CardMaskerTest, ShortTextIsUntouched) {
  EXPECT_FALSE(MayHoldCardNumber("order 123456789012"));
  EXPECT_TRUE(MayHoldCardNumber("a1b2c3d4e5f6g7h8i9j0k1l2m3"));
  std::string text = "no card here: 4111-1111";
  EXPECT_EQ(MaskCardNumbersInPlace(text), 0u);
  EXPECT_EQ(text, "no card here: 4111-1111");
}

TEST(CardMaskerTest, CountsMaskedRuns) {
  std::string text = "4111111111111111,5555555555554444;4111111111111112";
  EXPECT_EQ(MaskCardNumbersInPlace(text), 2u);
  EXPECT_EQ(text.substr(34), "4111111111111112");
}

TEST(CardMaskerTest, EscapeDigitsDoNotJoinARun) {
  // "%20" before a PAN is an escaped space, not the digits 2 and 0 in front of it.
  std::string text = "q=John%204111111111111111";
  std::string masked = MaskCardNumbers(text);
  EXPECT_EQ(masked.substr(0, 9), "q=John%20");
  ExpectMasked("4111111111111111", masked.substr(9));
}

TEST(CardMaskerTest, HandlesEdgesWithoutReadingPastTheEnd) {
  for (const std::string& text :
       {std::string(""), std::string("%"), std::string("%2"), std::string("4111111111111111-"),
        std::string("4111111111111111%2"), std::string("4111111111111111%20"),
        std::string("-4111111111111111"), std::string(1000, '1'),
        std::string("1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1 1")}) {
    std::string masked = MaskCardNumbers(text);
    EXPECT_EQ(masked.size(), text.size());
    EXPECT_EQ(DigitsOf(masked).size(), DigitsOf(text).size());
  }
}

}  // namespace
}  // namespace shadowdiff
