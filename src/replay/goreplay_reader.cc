#include "src/replay/goreplay_reader.h"

#include <algorithm>
#include <cstdint>
#include <deque>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <variant>

#include "src/replay/raw_http_message.h"

namespace shadowdiff {
namespace {

constexpr size_t kNpos = std::string_view::npos;
// Longest payload header line looked at (a type, a long ID, two 19-digit numbers fit).
constexpr size_t kMaxHeaderLine = 256;
// Separators taken as body bytes of one payload at most (see the header comment).
constexpr int kMaxSeparatorsInBody = 64;

struct PayloadHeader {
  char type = 0;  // '1' request, '2' original response, '3' replayed response
  std::string_view id;
  uint64_t timestamp_ns = 0;
};

bool IsDigits(std::string_view s) {
  return !s.empty() && s.size() <= 19 && s.find_first_not_of("0123456789") == kNpos;
}

bool IsId(std::string_view s) {
  if (s.empty() || s.size() > 128) return false;
  return std::all_of(s.begin(), s.end(), [](char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '-' ||
           c == '_';
  });
}

std::optional<PayloadHeader> ParsePayloadHeader(std::string_view line) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  std::string_view fields[4];
  size_t count = 0;
  for (size_t start = 0;;) {
    if (count == 4) return std::nullopt;
    const size_t space = line.find(' ', start);
    fields[count++] = line.substr(start, space == kNpos ? kNpos : space - start);
    if (space == kNpos) break;
    start = space + 1;
  }
  if (count < 3 || fields[0].size() != 1 || fields[0][0] < '1' || fields[0][0] > '3' ||
      !IsId(fields[1]) || !IsDigits(fields[2]) || (count == 4 && !IsDigits(fields[3]))) {
    return std::nullopt;
  }
  PayloadHeader header{fields[0][0], fields[1], 0};
  for (char c : fields[2]) header.timestamp_ns = header.timestamp_ns * 10 + (c - '0');
  return header;
}

// Whether a payload's message is complete by its framing (a payload that is no request or
// response, or has no header line, counts as invalid: nothing to extend).
RawMessageExtent MeasurePayload(std::string_view payload) {
  const size_t lf = payload.find('\n');
  if (lf == kNpos) return RawMessageExtent::kInvalid;
  const auto header = ParsePayloadHeader(payload.substr(0, lf));
  if (!header || header->type == '3') return RawMessageExtent::kInvalid;
  return MeasureRawMessage(payload.substr(lf + 1), header->type == '1' ? RawMessageKind::kRequest
                                                                       : RawMessageKind::kResponse);
}

// Splits a stream into payloads at separators, holding about one payload (at most
// max_bytes) in memory.
class PayloadSource {
 public:
  enum class End { kSeparator, kEndOfFile, kTooLarge };
  struct Payload {
    uint64_t offset = 0;     // of its first byte in the stream
    std::string_view bytes;  // without the separator; valid until the next call; kTooLarge: ""
    End end = End::kSeparator;
  };

  PayloadSource(InputStream& in, size_t max_bytes) : in_(in), max_bytes_(max_bytes) {}

  // The stream's first line without its "\n" (at most kMaxHeaderLine bytes); call first.
  std::string_view FirstLine() {
    while (Available() < kMaxHeaderLine && ReadMore()) {
    }
    const std::string_view head = View(0, std::min(Available(), kMaxHeaderLine));
    return head.substr(0, head.find('\n'));
  }

  // The next payload; false at the end of the stream.
  bool Next(Payload* payload) {
    if (Available() == 0 && !ReadMore()) return false;
    payload->offset = base_ + start_;
    bool too_large = false;
    const size_t first = Find(0, &too_large);
    if (too_large) {
      *payload = {payload->offset, {}, End::kTooLarge};
      SkipPastSeparator();
    } else if (first == kNpos) {
      *payload = {payload->offset, View(0, Available()), End::kEndOfFile};
      Consume(Available());
    } else {
      const size_t end = ExtendedEnd(first);
      *payload = {payload->offset, View(0, end), End::kSeparator};
      Consume(end + kGoReplaySeparator.size());
    }
    return true;
  }

 private:
  static constexpr size_t kReadBytes = 16 << 10;

  size_t Available() const { return buf_.size() - start_; }
  std::string_view View(size_t from, size_t n) const {
    return std::string_view(buf_).substr(start_ + from, n);
  }
  void Consume(size_t n) { start_ += n; }

  // Appends the next block of the stream (first dropping consumed bytes when they are at
  // least half the buffer); false at its end.
  bool ReadMore() {
    if (start_ > 0 && start_ >= buf_.size() / 2) {
      buf_.erase(0, start_);
      base_ += start_;
      start_ = 0;
    }
    const size_t n = in_.Read(block_.get(), kReadBytes);
    buf_.append(block_.get(), n);
    return n > 0;
  }

  // Where the first separator at or after `from` starts (relative to the payload), reading
  // on as needed; kNpos at the end of the stream, or with *too_large when the payload
  // would be longer than max_bytes_.
  size_t Find(size_t from, bool* too_large) {
    *too_large = false;
    size_t scan = from;
    for (;;) {
      const std::string_view available = View(0, Available());
      const size_t at = available.find(kGoReplaySeparator, scan);
      if (at != kNpos) {
        *too_large = at > max_bytes_;
        return *too_large ? kNpos : at;
      }
      if (available.size() > max_bytes_ + kGoReplaySeparator.size()) {
        *too_large = true;
        return kNpos;
      }
      if (available.size() >= kGoReplaySeparator.size()) {
        scan = std::max(scan, available.size() - kGoReplaySeparator.size() + 1);
      }
      if (!ReadMore()) return kNpos;
    }
  }

  // Drops everything up to and including the next separator, holding at most a block.
  void SkipPastSeparator() {
    for (;;) {
      const std::string_view available = View(0, Available());
      const size_t at = available.find(kGoReplaySeparator);
      if (at != kNpos) {
        Consume(at + kGoReplaySeparator.size());
        return;
      }
      Consume(available.size() - std::min(available.size(), kGoReplaySeparator.size() - 1));
      if (!ReadMore()) {
        Consume(Available());
        return;
      }
    }
  }

  // True when the bytes at `pos` start a payload header line, or the stream ends there.
  bool StartsPayload(size_t pos) {
    while (Available() < pos + kMaxHeaderLine && ReadMore()) {
    }
    if (Available() <= pos) return true;
    const std::string_view next = View(pos, kMaxHeaderLine);
    const size_t lf = next.find('\n');
    return lf != kNpos && IsGoReplayHeaderLine(next.substr(0, lf));
  }

  // Where the payload really ends when a separator starts at `first`: there, unless its
  // message is incomplete by its framing and ends exactly at a later separator, with no
  // payload header line after the separators in between (they are body bytes).
  size_t ExtendedEnd(size_t first) {
    if (MeasurePayload(View(0, first)) != RawMessageExtent::kIncomplete) return first;
    size_t at = first;
    for (int i = 0; i < kMaxSeparatorsInBody; ++i) {
      if (StartsPayload(at + kGoReplaySeparator.size())) break;
      bool too_large = false;
      const size_t next = Find(at + kGoReplaySeparator.size(), &too_large);
      if (next == kNpos) break;
      const RawMessageExtent extent = MeasurePayload(View(0, next));
      if (extent == RawMessageExtent::kComplete) return next;
      if (extent == RawMessageExtent::kInvalid) break;
      at = next;
    }
    return first;
  }

  InputStream& in_;
  const size_t max_bytes_;
  std::unique_ptr<char[]> block_ = std::make_unique_for_overwrite<char[]>(kReadBytes);
  std::string buf_;
  size_t start_ = 0;   // buf_[start_] is the first byte not yet consumed
  uint64_t base_ = 0;  // the stream offset of buf_[0]
};

size_t SizeOf(const HeaderList& headers) {
  size_t n = 0;
  for (const auto& [name, value] : headers) n += name.size() + value.size();
  return n;
}

// Entries in file order of their requests, each held (boundedly) until its response comes,
// and delivered from the front as they complete; responses that come before their request
// are held too.
class PendingEntries {
 public:
  PendingEntries(EntryVisitor& visitor, const GoReplayReadOptions& options)
      : visitor_(visitor), options_(options) {}

  // Each returns false once the visitor has asked to stop.
  bool AddRequest(std::string_view id, ReplayEntry entry) {
    if (auto w = waiting_.find(std::string(id)); w != waiting_.end()) {
      StopWaiting(SlotAt(w->second));  // the ID is used again: the earlier one gets no response
    }
    const size_t bytes = entry.request.body.size() + SizeOf(entry.request.headers);
    const uint64_t seq = first_seq_ + slots_.size();
    slots_.push_back({std::move(entry), std::string(id), bytes});
    slot_bytes_ += bytes;
    waiting_[std::string(id)] = seq;
    if (auto early = early_index_.find(std::string(id)); early != early_index_.end()) {
      const EarlyResponse response = std::move(*early->second);
      early_bytes_ -= response.message.size();
      early_.erase(early->second);
      early_index_.erase(early);
      Respond(seq, response.message, response.location);
    }
    return Settle();
  }

  bool AddResponse(std::string_view id, std::string_view message, const std::string& location) {
    if (auto w = waiting_.find(std::string(id)); w != waiting_.end()) {
      Respond(w->second, message, location);
      return Settle();
    }
    if (auto old = early_index_.find(std::string(id)); old != early_index_.end()) {
      early_bytes_ -= old->second->message.size();
      early_.erase(old->second);
      early_index_.erase(old);
    }
    early_.push_back({std::string(id), std::string(message), location});
    early_index_[std::string(id)] = std::prev(early_.end());
    early_bytes_ += message.size();
    while (!early_.empty() &&
           (early_.size() > options_.max_pending || early_bytes_ > options_.max_pending_bytes)) {
      early_bytes_ -= early_.front().message.size();  // its request never came: dropped
      early_index_.erase(early_.front().id);
      early_.pop_front();
    }
    return true;
  }

  bool AddBad(BadEntry bad) {
    slots_.push_back({std::move(bad), "", 0});
    return Settle();
  }

  // Delivers everything still held (requests without their response).
  bool Finish() {
    for (Slot& slot : slots_) slot.id.clear();
    waiting_.clear();
    return Deliver();
  }

 private:
  struct Slot {
    std::variant<ReplayEntry, BadEntry> item;
    std::string id;  // not empty while the entry waits for its response
    size_t bytes = 0;
  };
  struct EarlyResponse {
    std::string id;
    std::string message;  // the raw HTTP response
    std::string location;
  };

  Slot& SlotAt(uint64_t seq) { return slots_[seq - first_seq_]; }

  void StopWaiting(Slot& slot) {
    if (slot.id.empty()) return;
    waiting_.erase(slot.id);
    slot.id.clear();
  }

  // The response `message` for the waiting entry `seq`: attached, or a BadEntry after it. An
  // interim 1xx response leaves the entry waiting for the final one.
  void Respond(uint64_t seq, std::string_view message, const std::string& location) {
    auto& entry = std::get<ReplayEntry>(SlotAt(seq).item);
    auto response = ParseRawResponse(message, entry.request.method);
    if (response.ok() && response->status < 200 && response->status != 101) return;
    StopWaiting(SlotAt(seq));
    if (!response.ok()) {
      slots_.push_back({BadEntry{location, "the response to " + entry.location + ": " +
                                               response.error().message},
                        "", 0});
      return;
    }
    const size_t bytes = response->body.size() + SizeOf(response->headers);
    SlotAt(seq).bytes += bytes;
    slot_bytes_ += bytes;
    entry.response = std::move(*response);
  }

  // Keeps within the bounds (the oldest entries go without their response), then delivers.
  bool Settle() {
    while (!slots_.empty() &&
           (slots_.size() > options_.max_pending || slot_bytes_ > options_.max_pending_bytes)) {
      StopWaiting(slots_.front());
      if (!Deliver()) return false;
    }
    return Deliver();
  }

  // Hands the complete entries at the front to the visitor.
  bool Deliver() {
    while (!stopped_ && !slots_.empty() && slots_.front().id.empty()) {
      Slot slot = std::move(slots_.front());
      slots_.pop_front();
      ++first_seq_;
      slot_bytes_ -= slot.bytes;
      if (auto* entry = std::get_if<ReplayEntry>(&slot.item)) {
        stopped_ = !visitor_.OnEntry(std::move(*entry));
      } else {
        stopped_ = !visitor_.OnBadEntry(std::get<BadEntry>(slot.item));
      }
    }
    return !stopped_;
  }

  EntryVisitor& visitor_;
  const GoReplayReadOptions& options_;
  std::deque<Slot> slots_;
  uint64_t first_seq_ = 0;  // the sequence number of slots_.front()
  std::unordered_map<std::string, uint64_t> waiting_;
  size_t slot_bytes_ = 0;
  std::list<EarlyResponse> early_;
  std::unordered_map<std::string, std::list<EarlyResponse>::iterator> early_index_;
  size_t early_bytes_ = 0;
  bool stopped_ = false;
};

// "256 MiB", or "512 bytes" for a limit that is no whole number of MiB.
std::string SizeText(size_t bytes) {
  if (bytes % (size_t{1} << 20) == 0) return std::to_string(bytes >> 20) + " MiB";
  return std::to_string(bytes) + " bytes";
}

// One payload into `pending`; false once the visitor has asked to stop.
bool ReadPayload(const PayloadSource::Payload& payload, const std::string& location,
                 size_t max_bytes, PendingEntries& pending) {
  using End = PayloadSource::End;
  if (payload.end == End::kTooLarge) {
    return pending.AddBad({location, "payload longer than " + SizeText(max_bytes) + "; skipped"});
  }
  const size_t lf = payload.bytes.find('\n');
  const std::string_view line = payload.bytes.substr(0, lf);
  const auto header = lf == kNpos ? std::nullopt : ParsePayloadHeader(line);
  if (!header) {
    return pending.AddBad(
        {location, QuoteRecordedBytes(line) +
                       " is not a payload header line (`TYPE ID TIMESTAMP_NS [LATENCY_NS]`, "
                       "TYPE 1, 2 or 3); bytes that are no payload, skipped up to the next "
                       "separator"});
  }
  if (payload.end == End::kEndOfFile) {
    return pending.AddBad({location,
                           "the file ends inside this payload (no separator after it): a "
                           "truncated file?"});
  }
  const std::string_view message = payload.bytes.substr(lf + 1);
  if (header->type == '1') {
    auto request = ParseRawRequest(message);
    if (!request.ok()) return pending.AddBad({location, "request: " + request.error().message});
    ReplayEntry entry;
    entry.location = location;
    entry.time_ms = static_cast<int64_t>(header->timestamp_ns / 1000000);
    entry.request = std::move(*request);
    return pending.AddRequest(header->id, std::move(entry));
  }
  if (header->type == '2') return pending.AddResponse(header->id, message, location);
  return true;  // '3': a response from a GoReplay replay, not the original
}

}  // namespace

bool IsGoReplayHeaderLine(std::string_view line) { return ParsePayloadHeader(line).has_value(); }

Status ReadGoReplay(InputStream& stream, std::string_view name, EntryVisitor& visitor,
                    const GoReplayReadOptions& options) {
  PayloadSource source(stream, options.max_payload_bytes);
  const std::string_view first = source.FirstLine();
  if (!IsGoReplayHeaderLine(first) && (!first.empty() || stream.Tell() > 0)) {
    return Error{std::string(name) + " is not a GoReplay file: it starts with " +
                 QuoteRecordedBytes(first) +
                 ", not a payload header line `TYPE ID TIMESTAMP_NS [LATENCY_NS]`; if it is "
                 "shadowdiff JSONL or HAR, say so with --format"};
  }
  PendingEntries pending(visitor, options);
  uint64_t number = 0;
  PayloadSource::Payload payload;
  while (source.Next(&payload)) {
    if (payload.end != PayloadSource::End::kTooLarge &&
        payload.bytes.find_first_not_of(" \t\r\n") == kNpos) {
      continue;  // blank: e.g. a newline after the last separator
    }
    ++number;
    const std::string location = std::string(name) + ": payload " + std::to_string(number) +
                                 " (byte " + std::to_string(payload.offset) + ")";
    if (!ReadPayload(payload, location, options.max_payload_bytes, pending)) return Status();
  }
  if (!pending.Finish()) return Status();
  if (!stream.error().empty()) {
    return Error{std::string(name) + ": after payload " + std::to_string(number) + ": " +
                 stream.error() + " (a truncated or corrupt gzip file?)"};
  }
  return Status();
}

}  // namespace shadowdiff
