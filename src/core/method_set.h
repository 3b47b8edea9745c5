// MethodSet: which HTTP methods an endpoint serves, as a bit set over the standard methods
// (RFC 9110 plus PATCH), or "all methods" (the default, which also covers extension methods
// such as PROPFIND). A small value; Contains() is allocation-free and thread-safe.
#ifndef SHADOWDIFF_CORE_METHOD_SET_H_
#define SHADOWDIFF_CORE_METHOD_SET_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace shadowdiff {

class MethodSet {
 public:
  // Every method, including ones not in kStandardMethods.
  static MethodSet All() { return MethodSet(kAllBits, true); }
  static MethodSet None() { return MethodSet(0, false); }

  // The standard method names, upper-case, in bit order.
  static std::span<const std::string_view> StandardMethods();

  // The bit of a standard method (exact, case-sensitive as on the wire), or nullopt.
  static std::optional<uint16_t> BitOf(std::string_view method);

  // Adds a standard method; returns false if `method` is not one.
  bool Add(std::string_view method);

  bool all() const { return all_; }
  bool empty() const { return bits_ == 0 && !all_; }
  bool Contains(std::string_view method) const;
  bool Overlaps(const MethodSet& other) const;
  // The methods both serve, e.g. "GET, HEAD" or "all methods".
  std::string IntersectionText(const MethodSet& other) const;
  // True when every method served is GET, HEAD or OPTIONS (false for All()).
  bool OnlySafe() const;
  // "GET, POST" in bit order, or "all methods".
  std::string ToString() const;

  bool operator==(const MethodSet&) const = default;

 private:
  static constexpr uint16_t kAllBits = 0x1FF;
  MethodSet(uint16_t bits, bool all) : bits_(bits), all_(all) {}
  uint16_t bits_ = 0;
  bool all_ = false;
};

}  // namespace shadowdiff

#endif  // SHADOWDIFF_CORE_METHOD_SET_H_
