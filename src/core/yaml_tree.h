// YamlDocument: a parsed YAML document as a small immutable tree of YamlNodes with source
// positions, built from yaml-cpp's event parser (not YAML::Load) so that the config loader
// controls every resource it spends:
//   - aliases are not expanded: an alias is a second pointer to the anchored node, and each
//     node records how many nodes it would expand to; a document that would expand beyond
//     `max_expanded_nodes` ("billion laughs") or uses more than `max_aliases` is refused;
//   - an alias to a node that contains it (a cycle) is refused;
//   - nesting deeper than `max_depth` is refused as it is met, before yaml-cpp recurses
//     further (the pre-scan in yaml_prescan.h already refused most such files);
//   - exactly one document per file.
// yaml-cpp exceptions never leave ParseYaml.
//
// The document owns all nodes; pointers stay valid while it lives. Immutable after
// ParseYaml, so safe to read from many threads.
#ifndef SHADOWDIFF_CORE_YAML_TREE_H_
#define SHADOWDIFF_CORE_YAML_TREE_H_

#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "src/core/config_error.h"

namespace shadowdiff {

struct YamlNode {
  enum class Kind : uint8_t { kNull, kScalar, kSequence, kMap };

  Kind kind = Kind::kNull;
  SourceMark mark;  // where the node starts (for an alias: where the anchored node starts)
  // For kScalar: the text. `plain` is false for quoted or explicitly tagged scalars.
  std::string scalar;
  bool plain = true;
  // kSequence: the elements. kMap: key0, value0, key1, value1, ... (keys may be any kind).
  std::vector<const YamlNode*> items;
  // 1 + the expanded sizes of all items (saturating), counting aliases as their target.
  uint64_t expanded_size = 1;

  bool is_null() const { return kind == Kind::kNull; }
  bool is_scalar() const { return kind == Kind::kScalar; }
  bool is_sequence() const { return kind == Kind::kSequence; }
  bool is_map() const { return kind == Kind::kMap; }
  size_t map_size() const { return items.size() / 2; }
  const YamlNode& map_key(size_t i) const { return *items[2 * i]; }
  const YamlNode& map_value(size_t i) const { return *items[2 * i + 1]; }
};

struct YamlLimits {
  size_t max_depth = 64;
  size_t max_aliases = 1000;
  uint64_t max_expanded_nodes = 1'000'000;
};

class YamlDocument {
 public:
  // Never null for a document returned by ParseYaml.
  const YamlNode& root() const { return *root_; }

 private:
  friend class YamlTreeBuilder;
  std::deque<YamlNode> nodes_;  // stable addresses
  const YamlNode* root_ = nullptr;
};

// Parses `text` (one YAML document). On failure adds one error to `errors` and returns
// null. A text with no document at all (empty, or only comments) is an error too.
std::unique_ptr<const YamlDocument> ParseYaml(std::string_view text, const YamlLimits& limits,
                                              ConfigErrors& errors);

}  // namespace shadowdiff

#endif  // SHADOWDIFF_CORE_YAML_TREE_H_
