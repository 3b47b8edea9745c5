// ReplayEntry and EntryVisitor: what the capture readers (JSONL, HAR, GoReplay) hand to whoever
// replays or inspects a capture — one recorded request (and its recorded response, when the capture
// has one) at a time, or a BadEntry saying which line/entry of which file could not be used
// and why. Readers own nothing after a call returns; the visitor owns each entry it is given.
//
// Pure values; no I/O.
#ifndef SHADOWDIFF_REPLAY_REPLAY_ENTRY_H_
#define SHADOWDIFF_REPLAY_REPLAY_ENTRY_H_

#include <cstdint>
#include <optional>
#include <string>

#include "src/core/exchange.h"

namespace shadowdiff {

struct ReplayEntry {
  // Where the entry came from, for messages: "capture.jsonl:12" or "session.har: entry 3".
  std::string location;
  // When the request was recorded (Unix milliseconds), when the capture says so; --speed
  // paces by it.
  std::optional<int64_t> time_ms;
  // Ready to send: origin-form target ("/a?b"), headers without hop-by-hop fields,
  // Content-Length or HTTP/2 pseudo-headers (a ":authority" becomes Host).
  Request request;
  // The recorded response, when the capture holds one (--against-recorded answers with it):
  // headers without hop-by-hop fields and Content-Length; body as it should be sent.
  std::optional<Response> response;
};

struct BadEntry {
  std::string location;  // "capture.jsonl:12", "session.har: entry 3", "session.har"
  std::string message;   // what is wrong with it
};

// Receives a capture's entries in file order. Either call returns false to stop reading
// (a --limit reached, --strict after a bad entry, ...).
class EntryVisitor {
 public:
  virtual ~EntryVisitor() = default;
  virtual bool OnEntry(ReplayEntry&& entry) = 0;
  virtual bool OnBadEntry(const BadEntry& bad) = 0;
};

}  // namespace shadowdiff

#endif  // SHADOWDIFF_REPLAY_REPLAY_ENTRY_H_
