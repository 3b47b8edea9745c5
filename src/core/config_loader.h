// The endpoints.yaml loader: text -> validated, immutable Config, or every error in the file.
//
//   bytes --(size cap, encoding, nesting pre-scan: yaml_prescan.h)--> text
//         --(yaml-cpp events, alias/node budgets: yaml_tree.h)-----> YamlDocument
//         --(schema walk, all errors collected)--------------------> Config
//
// Errors are `FILE:LINE:COL: message` (1-based, from yaml-cpp's marks), with a hint where one
// helps ("unknown key `sampel`, did you mean `sample`?"). A file with any error yields no
// Config at all: nothing is ever half-applied. Hostile input (huge, binary, deeply nested,
// alias bombs, absurd numbers of endpoints) is refused quickly with bounded memory.
//
// Pure (no environment, no network); the only I/O is LoadConfigFile reading the file.
// Thread-safe: loads share no state. Never throws.
#ifndef SHADOWDIFF_CORE_CONFIG_LOADER_H_
#define SHADOWDIFF_CORE_CONFIG_LOADER_H_

#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "src/core/config.h"
#include "src/core/config_error.h"
#include "src/core/result.h"

namespace shadowdiff {

// Files larger than this are refused before reading them.
inline constexpr size_t kMaxConfigBytes = 4 << 20;
// Endpoints (tree nodes) in one file.
inline constexpr size_t kMaxEndpoints = 10000;
// Ignore / arrays patterns summed over all resolved endpoints (inheritance copies them).
inline constexpr size_t kMaxTotalPatterns = 200000;

// On failure the Error's message is every error, one `FILE:LINE:COL: message` per line, in
// file order. When `errors` is not null it receives the same list as values (empty on
// success) — `shadowdiff check` prints one per line from either.
Result<std::shared_ptr<const Config>> LoadConfigFile(const std::string& path,
                                                     std::vector<ConfigError>* errors = nullptr);

// As LoadConfigFile, from text already in memory; `display_name` is the FILE of messages.
Result<std::shared_ptr<const Config>> LoadConfigString(std::string_view text,
                                                       std::string_view display_name,
                                                       std::vector<ConfigError>* errors = nullptr);

}  // namespace shadowdiff

#endif  // SHADOWDIFF_CORE_CONFIG_LOADER_H_
