#include "src/core/method_set.h"

#include <array>

namespace shadowdiff {
namespace {

constexpr std::array<std::string_view, 9> kStandard = {
    "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE", "CONNECT"};

std::string Names(uint16_t bits) {
  std::string out;
  for (size_t i = 0; i < kStandard.size(); ++i) {
    if ((bits & (1u << i)) == 0) continue;
    if (!out.empty()) out += ", ";
    out += kStandard[i];
  }
  return out;
}

}  // namespace

std::span<const std::string_view> MethodSet::StandardMethods() { return kStandard; }

std::optional<uint16_t> MethodSet::BitOf(std::string_view method) {
  for (size_t i = 0; i < kStandard.size(); ++i) {
    if (kStandard[i] == method) return static_cast<uint16_t>(1u << i);
  }
  return std::nullopt;
}

bool MethodSet::Add(std::string_view method) {
  std::optional<uint16_t> bit = BitOf(method);
  if (!bit) return false;
  bits_ |= *bit;
  return true;
}

bool MethodSet::Contains(std::string_view method) const {
  if (all_) return true;
  std::optional<uint16_t> bit = BitOf(method);
  return bit && (bits_ & *bit) != 0;
}

bool MethodSet::Overlaps(const MethodSet& other) const {
  return all_ || other.all_ || (bits_ & other.bits_) != 0;
}

std::string MethodSet::IntersectionText(const MethodSet& other) const {
  if (all_ && other.all_) return "all methods";
  return Names(bits_ & other.bits_);
}

bool MethodSet::OnlySafe() const {
  if (all_) return false;
  const uint16_t safe = *BitOf("GET") | *BitOf("HEAD") | *BitOf("OPTIONS");
  return bits_ != 0 && (bits_ & ~safe) == 0;
}

std::string MethodSet::ToString() const { return all_ ? "all methods" : Names(bits_); }

}  // namespace shadowdiff
