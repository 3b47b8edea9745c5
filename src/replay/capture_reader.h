// ReadCapture: one replay input file, whatever its format — a shadowdiff JSONL capture, a
// HAR 1.2 file or a GoReplay file, each plain or gzip — streamed entry by entry into an
// EntryVisitor.
//
// The format comes from the name (".har", ".har.gz" -> HAR; ".gor", ".gor.gz" -> GoReplay;
// ".jsonl", ".ndjson" and their ".gz" -> JSONL) or, failing that, from the content
// (SniffCaptureFormat). Memory stays bounded whatever the file's size.
#ifndef SHADOWDIFF_REPLAY_CAPTURE_READER_H_
#define SHADOWDIFF_REPLAY_CAPTURE_READER_H_

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "src/core/result.h"
#include "src/replay/replay_entry.h"

namespace shadowdiff {

enum class CaptureFormat { kAuto, kJsonl, kHar, kGoReplay };

// "auto", "jsonl", "har", "goreplay" into *format; false for anything else.
bool ParseCaptureFormat(std::string_view name, CaptureFormat* format);

// The format of a file that starts with `head` (its first few KiB, uncompressed): GoReplay
// when the first line is a GoReplay payload header ("1 8e3f... 1700000000123456789"), HAR
// when the document's first key is "log", else JSONL. Never kAuto.
CaptureFormat SniffCaptureFormat(std::string_view head);

// Reads `path` into `visitor` (locations name the file by `path`). Error when the file cannot
// be opened or read (nothing or only part of it was delivered); bad entries go to the visitor.
//
// With `bytes_read`, before each entry (good or bad) is delivered, the file bytes read since
// the last update are added to it (InputStream::FilePosition: compressed bytes for gzip), so
// another thread can follow the progress through several files with one counter.
Status ReadCapture(const std::string& path, CaptureFormat format, EntryVisitor& visitor,
                   std::atomic<uint64_t>* bytes_read = nullptr);

}  // namespace shadowdiff

#endif  // SHADOWDIFF_REPLAY_CAPTURE_READER_H_
