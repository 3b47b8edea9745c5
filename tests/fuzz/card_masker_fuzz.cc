// libFuzzer target for card masking and body redaction (SPEC.md `redact:`). The input is
// arbitrary text, masked with MaskCardNumbers and redacted as a JSON body and as a diff value
// under `$..cvv`. Findings: a crash or sanitizer report; a masked text whose length, non-digit
// bytes or digit positions moved; an input run of 13-19 digits that passes Luhn surviving
// unchanged; masking that is not deterministic; a diff value that was valid JSON and is not
// after redaction.
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "src/core/body_redactor.h"
#include "src/core/card_masker.h"

namespace shadowdiff {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

bool ValidJson(std::string_view text) {
  // RapidJSON's Parse stops at a NUL byte; JSON text never holds a raw one.
  if (text.find('\0') != std::string_view::npos) return false;
  // A Reader over a MemoryStream, as the redactor reads: Document::Parse(str, length) would
  // skip stray byte-order-mark bytes one by one, and the NUL-terminated overload reads past
  // the end of a truncated UTF-8 sequence in RapidJSON 1.1.
  rapidjson::MemoryStream stream(text.data(), text.size());
  rapidjson::BaseReaderHandler<> handler;
  rapidjson::Reader reader;
  return !reader
              .Parse<rapidjson::kParseIterativeFlag | rapidjson::kParseNumbersAsStringsFlag |
                     rapidjson::kParseValidateEncodingFlag>(stream, handler)
              .IsError();
}

void CheckMask(std::string_view input) {
  const std::string masked = MaskCardNumbers(input);
  if (masked.size() != input.size()) std::abort();
  for (size_t i = 0; i < input.size(); ++i) {
    if (IsDigit(input[i]) != IsDigit(masked[i])) std::abort();
    if (!IsDigit(input[i]) && masked[i] != input[i]) std::abort();
  }
  if (MaskCardNumbers(input) != masked) std::abort();
  // Every plain Luhn-valid run of 13-19 digits (bounded by non-digits, not begun inside a
  // "%XX" escape) must have changed.
  size_t i = 0;
  while (i < input.size()) {
    if (!IsDigit(input[i])) {
      ++i;
      continue;
    }
    const size_t begin = i;
    while (i < input.size() && IsDigit(input[i])) ++i;
    const size_t length = i - begin;
    const bool escaped = (begin >= 1 && input[begin - 1] == '%') ||
                         (begin >= 2 && input[begin - 2] == '%' && IsHex(input[begin - 1]));
    if (escaped || length < kMinCardDigits || length > kMaxCardDigits) continue;
    const std::string_view run = input.substr(begin, length);
    if (IsLuhnValid(run) && std::string_view(masked).substr(begin, length) == run) std::abort();
  }
}

void CheckRedactor(std::string_view input) {
  static const BodyRedactor* const kRedactor = [] {
    RedactRule rule;
    rule.path = *JsonPath::Parse("$..cvv");
    return new BodyRedactor({rule});
  }();
  ExampleBody body;
  body.bytes.assign(input);
  kRedactor->RedactBody(body, {{"Content-Type", "application/json"}});
  if (ValidJson(input)) {
    Diff diff{"$.a", DiffKind::kValue, std::string(input), std::string(input)};
    kRedactor->RedactDiff(diff);
    if (!ValidJson(diff.old_value) || diff.new_value != diff.old_value) std::abort();
  }
}

}  // namespace
}  // namespace shadowdiff

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  shadowdiff::CheckMask(input);
  shadowdiff::CheckRedactor(input);
  return 0;
}
