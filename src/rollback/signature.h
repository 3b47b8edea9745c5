// Shadow-Signature: HMAC-SHA256 request signing of the rollback protocol (SPEC.md).
//
//   Shadow-Signature: t=<unix seconds>,v1=<lowercase hex>
//   hex = HMAC-SHA256(secret, "<t>.<Shadow-Id>.<Shadow-Mode>.<METHOD>.<request-target>")
//
// The proxy signs every shadow call when a secret is configured; a service verifies within
// a tolerance (±300 s by default) with a constant-time comparison. Free functions over
// OpenSSL; thread-safe.
#ifndef SHADOWDIFF_ROLLBACK_SIGNATURE_H_
#define SHADOWDIFF_ROLLBACK_SIGNATURE_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "src/core/result.h"

namespace shadowdiff::rollback {

struct SignedFields {
  std::string_view shadow_id;
  std::string_view mode;            // "compare" or "rollback"
  std::string_view method;          // as on the request line
  std::string_view request_target;  // exactly as sent on the request line
};

// The message that is signed: "<t>.<id>.<mode>.<METHOD>.<target>".
std::string SigningMessage(int64_t unix_seconds, const SignedFields& fields);

// The header value "t=<t>,v1=<hex>".
std::string Sign(std::string_view secret, int64_t unix_seconds, const SignedFields& fields);

inline constexpr int64_t kDefaultToleranceSeconds = 300;

// OK when `header` is a well-formed signature of `fields` under `secret`, made within
// `tolerance_seconds` of `now_unix_seconds`. The error says which check failed (malformed,
// stale, mismatch) without revealing the expected value.
Status Verify(std::string_view header, std::string_view secret, const SignedFields& fields,
              int64_t now_unix_seconds, int64_t tolerance_seconds = kDefaultToleranceSeconds);

}  // namespace shadowdiff::rollback

#endif  // SHADOWDIFF_ROLLBACK_SIGNATURE_H_
