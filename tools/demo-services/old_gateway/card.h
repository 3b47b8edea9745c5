// Payment cards as the old gateway's sale sees them: a Luhn check, the brand from the leading
// digits, the last four digits. The full number and the CVV are never stored or logged; only
// CardSummary leaves the request. Pure; thread-safe.
#ifndef DEMO_SERVICES_OLD_GATEWAY_CARD_H_
#define DEMO_SERVICES_OLD_GATEWAY_CARD_H_

#include <optional>
#include <string>
#include <string_view>

namespace demo {

struct CardSummary {
  std::string brand;  // "visa" (4...), "mastercard" (51-55, 2221-2720), "amex" (34, 37), "other"
  std::string last4;
};

// The summary of a card number that, after removing spaces and dashes, is 12 to 19 digits and
// passes the Luhn check; nullopt otherwise (the sale answers 402 "card declined").
std::optional<CardSummary> AcceptCardNumber(std::string_view number);

bool PassesLuhn(std::string_view digits);

}  // namespace demo

#endif  // DEMO_SERVICES_OLD_GATEWAY_CARD_H_
