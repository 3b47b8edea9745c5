// The endpoints.yaml schema walk: a parsed YamlDocument -> Config, collecting every error.
// Internal to the loader (config_loader.h), separate so the walk reads top-down on its own.
//
// Inheritance (SPEC.md: children inherit and extend): each endpoint's settings start from
// its parent's resolved settings (the root's parent is `defaults:`, whose parent is the
// built-in defaults of EndpointSettings); keys written at a level replace the inherited
// values, except `compare.ignore`, which adds up, and a per-path `compare.arrays` map,
// which merges (entries written lower win). `path`, `methods`, `idempotent`,
// `allow_side_effects` and `children` belong to one endpoint and are not inherited.
//
// Not thread-safe per call; calls share nothing.
#ifndef SHADOWDIFF_CORE_CONFIG_SCHEMA_H_
#define SHADOWDIFF_CORE_CONFIG_SCHEMA_H_

#include <memory>
#include <string>
#include <vector>

#include "src/core/config.h"
#include "src/core/config_error.h"
#include "src/core/yaml_tree.h"

namespace shadowdiff {

// Returns the Config when no error was added to `errors` (by this walk or before it);
// otherwise null, with every problem found in `errors`. Comparators are built only for a
// valid Config.
std::shared_ptr<Config> ReadConfig(const YamlNode& root, ConfigErrors& errors);

// Every key the walk accepts, as a dotted path from the top of the file, taken from the same
// lists the walk validates against: "listen", "limits.max_inflight_shadow",
// "endpoints[].compare.ignore", ... (`endpoints[]` is one entry of the list; `children[]`
// take the keys of `endpoints[]` and are not listed again). The `compare:` keys come from
// compare_reader.h's CompareSectionKeys. For docs/CONFIG.md's drift test.
std::vector<std::string> AllConfigKeys();

}  // namespace shadowdiff

#endif  // SHADOWDIFF_CORE_CONFIG_SCHEMA_H_
