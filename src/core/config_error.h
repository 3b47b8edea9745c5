// ConfigError and ConfigErrors: what is wrong with an endpoints.yaml, as a list of
// `FILE:LINE:COL: message` entries, so `shadowdiff check` can print one per line and the
// loader can report every problem of a file at once instead of stopping at the first.
//
// Plain values, no shared state; a ConfigErrors is filled by one loader on one thread.
#ifndef SHADOWDIFF_CORE_CONFIG_ERROR_H_
#define SHADOWDIFF_CORE_CONFIG_ERROR_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace shadowdiff {

// A position in a config file. Line and column are 1-based; column counts bytes (as
// yaml-cpp does). {0, 0} means "the file as a whole" (e.g. it cannot be opened).
struct SourceMark {
  int line = 0;
  int column = 0;

  bool operator==(const SourceMark&) const = default;
};

struct ConfigError {
  std::string file;  // display name, as given to the loader
  SourceMark mark;
  std::string message;  // no location prefix, no trailing newline

  // "FILE:LINE:COL: message", or "FILE: message" when the mark is {0, 0}.
  std::string Format() const;

  bool operator==(const ConfigError&) const = default;
};

// Every error found in one file, in file order (by line, then column, then discovery).
class ConfigErrors {
 public:
  explicit ConfigErrors(std::string file) : file_(std::move(file)) {}

  void Add(SourceMark mark, std::string message);

  bool empty() const { return errors_.empty(); }
  size_t size() const { return errors_.size(); }
  const std::string& file() const { return file_; }

  // Sorted by position; stable for errors at the same position.
  std::vector<ConfigError> Sorted() const;

  // One formatted error per line, sorted, joined by '\n' (no trailing newline). When more
  // errors were added than kMaxReported, the rest are summarised in one last line.
  std::string Format() const;

  // Past this many errors the loader stops adding (a garbage file must not produce a
  // gigabyte of messages); Format() says how many more there were.
  static constexpr size_t kMaxReported = 100;

 private:
  std::string file_;
  std::vector<ConfigError> errors_;
  size_t dropped_ = 0;
};

}  // namespace shadowdiff

#endif  // SHADOWDIFF_CORE_CONFIG_ERROR_H_
