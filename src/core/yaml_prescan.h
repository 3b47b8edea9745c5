// YamlPrescan: checks the raw bytes of a config file before yaml-cpp sees them, so hostile
// input is refused quickly with bounded memory and a precise position:
//   - NUL bytes, control characters and invalid UTF-8 (binary garbage);
//   - nesting deeper than a limit, counting both block indentation (including compact
//     `- - -` sequences) and flow brackets `[` `{` outside quoted scalars.
// yaml-cpp's parser recurses once per nesting level, so a deeply nested file would
// otherwise exhaust the stack. The depth estimate never under-counts what yaml-cpp will
// recurse on; it may over-count slightly (e.g. continuation lines of a plain scalar).
//
// A pure function over a string; thread-safe. Time O(n), memory O(max_depth).
#ifndef SHADOWDIFF_CORE_YAML_PRESCAN_H_
#define SHADOWDIFF_CORE_YAML_PRESCAN_H_

#include <cstddef>
#include <string_view>

#include "src/core/config_error.h"

namespace shadowdiff {

struct YamlPrescanLimits {
  size_t max_depth = 64;
};

// Adds at most one error (the first problem found) to `errors`; returns true when the text
// may be handed to the YAML parser.
bool PrescanYaml(std::string_view text, const YamlPrescanLimits& limits, ConfigErrors& errors);

}  // namespace shadowdiff

#endif  // SHADOWDIFF_CORE_YAML_PRESCAN_H_
