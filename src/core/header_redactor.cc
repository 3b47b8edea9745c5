#include "src/core/header_redactor.h"

#include <algorithm>

#include "src/core/diff_json.h"

namespace shadowdiff {
namespace {

void RedactHeaders(const HeaderRedactor& redactor, HeaderList& headers) {
  for (auto& [name, value] : headers) {
    if (redactor.IsRedacted(name)) value = std::string(kRedactedValue);
  }
}

}  // namespace

HeaderRedactor::HeaderRedactor(const std::vector<RedactRule>& rules)
    : names_{"authorization", "cookie", "set-cookie", "proxy-authorization"} {
  for (const RedactRule& rule : rules) {
    if (rule.kind == RedactRule::Kind::kHeader && !IsRedacted(rule.header)) {
      names_.push_back(rule.header);
    }
  }
}

bool HeaderRedactor::IsRedacted(std::string_view header_name) const {
  return std::any_of(names_.begin(), names_.end(),
                     [&](const std::string& n) { return EqualsIgnoreCase(n, header_name); });
}

void HeaderRedactor::Redact(ExampleParts& parts) const {
  RedactHeaders(*this, parts.request_headers);
  if (parts.old_response) RedactHeaders(*this, parts.old_response->headers);
  if (parts.new_response) RedactHeaders(*this, parts.new_response->headers);
  constexpr std::string_view kHeaderPrefix = "header:";
  const std::string redacted = JsonString(kRedactedValue);
  for (Diff& diff : parts.diffs) {
    if (diff.path.rfind(kHeaderPrefix, 0) != 0) continue;
    if (!IsRedacted(std::string_view(diff.path).substr(kHeaderPrefix.size()))) continue;
    if (!diff.old_value.empty()) diff.old_value = redacted;
    if (!diff.new_value.empty()) diff.new_value = redacted;
  }
}

}  // namespace shadowdiff
