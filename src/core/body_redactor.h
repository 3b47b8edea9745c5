// BodyRedactor: the JSONPath entries of `redact:` (SPEC.md, e.g. "$..cvv", "$.card.number",
// "$.items[*].pan") applied to what a record or a capture shows of bodies, query strings and
// diffs — a matching field is removed entirely, with its subtree — together with card masking
// (card_masker.h) of every string, key and number that remains.
//
//   JSON bodies (Content-Type JSON, or a body that starts like an object/array), when whole
//     and parseable: matching members and array elements are dropped; every string value,
//     object key and number is card-masked; the body is re-serialised compactly (as the
//     record stores it anyway). A rule matching the root ("$") replaces the body by
//     "[redacted]".
//   Form bodies (application/x-www-form-urlencoded), when whole, and the query string of a
//     request target: a pair is dropped when its decoded key, read as a path, matches: either
//     the whole key as one member ("cvv" is $.cvv) or its bracket form ("card[cvc]" is
//     $.card.cvc, "items[0][pan]" is $.items[0].pan); the rest is card-masked as text.
//   Anything else — text, binary, and JSON or form bodies that are truncated or do not parse —
//     is card-masked as text, unless a path rule might match inside it: then the whole body
//     is replaced by kUnscannableBody (the safe side; a prefix of a JSON document cannot be
//     edited reliably). "Might match" is decided conservatively on the raw bytes: every key a
//     rule names occurs in the text (ASCII case-insensitively), or the text holds escapes that
//     could spell one ("\u", "%XX"), or the rule names no plain key at all ("$..*", "$[0]").
//   A body that is still content-encoded (the encoding could not be undone, or the body was
//     cut before decoding) cannot be scanned at all: it is replaced by kEncodedBody.
//   Diffs: a diff whose path lies in a removed subtree ("$.card.cvv" under "$..cvv", or a
//     "form:cvv" field) shows "[redacted]" for each side that has a value (that they differ,
//     not what they are). Other diff values are redacted like a JSON body rooted at the
//     diff's path (so "$.card" drops its "cvv" member) and card-masked; a whole-text "body"
//     diff is redacted when a rule might match inside it. Diff paths are card-masked.
//
// Immutable after construction; thread-safe.
#ifndef SHADOWDIFF_CORE_BODY_REDACTOR_H_
#define SHADOWDIFF_CORE_BODY_REDACTOR_H_

#include <string>
#include <string_view>
#include <vector>

#include "comparators/json/json_path_set.h"
#include "src/core/config.h"
#include "src/core/diff.h"
#include "src/core/example_record.h"
#include "src/core/exchange.h"

namespace shadowdiff {

inline constexpr std::string_view kUnscannableBody =
    "[redacted: unparseable body with redact rules]";
inline constexpr std::string_view kEncodedBody =
    "[redacted: content-encoded body that could not be scanned]";

class BodyRedactor {
 public:
  // Uses the kJsonPath entries of `rules` (header entries are HeaderRedactor's).
  explicit BodyRedactor(const std::vector<RedactRule>& rules);

  bool has_paths() const { return !paths_.empty(); }

  // Redacts `body` in place; `headers` are the headers sent with it (Content-Type,
  // Content-Encoding decide how it is read).
  void RedactBody(ExampleBody& body, const HeaderList& headers) const;
  // Drops redacted query parameters from a request target and card-masks all of it.
  void RedactTarget(std::string& target) const;
  // Redacts one diff's values and path in place; an absent side stays absent, and a value
  // stays valid JSON.
  void RedactDiff(Diff& diff) const;

  // True when a path rule might match inside unparsed `text` (the rule above).
  bool MightHoldRedactedField(std::string_view text) const;

 private:
  using State = JsonPathSet::State;

  std::string RedactForm(std::string_view form) const;
  bool FormKeyRedacted(std::string_view decoded_key) const;
  void RedactText(std::string& text) const;
  void RedactDiffValue(std::string& value, const std::vector<State>& states) const;

  JsonPathSet paths_;
  // Per path rule, its plain keys in lower case; a rule with none might match anything.
  std::vector<std::vector<std::string>> rule_keys_;
};

}  // namespace shadowdiff

#endif  // SHADOWDIFF_CORE_BODY_REDACTOR_H_
