#include "tools/demo-services/common/ids.h"

#include <openssl/rand.h>

#include <chrono>
#include <cstdint>
#include <random>

namespace demo {
namespace {

// "<prefix>" + 16 lowercase hex digits from 8 random bytes.
std::string RandomId(const char* prefix) {
  unsigned char bytes[8];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) {
    // Practically unreachable; fall back to a per-thread PRNG rather than fail a request.
    thread_local std::mt19937_64 fallback(
        std::random_device{}() ^
        static_cast<uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count()));
    uint64_t value = fallback();
    for (unsigned char& byte : bytes) {
      byte = static_cast<unsigned char>(value);
      value >>= 8;
    }
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string id = prefix;
  for (unsigned char byte : bytes) {
    id += kHex[byte >> 4];
    id += kHex[byte & 0xf];
  }
  return id;
}

}  // namespace

std::string NewCustomerToken() { return RandomId("cus_"); }
std::string NewTransactionId() { return RandomId("txn_"); }
std::string NewRequestId() { return RandomId("req_"); }

}  // namespace demo
