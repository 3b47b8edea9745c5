// CustomerDialect: how one service speaks the customer routes. The old gateway and the new
// customers service share the customer code and differ exactly where API.md says ("The new
// service's deliberate differences"); each difference is one field here, so the demo's diffs
// are explicit in code. (Difference 3, the error shape, is the service's ErrorShape.)
#ifndef DEMO_SERVICES_COMMON_CUSTOMER_DIALECT_H_
#define DEMO_SERVICES_COMMON_CUSTOMER_DIALECT_H_

#include <string_view>

namespace demo {

enum class AmountFormat {
  kTwoDecimalString,  // "12.50"
  kJsonNumber,        // 12.5
};

enum class ListOrder {
  kOldestFirst,  // created_at asc, token asc
  kNewestFirst,  // created_at desc, token desc
};

struct CustomerDialect {
  // Difference 1: the phone's key in C. Requests may use this key; the new service also
  // accepts the old key "phone" (`accept_legacy_phone`), as an extraction would.
  std::string_view phone_key;
  bool accept_legacy_phone;
  AmountFormat total_spent;  // difference 2
  ListOrder list_order;      // difference 4
};

inline constexpr CustomerDialect kOldGatewayCustomers{
    "phone", false, AmountFormat::kTwoDecimalString, ListOrder::kOldestFirst};
inline constexpr CustomerDialect kNewServiceCustomers{
    "phone_number", true, AmountFormat::kJsonNumber, ListOrder::kNewestFirst};

}  // namespace demo

#endif  // DEMO_SERVICES_COMMON_CUSTOMER_DIALECT_H_
