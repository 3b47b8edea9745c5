#include "src/core/exchange.h"

#include <array>

namespace shadowdiff {
namespace {

// ASCII A-Z to a-z; every other byte (obs-text included) maps to itself.
constexpr std::array<unsigned char, 256> kAsciiLower = [] {
  std::array<unsigned char, 256> table{};
  for (int c = 0; c < 256; ++c) {
    table[c] = static_cast<unsigned char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  return table;
}();

}  // namespace

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  const auto* x = reinterpret_cast<const unsigned char*>(a.data());
  const auto* y = reinterpret_cast<const unsigned char*>(b.data());
  for (size_t i = 0; i < a.size(); ++i) {
    if (x[i] != y[i] && kAsciiLower[x[i]] != kAsciiLower[y[i]]) return false;
  }
  return true;
}

std::optional<std::string_view> FindHeader(const HeaderList& headers, std::string_view name) {
  for (const auto& [n, v] : headers) {
    // The length test first: most names differ in length, and it saves the call.
    if (n.size() == name.size() && EqualsIgnoreCase(n, name)) return std::string_view(v);
  }
  return std::nullopt;
}

}  // namespace shadowdiff
