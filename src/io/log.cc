#include "src/io/log.h"

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <ctime>
#include <string>

#include "src/core/card_masker.h"
#include "src/core/diff_json.h"

namespace shadowdiff::log {
namespace {

std::atomic<int> min_level{static_cast<int>(Level::kInfo)};

std::string_view LevelName(Level level) {
  switch (level) {
    case Level::kDebug:
      return "debug";
    case Level::kInfo:
      return "info";
    case Level::kWarn:
      return "warn";
    case Level::kError:
      return "error";
  }
  return "info";
}

void AppendTime(std::string* out) {
  auto now = std::chrono::system_clock::now();
  std::time_t secs = std::chrono::system_clock::to_time_t(now);
  auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[40];
  size_t n = std::strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
  out->append(buf, n);
  char ms[8];
  std::snprintf(ms, sizeof(ms), ".%03dZ", static_cast<int>(millis));
  out->append(ms);
}

}  // namespace

void SetMinLevel(Level level) { min_level.store(static_cast<int>(level)); }

std::string FormatLine(Level level, std::string_view event, std::initializer_list<Field> fields) {
  std::string line = "{\"time\":\"";
  AppendTime(&line);
  line += "\",\"level\":\"";
  line += LevelName(level);
  line += "\",\"event\":";
  AppendJsonString(&line, event);
  for (const auto& [key, value] : fields) {
    line += ',';
    AppendJsonString(&line, key);
    line += ':';
    // A value may quote a request target or an upstream's error text: card numbers never
    // reach the log.
    AppendJsonString(&line, MaskCardNumbers(value));
  }
  line += "}\n";
  return line;
}

void Write(Level level, std::string_view event, std::initializer_list<Field> fields) {
  if (static_cast<int>(level) < min_level.load(std::memory_order_relaxed)) return;
  const std::string line = FormatLine(level, event, fields);
  // One write(2) per line, so concurrent lines never interleave (lines are < PIPE_BUF in
  // practice; longer ones may interleave only with other long ones).
  size_t off = 0;
  while (off < line.size()) {
    ssize_t n = ::write(STDERR_FILENO, line.data() + off, line.size() - off);
    if (n <= 0) break;
    off += static_cast<size_t>(n);
  }
}

}  // namespace shadowdiff::log
