#include "src/core/suggest.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <string>

namespace shadowdiff {
namespace {

constexpr size_t kMaxLen = 64;

char Lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

size_t EditDistance(std::string_view a, std::string_view b) {
  a = a.substr(0, kMaxLen);
  b = b.substr(0, kMaxLen);
  // Three rolling rows: d[i-2], d[i-1], d[i]. Fixed-size, no allocation.
  std::array<size_t, kMaxLen + 1> prev2{}, prev{}, cur{};
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      const size_t cost = Lower(a[i - 1]) == Lower(b[j - 1]) ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && Lower(a[i - 1]) == Lower(b[j - 2]) &&
          Lower(a[i - 2]) == Lower(b[j - 1])) {
        cur[j] = std::min(cur[j], prev2[j - 2] + 1);
      }
    }
    prev2 = prev;
    prev = cur;
  }
  return prev[b.size()];
}

std::optional<std::string_view> Suggest(std::string_view word,
                                        std::span<const std::string_view> candidates) {
  std::optional<std::string_view> best;
  size_t best_distance = SIZE_MAX;
  for (std::string_view candidate : candidates) {
    const size_t longer = std::max(word.size(), candidate.size());
    const size_t allowed = longer <= 4 ? 1 : longer <= 8 ? 2 : 3;
    const size_t distance = EditDistance(word, candidate);
    if (distance <= allowed && distance < best_distance) {
      best = candidate;
      best_distance = distance;
    }
  }
  return best;
}

std::string DidYouMean(std::string_view word, std::span<const std::string_view> candidates) {
  std::optional<std::string_view> best = Suggest(word, candidates);
  if (!best) return "";
  return ", did you mean `" + std::string(*best) + "`?";
}

}  // namespace shadowdiff
