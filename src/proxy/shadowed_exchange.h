// ShadowedExchange: everything one shadowed request produced, handed from the I/O thread
// that gathered it to a comparison worker (which compares, classifies, counts and stores it).
// A plain value: once submitted, the I/O thread never touches it again.
#ifndef SHADOWDIFF_PROXY_SHADOWED_EXCHANGE_H_
#define SHADOWDIFF_PROXY_SHADOWED_EXCHANGE_H_

#include <memory>
#include <optional>
#include <string>

#include "src/core/exchange.h"
#include "src/core/shadow_policy.h"
#include "src/proxy/live_config.h"
#include "src/proxy/upstream_types.h"

namespace shadowdiff {

struct ShadowedExchange {
  // The generation the request was served with; keeps `endpoint` and its comparator alive.
  std::shared_ptr<const LiveConfig> live;
  const Endpoint* endpoint = nullptr;  // nullptr: unmatched (compared with the defaults)
  ShadowDecision decision;
  Request request;        // as sent upstream (sanitised; no Shadow-* headers)
  std::string shadow_id;  // the Shadow-Id of the shadow call
  UpstreamResult primary;
  UpstreamResult shadow;
  std::optional<UpstreamResult> secondary;  // when targets.secondary was called
  // Rollback mode: the shadow's Shadow-Rolled-Back matched shadow_id.
  bool rollback_confirmed = false;
  // When the client's request arrived (system clock), for stored examples.
  std::chrono::system_clock::time_point received_at;
};

}  // namespace shadowdiff

#endif  // SHADOWDIFF_PROXY_SHADOWED_EXCHANGE_H_
