// ReadJsonlCapture: a shadowdiff capture (SPEC.md "Capture": JSON Lines, one exchange a
// line, plain or gzip) read line by line, in constant memory, into ReplayEntries.
//
//   {"time":"2026-11-22T20:01:02.123Z","method":"POST","target":"/merchants/7/customers",
//    "headers":[["Content-Type","application/json"]],"body":"{\"name\":\"a\"}",
//    "response":{"status":201,"headers":[["Content-Type","application/json"]],
//                "body_base64":"eyJpZCI6MX0="}}
//
// `time` (RFC 3339 text, or a number of Unix seconds) and `response` are optional; `method`
// and `target` are required; `headers` may also be an object or [{"name","value"}] objects.
// Blank lines are skipped. A line that is not such an object — including a last line cut
// short by a truncated file — becomes a BadEntry "FILE:LINE: what is wrong"; the reader goes
// on with the next line. Pure apart from reading the file; not thread-safe per call.
#ifndef SHADOWDIFF_REPLAY_JSONL_CAPTURE_READER_H_
#define SHADOWDIFF_REPLAY_JSONL_CAPTURE_READER_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "src/core/result.h"
#include "src/replay/input_stream.h"
#include "src/replay/replay_entry.h"

namespace shadowdiff {

// Lines longer than this are reported and skipped rather than held in memory.
inline constexpr size_t kMaxCaptureLineBytes = 256 << 20;

// Reads every line of `stream` (named `name` in locations) into `visitor`, until the end or
// until the visitor returns false. Error only when the stream itself fails (a corrupt gzip
// stream): entries read before it were delivered.
Status ReadJsonlCapture(InputStream& stream, std::string_view name, EntryVisitor& visitor);

// One line as ReadJsonlCapture parses it (for tests and tools): the entry, or what is wrong.
Result<ReplayEntry> ParseCaptureLine(std::string_view line);

}  // namespace shadowdiff

#endif  // SHADOWDIFF_REPLAY_JSONL_CAPTURE_READER_H_
