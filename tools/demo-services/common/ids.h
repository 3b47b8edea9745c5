// Generated identifiers (API.md): customer tokens "cus_" + 16 hex, transaction ids "txn_" + 16
// hex, request ids "req_" + 16 hex. Random (OpenSSL's CSPRNG), so the primary's and the
// shadow's rows differ by design. Thread-safe.
#ifndef DEMO_SERVICES_COMMON_IDS_H_
#define DEMO_SERVICES_COMMON_IDS_H_

#include <string>

namespace demo {

std::string NewCustomerToken();
std::string NewTransactionId();
std::string NewRequestId();

}  // namespace demo

#endif  // DEMO_SERVICES_COMMON_IDS_H_
