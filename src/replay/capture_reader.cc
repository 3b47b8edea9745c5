#include "src/replay/capture_reader.h"

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
  if (EndsWith(path, ".jsonl") || EndsWith(path, ".ndjson")) return CaptureFormat::kJsonl;
  return CaptureFormat::kAuto;
}

// Sniffs the content: HAR when the first key of the document is "log".
Result<CaptureFormat> FromContent(const std::string& path) {
  auto stream = InputStream::Open(path);
  if (!stream.ok()) return stream.error();
  InputStream& in = **stream;
  auto skip_space = [&] {
    while (in.Peek() == ' ' || in.Peek() == '\n' || in.Peek() == '\r' || in.Peek() == '\t') {
      in.Take();
    }
  };
  skip_space();
  if (in.Peek() != '{') return CaptureFormat::kJsonl;
  in.Take();
  skip_space();
  if (in.Peek() != '"') return CaptureFormat::kJsonl;
  in.Take();
  std::string key;
  while (in.Peek() != '"' && in.Peek() != '\0' && key.size() < 16) key.push_back(in.Take());
  return key == "log" ? CaptureFormat::kHar : CaptureFormat::kJsonl;
}

}  // namespace

bool ParseCaptureFormat(std::string_view name, CaptureFormat* format) {
  if (name == "auto")
    *format = CaptureFormat::kAuto;
  else if (name == "jsonl")
    *format = CaptureFormat::kJsonl;
  else if (name == "har")
    *format = CaptureFormat::kHar;
  else
    return false;
  return true;
}

Status ReadCapture(const std::string& path, CaptureFormat format, EntryVisitor& visitor) {
  if (format == CaptureFormat::kAuto) format = FromName(path);
  if (format == CaptureFormat::kAuto) {
    auto sniffed = FromContent(path);
    if (!sniffed.ok()) return sniffed.error();
    format = *sniffed;
  }
  auto stream = InputStream::Open(path);
  if (!stream.ok()) return stream.error();
  if (format == CaptureFormat::kHar) return ReadHar(**stream, path, visitor);
  return ReadJsonlCapture(**stream, path, visitor);
}

}  // namespace shadowdiff
