// Structured log: one line of JSON per event on stderr, e.g.
//   {"time":"2026-11-22T20:01:02.123Z","level":"warn","event":"config_reload_failed","file":"e.yaml","error":"..."}
// Never request or response bodies. Thread-safe: each line is written with one write(2).
#ifndef SHADOWDIFF_IO_LOG_H_
#define SHADOWDIFF_IO_LOG_H_

#include <initializer_list>
#include <string>
#include <string_view>
#include <utility>

namespace shadowdiff::log {

enum class Level { kDebug, kInfo, kWarn, kError };

using Field = std::pair<std::string_view, std::string_view>;

// Writes {"time":..,"level":..,"event":event, fields...}. Values are written as JSON strings,
// with card numbers masked (src/core/card_masker.h).
void Write(Level level, std::string_view event, std::initializer_list<Field> fields = {});

inline void Info(std::string_view event, std::initializer_list<Field> fields = {}) {
  Write(Level::kInfo, event, fields);
}
inline void Warn(std::string_view event, std::initializer_list<Field> fields = {}) {
  Write(Level::kWarn, event, fields);
}
inline void Error(std::string_view event, std::initializer_list<Field> fields = {}) {
  Write(Level::kError, event, fields);
}

// The line Write would write, newline included (tests).
std::string FormatLine(Level level, std::string_view event, std::initializer_list<Field> fields);

// Lines below this level are dropped (default kInfo). Set once at startup.
void SetMinLevel(Level level);

}  // namespace shadowdiff::log

#endif  // SHADOWDIFF_IO_LOG_H_
