// FormatCaptureLine: one exchange as a line of a shadowdiff capture (SPEC.md "Capture"), the
// format ReadJsonlCapture reads back:
//   {"time":"2026-11-22T20:01:02.123Z","method":"POST","target":"/a","headers":[["N","v"]],
//    "body":"text" | "body_base64":"...",
//    "response":{"status":201,"headers":[...],"body":... | "body_base64":...}}
// Bodies are written with their Content-Encoding undone (and that header dropped) when they
// decode, so redaction sees the content; at most 64 MiB of a body is kept ("body_truncated").
// A body that is valid UTF-8 without NUL is written as text, anything else as base64.
// Redaction (SPEC.md `redact:`) runs first when a redactor is given, the same object the
// stored examples use (payload_redactor.h: request in the request fields, the recorded
// response as `old_response`); Content-Length is never written (a redacted body may be
// shorter; replay frames bodies itself). Pure; thread-safe for distinct arguments.
#ifndef SHADOWDIFF_REPLAY_CAPTURE_FORMAT_H_
#define SHADOWDIFF_REPLAY_CAPTURE_FORMAT_H_

#include <chrono>
#include <string>
#include <string_view>

#include "src/core/example_record.h"
#include "src/core/exchange.h"

namespace shadowdiff {

// `response` may be null (no response recorded). No trailing newline.
std::string FormatCaptureLine(std::chrono::system_clock::time_point time, const Request& request,
                              const Response* response, const ExampleRedactor* redactor);

// True when `bytes` is well-formed UTF-8 (no overlongs, no surrogates) without NUL.
bool IsUtf8Text(std::string_view bytes);

}  // namespace shadowdiff

#endif  // SHADOWDIFF_REPLAY_CAPTURE_FORMAT_H_
