// libFuzzer target: arbitrary bytes as a replay input, read the way `shadowdiff replay` reads
// a file — by the format sniffer, and as a JSONL capture, a HAR file and a GoReplay file (the
// GoReplay reader with small limits, so its payload and pending bounds are reached). Captures
// are untrusted. Checks what replay relies on; any violation aborts:
//   - every entry has a method and a target replay can send: origin-form "/..." (or "*",
//     which OriginFormTarget keeps for OPTIONS *); GoReplay targets, taken from a request
//     line, hold no space or control byte;
//   - a recorded response has a status from 100 to 999;
//   - every entry and bad entry has a location, every bad entry a message;
//   - entries + bad entries stay below the input's size + 1 (no amplification, no loop).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "src/replay/capture_reader.h"
#include "src/replay/goreplay_reader.h"
#include "src/replay/har_reader.h"
#include "src/replay/input_stream.h"
#include "src/replay/jsonl_capture_reader.h"

namespace {

using shadowdiff::BadEntry;
using shadowdiff::ReplayEntry;

void Check(bool condition) {
  if (!condition) std::abort();
}

class CheckingVisitor : public shadowdiff::EntryVisitor {
 public:
  CheckingVisitor(size_t max_items, bool request_line_targets)
      : max_items_(max_items), request_line_targets_(request_line_targets) {}

  bool OnEntry(ReplayEntry&& entry) override {
    Check(!entry.location.empty());
    Check(!entry.request.method.empty());
    const std::string& target = entry.request.target;
    Check(target == "*" || (!target.empty() && target[0] == '/'));
    if (request_line_targets_) {
      for (unsigned char c : target) Check(c > 0x20 && c != 0x7f);
    }
    if (entry.response) Check(entry.response->status >= 100 && entry.response->status <= 999);
    Count();
    return true;
  }

  bool OnBadEntry(const BadEntry& bad) override {
    Check(!bad.location.empty() && !bad.message.empty());
    Count();
    return true;
  }

 private:
  void Count() { Check(++items_ <= max_items_); }

  const size_t max_items_;
  const bool request_line_targets_;
  size_t items_ = 0;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const auto format = shadowdiff::SniffCaptureFormat(bytes);
  Check(format != shadowdiff::CaptureFormat::kAuto);
  {
    auto stream = shadowdiff::InputStream::FromBytes(bytes);
    CheckingVisitor visitor(size + 1, false);
    (void)shadowdiff::ReadJsonlCapture(*stream, "fuzz.jsonl", visitor);
  }
  {
    auto stream = shadowdiff::InputStream::FromBytes(bytes);
    CheckingVisitor visitor(size + 1, false);
    (void)shadowdiff::ReadHar(*stream, "fuzz.har", visitor);
  }
  {
    shadowdiff::GoReplayReadOptions options;
    options.max_payload_bytes = 512;
    options.max_pending = 3;
    options.max_pending_bytes = 1024;
    auto stream = shadowdiff::InputStream::FromBytes(bytes);
    CheckingVisitor visitor(size + 1, true);
    const shadowdiff::Status status =
        shadowdiff::ReadGoReplay(*stream, "fuzz.gor", visitor, options);
    Check(status.ok() || !status.error().message.empty());
  }
  return 0;
}
