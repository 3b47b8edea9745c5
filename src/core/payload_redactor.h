// PayloadRedactor: the whole of SPEC.md `redact:`, as the one ExampleRedactor the proxy
// installs. It runs, in this order:
//   1. HeaderRedactor: credential headers (authorization, cookie, set-cookie,
//      proxy-authorization, plus `header:<name>` entries) and their diffs -> "[redacted]";
//   2. BodyRedactor: `redact:` JSONPath entries removed from request and response bodies, the
//      query string and diff values, and card numbers masked in all of them;
//   3. card masking (card_masker.h) of the method, and of every header name and value.
// So no part of ExampleParts leaves with a PAN beyond its first six and last four digits,
// nor with a field a path rule names.
//
// Captures (SPEC.md "Capture") are redacted by the same object: put the request in
// method/target/request_headers/request_body and the recorded response in old_response,
// leave new_response and diffs empty, and call Redact(). A redacted body may be shorter
// (removed fields) or replaced by a placeholder, so a writer must not keep a stale
// Content-Length beside it. Log lines and error messages use MaskCardNumbers() directly.
//
// Immutable after construction; thread-safe (Redact may run on several threads at once).
#ifndef SHADOWDIFF_CORE_PAYLOAD_REDACTOR_H_
#define SHADOWDIFF_CORE_PAYLOAD_REDACTOR_H_

#include <string>
#include <vector>

#include "src/core/body_redactor.h"
#include "src/core/config.h"
#include "src/core/example_record.h"
#include "src/core/header_redactor.h"

namespace shadowdiff {

class PayloadRedactor final : public ExampleRedactor {
 public:
  explicit PayloadRedactor(const std::vector<RedactRule>& rules);

  void Redact(ExampleParts& parts) const override;
  // Card masking: all Redact() does to the method and to diff paths.
  void RedactLabel(std::string& label) const override;

 private:
  HeaderRedactor headers_;
  BodyRedactor bodies_;
};

}  // namespace shadowdiff

#endif  // SHADOWDIFF_CORE_PAYLOAD_REDACTOR_H_
