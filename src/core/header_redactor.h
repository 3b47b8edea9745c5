// HeaderRedactor: the credential part of redaction — the values of sensitive headers are
// replaced before an example is written or shown. Always covers authorization, cookie,
// set-cookie and proxy-authorization; `redact: ["header:x-api-key"]` entries add more.
// Header diffs (`header:<name>`) of a redacted header say that the values differ, not what
// they are.
//
// One part of redaction: PayloadRedactor (payload_redactor.h), the redactor the proxy
// installs, runs it first and then removes body paths (`$..cvv`) and masks card numbers.
// Immutable after construction; thread-safe.
#ifndef SHADOWDIFF_CORE_HEADER_REDACTOR_H_
#define SHADOWDIFF_CORE_HEADER_REDACTOR_H_

#include <string>
#include <string_view>
#include <vector>

#include "src/core/config.h"
#include "src/core/example_record.h"

namespace shadowdiff {

inline constexpr std::string_view kRedactedValue = "[redacted]";

class HeaderRedactor final : public ExampleRedactor {
 public:
  explicit HeaderRedactor(const std::vector<RedactRule>& rules);

  void Redact(ExampleParts& parts) const override;
  bool IsRedacted(std::string_view header_name) const;

 private:
  std::vector<std::string> names_;  // lower-case
};

}  // namespace shadowdiff

#endif  // SHADOWDIFF_CORE_HEADER_REDACTOR_H_
