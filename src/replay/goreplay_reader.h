// ReadGoReplay: a GoReplay capture (`gor --output-file requests.gor`, plain or gzip) read as
// a stream of ReplayEntries, in bounded memory.
//
// The format, as GoReplay writes and reads it (buger/goreplay: protocol.go `payloadHeader`,
// `payloadSeparator`; output_file.go writes meta, data, separator; input_file.go splits the
// file at separator lines and skips records with fewer than 3 header fields; input_raw.go
// writes the latency field; docs/Saving-and-Replaying-from-file.md):
//
//   1 8e3f0a1b2c3d4e5f60718293 1700000000123456789 1234567\n     TYPE ID TIMESTAMP_NS [LATENCY_NS]
//   POST /a HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\nhi     the raw HTTP/1.x message
//   \n🐵🙈🙉\n                                                    the payload separator
//
// TYPE 1 is a request, 2 the original response to the request with the same ID (recorded
// with --input-raw-track-response), 3 a response from a GoReplay replay (ignored). Older
// versions write no latency field; it is not used. IDs are hex in GoReplay; any run of
// letters, digits, '-' and '_' is accepted.
//
// Each request becomes an entry (time_ms from its timestamp), with the original response of
// the same ID attached; responses normally follow their request, but may come first. Entries
// are delivered in file order of their requests, each held until its response arrives; when
// more than GoReplayReadOptions::max_pending entries (or max_pending_bytes) are held, or the
// file ends, the oldest goes without one. A response whose request never comes is dropped.
//
// The separator: GoReplay itself ends a payload at the first separator line, so a body that
// contains "\n🐵🙈🙉\n" is split by GoReplay's own reader. This reader does better when the
// message says its length: when the message before the first separator is incomplete by its
// Content-Length or chunked framing, the separator is taken as body bytes as long as the
// bytes after it do not start a payload header line and the message then ends exactly at a
// later separator (at most 64 separators on); otherwise the first separator ends the payload.
//
// Bad payloads (a bad header line, an unparsable HTTP message, a body cut short, a payload
// the file ends in without a separator, a payload larger than max_payload_bytes — skipped
// without being held) become BadEntry "FILE: payload N (byte OFFSET)" with what is wrong, and
// reading goes on after the next separator; OFFSET counts uncompressed bytes. Blank payloads
// are skipped. Pure apart from reading the stream; not thread-safe per call.
#ifndef SHADOWDIFF_REPLAY_GOREPLAY_READER_H_
#define SHADOWDIFF_REPLAY_GOREPLAY_READER_H_

#include <cstddef>
#include <string_view>

#include "src/core/result.h"
#include "src/replay/input_stream.h"
#include "src/replay/jsonl_capture_reader.h"
#include "src/replay/replay_entry.h"

namespace shadowdiff {

// "\n🐵🙈🙉\n": ends every payload.
inline constexpr std::string_view kGoReplaySeparator =
    "\n\xF0\x9F\x90\xB5\xF0\x9F\x99\x88\xF0\x9F\x99\x89\n";

struct GoReplayReadOptions {
  // A payload longer than this is reported and skipped (the JSONL reader's line limit).
  size_t max_payload_bytes = kMaxCaptureLineBytes;
  // Entries held back, in order, while the oldest waits for its response; and their bytes.
  size_t max_pending = 1024;
  size_t max_pending_bytes = size_t{256} << 20;
};

// Reads `stream` (named `name` in locations) into `visitor`, until the end or until the
// visitor returns false. Error when the stream does not start with a payload header line (not
// a GoReplay file: nothing is delivered) or when the stream itself fails (a corrupt gzip
// stream: entries read before it were delivered).
Status ReadGoReplay(InputStream& stream, std::string_view name, EntryVisitor& visitor,
                    const GoReplayReadOptions& options = {});

// True when `line` (without its "\n") is a payload header line: `TYPE ID TIMESTAMP_NS` or
// `TYPE ID TIMESTAMP_NS LATENCY_NS`, TYPE 1, 2 or 3, single spaces. A trailing "\r" is allowed.
bool IsGoReplayHeaderLine(std::string_view line);

}  // namespace shadowdiff

#endif  // SHADOWDIFF_REPLAY_GOREPLAY_READER_H_
