#include "src/replay/capture_reader.h"

#include "src/replay/goreplay_reader.h"
#include "src/replay/har_reader.h"
#include "src/replay/input_stream.h"
#include "src/replay/jsonl_capture_reader.h"

namespace shadowdiff {
namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

CaptureFormat FromName(std::string_view path) {
  if (EndsWith(path, ".gz")) path.remove_suffix(3);
  if (EndsWith(path, ".har")) return CaptureFormat::kHar;
  if (EndsWith(path, ".gor")) return CaptureFormat::kGoReplay;
  if (EndsWith(path, ".jsonl") || EndsWith(path, ".ndjson")) return CaptureFormat::kJsonl;
  return CaptureFormat::kAuto;
}

// Bytes SniffCaptureFormat looks at.
constexpr size_t kSniffBytes = 4096;

Result<CaptureFormat> FromContent(const std::string& path) {
  auto stream = InputStream::Open(path);
  if (!stream.ok()) return stream.error();
  std::string head(kSniffBytes, '\0');
  head.resize((*stream)->Read(head.data(), head.size()));
  return SniffCaptureFormat(head);
}

// Passes entries on, first adding the stream's progress to a counter.
class ProgressVisitor final : public EntryVisitor {
 public:
  ProgressVisitor(const InputStream& stream, EntryVisitor& next, std::atomic<uint64_t>& bytes_read)
      : stream_(stream), next_(next), bytes_read_(bytes_read) {}

  bool OnEntry(ReplayEntry&& entry) override {
    Update();
    return next_.OnEntry(std::move(entry));
  }
  bool OnBadEntry(const BadEntry& bad) override {
    Update();
    return next_.OnBadEntry(bad);
  }

 private:
  void Update() {
    const uint64_t position = stream_.FilePosition();
    if (position <= reported_) return;
    bytes_read_.fetch_add(position - reported_, std::memory_order_relaxed);
    reported_ = position;
  }

  const InputStream& stream_;
  EntryVisitor& next_;
  std::atomic<uint64_t>& bytes_read_;
  uint64_t reported_ = 0;
};

Status ReadFormat(InputStream& stream, const std::string& path, CaptureFormat format,
                  EntryVisitor& visitor) {
  if (format == CaptureFormat::kHar) return ReadHar(stream, path, visitor);
  if (format == CaptureFormat::kGoReplay) return ReadGoReplay(stream, path, visitor);
  return ReadJsonlCapture(stream, path, visitor);
}

}  // namespace

bool ParseCaptureFormat(std::string_view name, CaptureFormat* format) {
  if (name == "auto")
    *format = CaptureFormat::kAuto;
  else if (name == "jsonl")
    *format = CaptureFormat::kJsonl;
  else if (name == "har")
    *format = CaptureFormat::kHar;
  else if (name == "goreplay")
    *format = CaptureFormat::kGoReplay;
  else
    return false;
  return true;
}

CaptureFormat SniffCaptureFormat(std::string_view head) {
  const std::string_view first_line = head.substr(0, head.find('\n'));
  if (IsGoReplayHeaderLine(first_line)) return CaptureFormat::kGoReplay;
  size_t pos = head.find_first_not_of(" \t\r\n");
  if (pos == head.npos || head[pos] != '{') return CaptureFormat::kJsonl;
  pos = head.find_first_not_of(" \t\r\n", pos + 1);
  if (pos == head.npos || head[pos] != '"') return CaptureFormat::kJsonl;
  return head.substr(pos + 1, 4) == "log\"" ? CaptureFormat::kHar : CaptureFormat::kJsonl;
}

Status ReadCapture(const std::string& path, CaptureFormat format, EntryVisitor& visitor,
                   std::atomic<uint64_t>* bytes_read) {
  if (format == CaptureFormat::kAuto) format = FromName(path);
  if (format == CaptureFormat::kAuto) {
    auto sniffed = FromContent(path);
    if (!sniffed.ok()) return sniffed.error();
    format = *sniffed;
  }
  auto stream = InputStream::Open(path);
  if (!stream.ok()) return stream.error();
  if (bytes_read == nullptr) return ReadFormat(**stream, path, format, visitor);
  ProgressVisitor progress(**stream, visitor, *bytes_read);
  return ReadFormat(**stream, path, format, progress);
}

}  // namespace shadowdiff
