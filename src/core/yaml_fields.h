// YamlFields: typed reading of YamlNodes for the config loader. Each reader either returns
// the value or adds one positioned error to a ConfigErrors and returns nullopt, so the loader
// goes on and reports every problem of a file in one pass. Messages follow one pattern:
//   "expected a number between 0 and 1 for `sample`, got `lots`"
//   "unknown key `sampel`, did you mean `sample`?"
//
// Not thread-safe (it appends to one ConfigErrors); one per load.
#ifndef SHADOWDIFF_CORE_YAML_FIELDS_H_
#define SHADOWDIFF_CORE_YAML_FIELDS_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "src/core/config_error.h"
#include "src/core/yaml_tree.h"

namespace shadowdiff {

// "`lots`" for a scalar (shortened past 40 bytes), "nothing" for null, "a list",
// "a mapping": what the reader found, for messages.
std::string DescribeYaml(const YamlNode& node);

class YamlFields {
 public:
  explicit YamlFields(ConfigErrors& errors) : errors_(errors) {}

  void Fail(const YamlNode& at, std::string message) { errors_.Add(at.mark, std::move(message)); }
  void Fail(SourceMark at, std::string message) { errors_.Add(at, std::move(message)); }
  size_t error_count() const { return errors_.size(); }

  // Calls `on_field(key, value)` for each entry of the mapping `map` whose key is one of
  // `allowed`, in file order. Reports keys that are not plain strings, duplicate keys, and
  // unknown keys (with a did-you-mean from `allowed`). A null `map` (e.g. `compare:` with
  // nothing after it) has no fields. Returns false, having reported it, when `map` is neither
  // a mapping nor null; `what` names it in that message ("`compare`").
  bool ForEachField(
      const YamlNode& map, std::string_view what, std::span<const std::string_view> allowed,
      const std::function<void(std::string_view key, const YamlNode& value)>& on_field);

  std::optional<bool> Bool(const YamlNode& node, std::string_view key);
  // A finite number in [min, max]; max = numeric_limits<double>::max() means "no upper bound".
  std::optional<double> Number(const YamlNode& node, std::string_view key, double min, double max);
  // A whole number in [min, max].
  std::optional<uint64_t> Integer(const YamlNode& node, std::string_view key, uint64_t min,
                                  uint64_t max);
  // A scalar as text; null reads as "".
  std::optional<std::string> String(const YamlNode& node, std::string_view key);
  // One of `names` (exact); the error lists them and suggests the nearest.
  std::optional<size_t> Choice(const YamlNode& node, std::string_view key,
                               std::span<const std::string_view> names);
  // The elements of a list of at most `max_items`; null reads as an empty list.
  std::optional<std::vector<const YamlNode*>> List(const YamlNode& node, std::string_view key,
                                                   size_t max_items);

 private:
  ConfigErrors& errors_;
};

}  // namespace shadowdiff

#endif  // SHADOWDIFF_CORE_YAML_FIELDS_H_
