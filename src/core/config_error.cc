#include "src/core/config_error.h"

#include <algorithm>
#include <utility>

namespace shadowdiff {

std::string ConfigError::Format() const {
  if (mark.line == 0 && mark.column == 0) return file + ": " + message;
  return file + ":" + std::to_string(mark.line) + ":" + std::to_string(mark.column) + ": " +
         message;
}

void ConfigErrors::Add(SourceMark mark, std::string message) {
  if (errors_.size() >= kMaxReported) {
    ++dropped_;
    return;
  }
  errors_.push_back(ConfigError{file_, mark, std::move(message)});
}

std::vector<ConfigError> ConfigErrors::Sorted() const {
  std::vector<ConfigError> sorted = errors_;
  std::stable_sort(sorted.begin(), sorted.end(), [](const ConfigError& a, const ConfigError& b) {
    if (a.mark.line != b.mark.line) return a.mark.line < b.mark.line;
    return a.mark.column < b.mark.column;
  });
  return sorted;
}

std::string ConfigErrors::Format() const {
  std::string out;
  for (const ConfigError& error : Sorted()) {
    if (!out.empty()) out += '\n';
    out += error.Format();
  }
  if (dropped_ > 0) {
    out += '\n';
    out += file_ + ": " + std::to_string(dropped_) + " more error(s) not shown";
  }
  return out;
}

}  // namespace shadowdiff
