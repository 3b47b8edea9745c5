// Merchant existence, checked by every /merchants/{mid}/... route before anything else
// (unknown merchant: 404 "merchant not found").
#ifndef DEMO_SERVICES_COMMON_MERCHANT_LOOKUP_H_
#define DEMO_SERVICES_COMMON_MERCHANT_LOOKUP_H_

#include <string_view>

#include "src/core/result.h"
#include "src/rollback/rollback.h"

namespace demo {

shadowdiff::Result<bool> MerchantExists(shadowdiff::rollback::RequestTransaction& tx,
                                        std::string_view merchant_id);

inline constexpr std::string_view kMerchantNotFound = "merchant not found";

}  // namespace demo

#endif  // DEMO_SERVICES_COMMON_MERCHANT_LOOKUP_H_
