// libFuzzer target for comparators/body_codec: untrusted response bytes through the
// Content-Encoding decoder and the form parser, the way ResponseComparator feeds them.
//
// Input: first byte picks the Content-Encoding (low 3 bits) and the output cap (next bits);
// the rest is the body. Checks the decoder's contract: output never exceeds the cap, no
// buffer grows past it, kNone/kTooLarge/kDecodeError only, a problem always has a detail.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "comparators/body_codec/content_decoder.h"
#include "comparators/body_codec/form_parser.h"
#include "comparators/text/form_comparator.h"

namespace {

constexpr std::string_view kCodings[] = {
    "gzip", "deflate", "x-gzip", "gzip, gzip", "deflate, gzip", "identity", "", "br, gzip",
};
constexpr size_t kCaps[] = {0, 1, 64, 4096, 1 << 20};

void Check(bool ok) {
  if (!ok) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view coding = kCodings[data[0] & 7];
  size_t cap = kCaps[(data[0] >> 3) % (sizeof(kCaps) / sizeof(kCaps[0]))];
  std::string_view body(reinterpret_cast<const char*>(data + 1), size - 1);

  static shadowdiff::DecodeBuffers buffers;  // reused, as a worker thread would
  size_t a_before = buffers.a.capacity();
  size_t b_before = buffers.b.capacity();
  shadowdiff::DecodedBody decoded = shadowdiff::DecodeContent(body, coding, cap, buffers);
  switch (decoded.problem) {
    case shadowdiff::BodyProblem::kNone:
      Check(decoded.detail.empty());
      break;
    case shadowdiff::BodyProblem::kTooLarge:
      Check(decoded.bytes.size() == cap && !decoded.detail.empty());
      break;
    case shadowdiff::BodyProblem::kDecodeError:
      Check(decoded.bytes == body && !decoded.detail.empty());
      break;
    default:
      std::abort();
  }
  if (decoded.bytes.data() != body.data()) Check(decoded.bytes.size() <= cap);
  // A buffer grows only up to the cap (small strings have a fixed minimum capacity).
  Check(buffers.a.capacity() <= std::max({cap, a_before, size_t{30}}));
  Check(buffers.b.capacity() <= std::max({cap, b_before, size_t{30}}));

  shadowdiff::FormFields fields = shadowdiff::ParseForm(body);
  size_t decoded_bytes = 0;
  for (const auto& [key, value] : fields) decoded_bytes += key.size() + value.size();
  Check(decoded_bytes <= body.size());
  shadowdiff::Comparison comparison;
  shadowdiff::CompareForms(body, decoded.bytes, 100, &comparison);
  Check(comparison.diffs.size() <= 100);
  return 0;
}
