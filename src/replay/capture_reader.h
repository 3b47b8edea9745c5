// ReadCapture: one replay input file, whatever its format — a shadowdiff JSONL capture or a
// HAR 1.2 file, each plain or gzip — streamed entry by entry into an EntryVisitor.
//
// The format comes from the name (".har", ".har.gz" -> HAR; ".jsonl", ".ndjson" and their
// ".gz" -> JSONL) or, failing that, from the content: a document whose first key is "log" is
// HAR, anything else is read as JSON Lines. Memory stays constant in the file's size.
#ifndef SHADOWDIFF_REPLAY_CAPTURE_READER_H_
#define SHADOWDIFF_REPLAY_CAPTURE_READER_H_

#include <string>
#include <string_view>

#include "src/core/result.h"
#include "src/replay/replay_entry.h"

namespace shadowdiff {

enum class CaptureFormat { kAuto, kJsonl, kHar };

// "auto", "jsonl", "har"; nullopt-like kAuto for anything else is not allowed: false.
bool ParseCaptureFormat(std::string_view name, CaptureFormat* format);

// Reads `path` into `visitor` (locations name the file by `path`). Error when the file cannot
// be opened or read (nothing or only part of it was delivered); bad entries go to the visitor.
Status ReadCapture(const std::string& path, CaptureFormat format, EntryVisitor& visitor);

}  // namespace shadowdiff

#endif  // SHADOWDIFF_REPLAY_CAPTURE_READER_H_
