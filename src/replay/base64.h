// Base64Decode: standard base64 (RFC 4648 section 4) as captures and HAR files carry binary
// bodies (`body_base64`, `"encoding": "base64"`). The encoder is Base64Encode in
// src/core/example_record.h. Pure.
#ifndef SHADOWDIFF_REPLAY_BASE64_H_
#define SHADOWDIFF_REPLAY_BASE64_H_

#include <optional>
#include <string>
#include <string_view>

namespace shadowdiff {

// Accepts padded or unpadded input and ignores whitespace (line-wrapped base64); nullopt on
// any other character or a dangling single symbol.
std::optional<std::string> Base64Decode(std::string_view text);

}  // namespace shadowdiff

#endif  // SHADOWDIFF_REPLAY_BASE64_H_
