#include "src/replay/entry_selection.h"

#include <charconv>

namespace shadowdiff {

Result<Shard> ParseShard(std::string_view text) {
  const size_t slash = text.find('/');
  Shard shard;
  auto parse = [](std::string_view s, uint64_t* out) {
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), *out);
    return ec == std::errc() && p == s.data() + s.size() && !s.empty();
  };
  if (slash == std::string_view::npos || !parse(text.substr(0, slash), &shard.index) ||
      !parse(text.substr(slash + 1), &shard.count) || shard.count == 0 ||
      shard.index >= shard.count) {
    return Error{"--shard takes i/n with 0 <= i < n (e.g. --shard 0/4 ... --shard 3/4), not `" +
                 std::string(text) + "`"};
  }
  return shard;
}

bool GlobMatch(std::string_view pattern, std::string_view text) {
  size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (p < pattern.size() && pattern[p] == text[t]) {
      ++p;
      ++t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

bool EntryFilter::Matches(std::string_view request_method, std::string_view endpoint,
                          std::string_view target) const {
  if (!method.empty() && method != request_method) return false;
  if (!endpoint.empty() && GlobMatch(pattern, endpoint)) return true;
  return GlobMatch(pattern, target.substr(0, target.find('?')));
}

Result<EntryFilter> ParseEntryFilter(std::string_view text) {
  EntryFilter filter;
  const size_t space = text.find(' ');
  if (space != std::string_view::npos) {
    filter.method = std::string(text.substr(0, space));
    text = text.substr(space + 1);
    while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
    if (filter.method == "*") filter.method.clear();
  }
  filter.pattern = std::string(text);
  if (filter.pattern.empty() || (filter.pattern[0] != '/' && filter.pattern[0] != '*')) {
    return Error{
        "--filter takes '[METHOD ]PATTERN' where PATTERN starts with / or * (e.g. "
        "'POST /merchants/*'), not `" +
        std::string(text) + "`"};
  }
  for (char c : filter.method) {
    if (c < 'A' || c > 'Z') {
      return Error{"--filter: `" + filter.method + "` is not an upper-case HTTP method"};
    }
  }
  return filter;
}

}  // namespace shadowdiff
