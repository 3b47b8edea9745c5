#include "src/core/compare_reader.h"

#include <array>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "src/core/suggest.h"

namespace shadowdiff {
namespace {

constexpr std::array<std::string_view, 5> kCompareKeys = {"status", "headers", "ignore", "arrays",
                                                          "numbers"};
constexpr std::array<std::string_view, 1> kNumbersKeys = {"tolerance"};
constexpr std::array<std::string_view, 1> kByKeyKeys = {"by_key"};
constexpr std::array<std::string_view, 2> kArrayModes = {"ordered", "unordered"};

constexpr std::string_view kArraysHelp =
    "expected `ordered`, `unordered`, `{by_key: KEY}`, or a map from JSONPath to one of those";

bool IsTokenChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

std::optional<JsonPath> ReadJsonPath(YamlFields& fields, const YamlNode& node,
                                     std::string_view key) {
  std::optional<std::string> text = fields.String(node, key);
  if (!text) return std::nullopt;
  Result<JsonPath> path = JsonPath::Parse(*text);
  if (!path.ok()) {
    fields.Fail(node, "invalid JSONPath in " + std::string("`") + std::string(key) +
                          "`: " + path.error().message);
    return std::nullopt;
  }
  return std::move(path).value();
}

// One array mode: `ordered`, `unordered` or `{by_key: KEY}`.
std::optional<ArrayRule> ReadArrayRule(YamlFields& fields, const YamlNode& node) {
  if (node.is_scalar()) {
    std::optional<size_t> mode = fields.Choice(node, "arrays", kArrayModes);
    if (!mode) return std::nullopt;
    return ArrayRule{*mode == 0 ? ArrayMode::kOrdered : ArrayMode::kUnordered, ""};
  }
  if (!node.is_map()) {
    fields.Fail(node, std::string(kArraysHelp) + ", got " + DescribeYaml(node));
    return std::nullopt;
  }
  std::optional<ArrayRule> rule;
  const size_t errors_before = fields.error_count();
  fields.ForEachField(node, "`arrays`", kByKeyKeys, [&](std::string_view, const YamlNode& v) {
    std::optional<std::string> key = fields.String(v, "by_key");
    if (key && key->empty()) {
      fields.Fail(v,
                  "`by_key` needs the name of the member that identifies an element, e.g. "
                  "`{by_key: id}`");
    } else if (key) {
      rule = ArrayRule{ArrayMode::kByKey, *key};
    }
  });
  if (!rule && fields.error_count() == errors_before) {
    fields.Fail(node, "`{by_key: KEY}` needs a key, e.g. `{by_key: id}`");
  }
  return rule;
}

void ReadArrays(YamlFields& fields, const YamlNode& node, CompareRules& rules) {
  // `{by_key: id}` is a mode; any other mapping is a per-path map.
  const bool is_path_map = node.is_map() && !(node.map_size() == 1 && node.map_key(0).is_scalar() &&
                                              node.map_key(0).scalar == "by_key");
  if (!is_path_map) {
    if (std::optional<ArrayRule> rule = ReadArrayRule(fields, node)) rules.arrays = *rule;
    return;
  }
  if (node.map_size() > kMaxListEntries) {
    fields.Fail(node, "`arrays` has " + std::to_string(node.map_size()) + " entries; at most " +
                          std::to_string(kMaxListEntries) + " are allowed");
    return;
  }
  std::vector<std::pair<JsonPath, ArrayRule>> written;
  for (size_t i = 0; i < node.map_size(); ++i) {
    const YamlNode& key = node.map_key(i);
    if (!key.is_scalar() || key.scalar.empty() || key.scalar[0] != '$') {
      std::string message = std::string(kArraysHelp) + "; " + DescribeYaml(key) +
                            " is not a JSONPath (they start with `$`)";
      if (key.is_scalar() && key.scalar != "by_key") {
        message += DidYouMean(key.scalar, kByKeyKeys);
      }
      fields.Fail(key, std::move(message));
      continue;
    }
    std::optional<JsonPath> path = ReadJsonPath(fields, key, "arrays");
    std::optional<ArrayRule> rule = ReadArrayRule(fields, node.map_value(i));
    if (!path || !rule) continue;
    bool duplicate = false;
    for (const auto& [earlier, unused] : written)
      duplicate = duplicate || earlier.text() == path->text();
    if (duplicate) {
      fields.Fail(key, "duplicate key `" + path->text() + "`");
      continue;
    }
    written.emplace_back(std::move(*path), *rule);
  }
  // Entries written here come first (first match wins), then inherited ones not overridden.
  for (auto& inherited : rules.array_overrides) {
    bool overridden = false;
    for (const auto& [path, unused] : written)
      overridden = overridden || path.text() == inherited.first.text();
    if (!overridden) written.push_back(std::move(inherited));
  }
  rules.array_overrides = std::move(written);
}

void ReadHeaders(YamlFields& fields, const YamlNode& node, CompareRules& rules) {
  std::optional<std::vector<const YamlNode*>> items = fields.List(node, "headers", kMaxListEntries);
  if (!items) return;
  std::vector<std::string> headers;
  for (const YamlNode* item : *items) {
    std::optional<std::string> name = fields.String(*item, "headers");
    if (!name) continue;
    bool valid = !name->empty();
    for (char& c : *name) {
      valid = valid && IsTokenChar(c);
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    if (!valid) {
      fields.Fail(*item, "`" + item->scalar + "` is not a header name");
      continue;
    }
    bool seen = false;
    for (const std::string& h : headers) seen = seen || h == *name;
    if (!seen) headers.push_back(std::move(*name));
  }
  rules.headers = std::move(headers);
}

void ReadIgnore(YamlFields& fields, const YamlNode& node, CompareRules& rules) {
  std::optional<std::vector<const YamlNode*>> items = fields.List(node, "ignore", kMaxListEntries);
  if (!items) return;
  for (const YamlNode* item : *items) {
    std::optional<JsonPath> path = ReadJsonPath(fields, *item, "ignore");
    if (!path) continue;
    bool seen = false;
    for (const JsonPath& p : rules.ignore) seen = seen || p.text() == path->text();
    if (!seen) rules.ignore.push_back(std::move(*path));
  }
}

}  // namespace

void ReadCompareSection(YamlFields& fields, const YamlNode& section, CompareRules& rules) {
  fields.ForEachField(
      section, "`compare`", kCompareKeys, [&](std::string_view key, const YamlNode& value) {
        if (key == "status") {
          if (auto v = fields.Bool(value, key)) rules.status = *v;
        } else if (key == "headers") {
          ReadHeaders(fields, value, rules);
        } else if (key == "ignore") {
          ReadIgnore(fields, value, rules);
        } else if (key == "arrays") {
          ReadArrays(fields, value, rules);
        } else if (key == "numbers") {
          fields.ForEachField(
              value, "`numbers`", kNumbersKeys, [&](std::string_view k, const YamlNode& v) {
                if (auto t = fields.Number(v, k, 0, std::numeric_limits<double>::max())) {
                  rules.number_tolerance = *t;
                }
              });
        }
      });
  const size_t patterns = rules.ignore.size() + rules.array_overrides.size();
  if (patterns > kMaxPatternsPerEndpoint) {
    fields.Fail(section, "`compare` accumulates " + std::to_string(patterns) +
                             " ignore/arrays patterns down the tree; at most " +
                             std::to_string(kMaxPatternsPerEndpoint) + " are allowed");
  }
}

std::vector<std::string> CompareSectionKeys() {
  std::vector<std::string> keys(kCompareKeys.begin(), kCompareKeys.end());
  for (std::string_view key : kByKeyKeys) keys.push_back("arrays." + std::string(key));
  for (std::string_view key : kNumbersKeys) keys.push_back("numbers." + std::string(key));
  return keys;
}

}  // namespace shadowdiff
