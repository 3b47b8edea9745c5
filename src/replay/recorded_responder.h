// RecordedResponder: the stand-in for the old service under `replay --against-recorded` — an
// HTTP server on 127.0.0.1 (port 0) that answers each request with the response recorded in
// the capture for it, so the proxy compares the new side against the recording.
//
// Matching: the runner Put()s entry N's recorded response before sending it, with the request
// header `X-Shadowdiff-Replay-Entry: N`; the proxy forwards that header to both sides (the new
// service sees it too: request headers are not compared, so it cannot change an outcome).
// The responder answers with the response for N and forgets it. A request without the header,
// or for an entry it does not hold, gets 599 with a JSON error (and the comparison fails
// loudly rather than matching by accident). At most `capacity` responses are held: beyond
// that the oldest are forgotten (an entry whose old-side call never came).
//
// Thread-safe: Put() from any thread; the server runs on its own thread until Stop().
#ifndef SHADOWDIFF_REPLAY_RECORDED_RESPONDER_H_
#define SHADOWDIFF_REPLAY_RECORDED_RESPONDER_H_

#include <cstdint>
#include <memory>
#include <string_view>

#include "src/core/exchange.h"
#include "src/core/result.h"

namespace shadowdiff {

inline constexpr std::string_view kReplayEntryHeader = "X-Shadowdiff-Replay-Entry";

class RecordedResponder {
 public:
  explicit RecordedResponder(size_t capacity = 4096);
  ~RecordedResponder();  // Stop()s

  Status Start();  // binds 127.0.0.1:0 and starts serving
  void Stop();     // idempotent
  uint16_t port() const;

  void Put(uint64_t entry, Response response);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace shadowdiff

#endif  // SHADOWDIFF_REPLAY_RECORDED_RESPONDER_H_
