#include "src/core/yaml_fields.h"

#include <charconv>
#include <cmath>
#include <limits>

#include "src/core/suggest.h"

namespace shadowdiff {
namespace {

std::string Quote(std::string_view text) { return "`" + std::string(text) + "`"; }

// "`a`, `b` or `c`".
std::string Alternatives(std::span<const std::string_view> names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " or " : ", ";
    out += Quote(names[i]);
  }
  return out;
}

std::string FormatNumber(double value) {
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, value);
  return ec == std::errc() ? std::string(buffer, end) : std::string("?");
}

}  // namespace

std::string DescribeYaml(const YamlNode& node) {
  switch (node.kind) {
    case YamlNode::Kind::kNull:
      return "nothing";
    case YamlNode::Kind::kSequence:
      return "a list";
    case YamlNode::Kind::kMap:
      return "a mapping";
    case YamlNode::Kind::kScalar:
      break;
  }
  constexpr size_t kMaxShown = 40;
  if (node.scalar.size() <= kMaxShown) return Quote(node.scalar);
  size_t cut = kMaxShown;
  // Do not cut a UTF-8 sequence in half.
  while (cut > 0 && (static_cast<unsigned char>(node.scalar[cut]) & 0xC0) == 0x80) --cut;
  return Quote(node.scalar.substr(0, cut) + "...");
}

bool YamlFields::ForEachField(
    const YamlNode& map, std::string_view what, std::span<const std::string_view> allowed,
    const std::function<void(std::string_view key, const YamlNode& value)>& on_field) {
  if (map.is_null()) return true;
  if (!map.is_map()) {
    Fail(map, "expected a mapping for " + std::string(what) + ", got " + DescribeYaml(map));
    return false;
  }
  for (size_t i = 0; i < map.map_size(); ++i) {
    const YamlNode& key = map.map_key(i);
    if (!key.is_scalar()) {
      Fail(key, "expected a plain string as a key, got " + DescribeYaml(key));
      continue;
    }
    bool duplicate = false;
    for (size_t j = 0; j < i && !duplicate; ++j) {
      const YamlNode& earlier = map.map_key(j);
      if (earlier.is_scalar() && earlier.scalar == key.scalar) {
        Fail(key, "duplicate key " + Quote(key.scalar) + " (first at line " +
                      std::to_string(earlier.mark.line) + ")");
        duplicate = true;
      }
    }
    if (duplicate) continue;
    bool known = false;
    for (std::string_view name : allowed) known = known || name == key.scalar;
    if (!known) {
      const std::string hint = DidYouMean(key.scalar, allowed);
      if (!hint.empty()) {
        Fail(key, "unknown key " + Quote(key.scalar) + hint);
      } else {
        std::string valid;
        for (std::string_view name : allowed)
          valid += (valid.empty() ? "" : ", ") + std::string(name);
        Fail(key, "unknown key " + Quote(key.scalar) + " in " + std::string(what) +
                      " (valid keys: " + valid + ")");
      }
      continue;
    }
    on_field(key.scalar, map.map_value(i));
  }
  return true;
}

std::optional<bool> YamlFields::Bool(const YamlNode& node, std::string_view key) {
  if (node.is_scalar()) {
    if (node.scalar == "true" || node.scalar == "True" || node.scalar == "TRUE") return true;
    if (node.scalar == "false" || node.scalar == "False" || node.scalar == "FALSE") return false;
  }
  Fail(node, "expected true or false for " + Quote(key) + ", got " + DescribeYaml(node));
  return std::nullopt;
}

std::optional<double> YamlFields::Number(const YamlNode& node, std::string_view key, double min,
                                         double max) {
  if (node.is_scalar()) {
    const std::string& text = node.scalar;
    double value = 0;
    const char* begin = text.data();
    if (!text.empty() && text[0] == '+') ++begin;
    auto [end, ec] = std::from_chars(begin, text.data() + text.size(), value);
    if (!text.empty() && ec == std::errc() && end == text.data() + text.size() &&
        std::isfinite(value) && value >= min && value <= max) {
      return value;
    }
  }
  const std::string range =
      max == std::numeric_limits<double>::max()
          ? "a number >= " + FormatNumber(min)
          : "a number between " + FormatNumber(min) + " and " + FormatNumber(max);
  Fail(node, "expected " + range + " for " + Quote(key) + ", got " + DescribeYaml(node));
  return std::nullopt;
}

std::optional<uint64_t> YamlFields::Integer(const YamlNode& node, std::string_view key,
                                            uint64_t min, uint64_t max) {
  if (node.is_scalar()) {
    const std::string& text = node.scalar;
    uint64_t value = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
    if (!text.empty() && ec == std::errc() && end == text.data() + text.size() && value >= min &&
        value <= max) {
      return value;
    }
  }
  Fail(node, "expected a whole number between " + std::to_string(min) + " and " +
                 std::to_string(max) + " for " + Quote(key) + ", got " + DescribeYaml(node));
  return std::nullopt;
}

std::optional<std::string> YamlFields::String(const YamlNode& node, std::string_view key) {
  if (node.is_null()) return std::string();
  if (node.is_scalar()) return node.scalar;
  Fail(node, "expected a string for " + Quote(key) + ", got " + DescribeYaml(node));
  return std::nullopt;
}

std::optional<size_t> YamlFields::Choice(const YamlNode& node, std::string_view key,
                                         std::span<const std::string_view> names) {
  if (node.is_scalar()) {
    for (size_t i = 0; i < names.size(); ++i) {
      if (names[i] == node.scalar) return i;
    }
  }
  std::string message =
      "expected " + Alternatives(names) + " for " + Quote(key) + ", got " + DescribeYaml(node);
  if (node.is_scalar()) message += DidYouMean(node.scalar, names);
  Fail(node, std::move(message));
  return std::nullopt;
}

std::optional<std::vector<const YamlNode*>> YamlFields::List(const YamlNode& node,
                                                             std::string_view key,
                                                             size_t max_items) {
  if (node.is_null()) return std::vector<const YamlNode*>();
  if (!node.is_sequence()) {
    Fail(node, "expected a list for " + Quote(key) + ", got " + DescribeYaml(node));
    return std::nullopt;
  }
  if (node.items.size() > max_items) {
    Fail(node, Quote(key) + " has " + std::to_string(node.items.size()) + " entries; at most " +
                   std::to_string(max_items) + " are allowed");
    return std::nullopt;
  }
  return node.items;
}

}  // namespace shadowdiff
