// Which settings a reload cannot apply: the proxy binds its listeners, starts its stores,
// capture writer and comparison pool, and builds its client-side edge once, at startup. A
// reload swaps in everything else (docs/CONFIG.md, "Reload"); for these it keeps the startup
// values, and says so. Pure.
#ifndef SHADOWDIFF_CORE_RELOAD_SCOPE_H_
#define SHADOWDIFF_CORE_RELOAD_SCOPE_H_

#include <string>
#include <vector>

#include "src/core/config.h"

namespace shadowdiff {

// The dotted keys (as in docs/CONFIG.md) that differ between `running` and `loaded` and that
// a reload does not apply, in file order; empty when the reload applies whole. Keys that a
// reload applies to upstream connections only (limits.max_header_bytes,
// limits.idle_timeout_ms) are listed too: their client side keeps the startup value.
std::vector<std::string> RestartOnlyChanges(const Config& running, const Config& loaded);

}  // namespace shadowdiff

#endif  // SHADOWDIFF_CORE_RELOAD_SCOPE_H_
