#include "src/core/payload_redactor.h"

#include "src/core/card_masker.h"

namespace shadowdiff {
namespace {

void MaskHeaders(HeaderList& headers) {
  for (auto& [name, value] : headers) {
    MaskCardNumbersInPlace(name);
    MaskCardNumbersInPlace(value);
  }
}

}  // namespace

PayloadRedactor::PayloadRedactor(const std::vector<RedactRule>& rules)
    : headers_(rules), bodies_(rules) {}

void PayloadRedactor::Redact(ExampleParts& parts) const {
  // Credential headers first: their diffs are found by path before paths are masked.
  headers_.Redact(parts);
  RedactLabel(parts.method);
  bodies_.RedactTarget(parts.target);
  MaskHeaders(parts.request_headers);
  bodies_.RedactBody(parts.request_body, parts.request_headers);
  for (std::optional<ExampleResponse>* response : {&parts.old_response, &parts.new_response}) {
    if (!response->has_value()) continue;
    MaskHeaders((*response)->headers);
    bodies_.RedactBody((*response)->body, (*response)->headers);
  }
  for (Diff& diff : parts.diffs) bodies_.RedactDiff(diff);  // masks the path as RedactLabel
}

void PayloadRedactor::RedactLabel(std::string& label) const { MaskCardNumbersInPlace(label); }

}  // namespace shadowdiff
