#include "src/rollback/signature.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <charconv>

namespace shadowdiff::rollback {
namespace {

std::string HexHmac(std::string_view secret, std::string_view message) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(message.data()), message.size(), digest, &length);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    hex.push_back(kHex[digest[i] >> 4]);
    hex.push_back(kHex[digest[i] & 0xF]);
  }
  return hex;
}

}  // namespace

std::string SigningMessage(int64_t unix_seconds, const SignedFields& f) {
  std::string m = std::to_string(unix_seconds);
  for (std::string_view part : {f.shadow_id, f.mode, f.method, f.request_target}) {
    m.push_back('.');
    m.append(part);
  }
  return m;
}

std::string Sign(std::string_view secret, int64_t unix_seconds, const SignedFields& fields) {
  return "t=" + std::to_string(unix_seconds) +
         ",v1=" + HexHmac(secret, SigningMessage(unix_seconds, fields));
}

Status Verify(std::string_view header, std::string_view secret, const SignedFields& fields,
              int64_t now_unix_seconds, int64_t tolerance_seconds) {
  // Exactly "t=<digits>,v1=<64 lowercase hex>".
  if (header.substr(0, 2) != "t=") return Error{"malformed Shadow-Signature: expected t=..."};
  size_t comma = header.find(',');
  if (comma == std::string_view::npos) return Error{"malformed Shadow-Signature: expected ,v1="};
  std::string_view t_text = header.substr(2, comma - 2);
  int64_t t = 0;
  auto [end, ec] = std::from_chars(t_text.data(), t_text.data() + t_text.size(), t);
  if (ec != std::errc() || end != t_text.data() + t_text.size() || t_text.empty()) {
    return Error{"malformed Shadow-Signature: t is not a number of seconds"};
  }
  std::string_view rest = header.substr(comma + 1);
  if (rest.substr(0, 3) != "v1=") return Error{"malformed Shadow-Signature: expected v1="};
  std::string_view given = rest.substr(3);
  if (given.size() != 64) return Error{"malformed Shadow-Signature: v1 must be 64 hex digits"};
  if (t > now_unix_seconds + tolerance_seconds || t < now_unix_seconds - tolerance_seconds) {
    return Error{"stale Shadow-Signature: t is more than " + std::to_string(tolerance_seconds) +
                 " s from now (check the clocks)"};
  }
  std::string expected = HexHmac(secret, SigningMessage(t, fields));
  if (CRYPTO_memcmp(expected.data(), given.data(), expected.size()) != 0) {
    return Error{"Shadow-Signature does not match (wrong secret, or the request was altered)"};
  }
  return Status();
}

}  // namespace shadowdiff::rollback
