// ExampleRecord: one stored example of a request whose outcome is worth showing (a mismatch,
// a shadow error, ...), built as the one JSON line of SPEC.md "Stored mismatch examples",
// which the JSONL store, the PostgreSQL store, the in-memory ring and the admin API all use.
//
//   {"time":"2026-11-22T20:01:02.123Z","endpoint":"/merchants/{merchant_id}","method":"GET",
//    "target":"/merchants/42?x=1","outcome":"mismatch","primary":"old",
//    "diffs":[{"path":"$.a","kind":"value","old":1,"new":2}],
//    "request":{"method":"GET","target":"/merchants/42?x=1","headers":[["Accept","*/*"]],"body":""},
//    "old":{"status":200,"headers":[["Content-Type","application/json"]],"body":{"a":1},
//           "duration_ms":3.2},
//    "new":{...}}
// plus, only when they apply:
//   "diffs_total":N          more diffs existed than were kept (ExampleLimits::max_diffs, or
//                            the comparator's own cap: then N is what it kept)
//   "problem":{"name":"invalid_json","side":"new","detail":"..."}   the Comparison's problem
//   "error":"..."            what went wrong with a side that has no response
//   "old"/"new": null        that side gave no response (timeout, connect error, ...)
// Bodies (request, old, new), after undoing Content-Encoding when it decodes ("body_decoded":
// true; the headers still say how it was sent):
//   - a JSON container ({...} or [...]), or any JSON when Content-Type says JSON, is
//     embedded as JSON ("body":{...}), re-serialised compactly, so SQL/jq can query it;
//   - else valid UTF-8 text without NUL is a JSON string ("body":"...");
//   - else "body_base64":"...".
//   Each body keeps at most ExampleLimits::max_body_bytes bytes ("body_truncated":true when
//   cut, or when the proxy had already cut it at its buffering cap); a cut JSON body is
//   stored as text. So a record is bounded: 3 bodies + max_diffs diffs (each value <= 1 KiB)
//   + headers (bounded by the proxy's head limit).
//
// Redaction (SPEC.md `redact:`) is a seam here, implemented elsewhere: BuildExampleRecord
// copies everything into ExampleParts, hands them to an ExampleRedactor (if any), and writes
// only what the redactor left.
//
// Pure functions; thread-safe for distinct arguments. A redactor must be callable from
// several threads at once.
#ifndef SHADOWDIFF_CORE_EXAMPLE_RECORD_H_
#define SHADOWDIFF_CORE_EXAMPLE_RECORD_H_

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "src/core/diff.h"
#include "src/core/endpoint_settings.h"
#include "src/core/exchange.h"
#include "src/core/outcome.h"

namespace shadowdiff {

struct ExampleLimits {
  size_t max_body_bytes = 64 << 10;  // per body
  size_t max_diffs = 100;            // diffs written into the record
  size_t max_fields = 32;            // field keys kept in ExampleRecord::fields
};

// One body as it goes into a record: owned, already decoded and capped.
struct ExampleBody {
  std::string bytes;
  bool truncated = false;  // `bytes` is a prefix of the body
  bool decoded = false;    // Content-Encoding was undone
};

struct ExampleResponse {
  int status = 0;
  HeaderList headers;
  ExampleBody body;
  double duration_ms = 0;
};

// Everything a record shows that redaction may need to rewrite, as owned copies.
struct ExampleParts {
  std::string method;
  std::string target;
  HeaderList request_headers;
  ExampleBody request_body;
  std::optional<ExampleResponse> old_response;  // nullopt: no response from that side
  std::optional<ExampleResponse> new_response;
  std::vector<Diff> diffs;  // at most ExampleLimits::max_diffs
};

// The redaction seam. Redact() rewrites `parts` in place (mask values, drop headers, edit
// diff values); it must leave every non-empty Diff value valid JSON. Bodies may be prefixes
// (ExampleBody::truncated), which a path-based redactor cannot parse: it must then mask
// conservatively.
//
// The method and the diffs' paths are the record's labels (ExampleRecord::method, ::fields),
// which sinks budget on before the record is built (ExampleHead). Redact() must change them
// exactly as RedactLabel() does, and RedactLabel() must be idempotent; it must not add,
// remove or reorder diffs.
class ExampleRedactor {
 public:
  virtual ~ExampleRedactor() = default;
  virtual void Redact(ExampleParts& parts) const = 0;
  virtual void RedactLabel(std::string& label) const { (void)label; }
};

// What a record is built from. Pointers are borrowed for the call; `request` is required.
struct ExampleInput {
  std::chrono::system_clock::time_point time;
  std::string_view endpoint;  // the endpoint label: template path or "unmatched"
  Outcome outcome = Outcome::kMismatch;
  Side primary = Side::kOld;
  const Request* request = nullptr;
  const Response* old_response = nullptr;  // null: that side gave no response
  const Response* new_response = nullptr;
  const Comparison* comparison = nullptr;  // null: nothing was compared
  std::string_view error;                  // empty, or what went wrong (no body bytes)
};

// A built record: the JSON line plus the metadata sinks filter and budget on.
struct ExampleRecord {
  std::chrono::system_clock::time_point time;
  std::string endpoint;
  std::string method;
  Outcome outcome = Outcome::kMismatch;
  // Distinct FieldKeys of the written diffs, in diff order, at most max_fields.
  std::vector<std::string> fields;
  std::string json;  // one JSON object, no newline
};

ExampleRecord BuildExampleRecord(const ExampleInput& input, const ExampleLimits& limits = {},
                                 const ExampleRedactor* redactor = nullptr);

// The record BuildExampleRecord(input, limits, redactor) builds, without its json: the
// metadata every sink's budget decides on. Cheap: no body is copied, decoded or written.
ExampleRecord ExampleHead(const ExampleInput& input, const ExampleLimits& limits = {},
                          const ExampleRedactor* redactor = nullptr);

// Helpers, exposed for tests and for other writers of bodies (capture):
// "2026-11-22T20:01:02.123Z" (UTC, milliseconds).
std::string FormatUtcMillis(std::chrono::system_clock::time_point time);
// Standard base64 with padding (RFC 4648 section 4).
std::string Base64Encode(std::string_view bytes);
// `body` decoded per `headers`' Content-Encoding and capped at max_bytes.
ExampleBody MakeExampleBody(std::string_view body, bool already_truncated,
                            const HeaderList& headers, size_t max_bytes);

}  // namespace shadowdiff

#endif  // SHADOWDIFF_CORE_EXAMPLE_RECORD_H_
