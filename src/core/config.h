// Config: everything endpoints.yaml says, validated — the one model of the file's schema
// (SPEC.md, "endpoints.yaml"). The default member initialisers here and in
// EndpointSettings are the only place defaults live.
//
// A Config is built by the loader (config_loader.h) and is immutable afterwards: the proxy
// holds a std::shared_ptr<const Config> and a reload swaps the pointer, so any number of
// threads may read one Config at once. A Config is never half-built: the loader returns one
// only when the whole file is valid.
//
// Some commands need less than the proxy: `check`, `diff` and `replay` need no
// listen/admin; `diff` needs no targets. So targets are optional in the model (validated
// when present) and RequireTargets() lets a command demand them.
#ifndef SHADOWDIFF_CORE_CONFIG_H_
#define SHADOWDIFF_CORE_CONFIG_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "comparators/json/json_path.h"
#include "comparators/response_comparator.h"
#include "src/core/endpoint_settings.h"
#include "src/core/endpoint_tree.h"
#include "src/core/net_address.h"
#include "src/core/result.h"

namespace shadowdiff {

struct AdminSettings {
  HostPort listen{"127.0.0.1", 9901};
  // Environment variable holding the bearer token for mutating /api/* calls; "" disables.
  // The loader does not read the environment (it is pure); the admin server does.
  std::string token_env = "SHADOWDIFF_ADMIN_TOKEN";
};

struct Targets {
  std::optional<TargetUrl> old_target;        // `old:`
  std::optional<TargetUrl> new_target;        // `new:`
  std::optional<TargetUrl> secondary_target;  // `secondary:` (optional even for the proxy)
};

struct RollbackSettings {
  // Environment variable holding the HMAC key for Shadow-Signature; "" disables signing.
  std::string secret_env = "SHADOWDIFF_ROLLBACK_SECRET";
  // Default for endpoints that do not set `rollback: {order: ...}` themselves.
  RollbackOrder order = RollbackOrder::kBeforePrimary;
};

enum class UnmatchedPolicy {
  kPrimaryOnly,        // requests matching no endpoint go to the primary only
  kShadowSafeMethods,  // ... and GET/HEAD/OPTIONS are shadowed with the `defaults:` settings
};
std::string_view UnmatchedPolicyName(UnmatchedPolicy policy);

struct StoreSettings {
  std::string jsonl = "var/mismatches.jsonl";  // "" disables the JSONL store
  std::string postgres;                        // libpq conninfo; "" disables PostgreSQL
  // PostgreSQL retention (src/store/postgres_retention.h); 0 disables that limit.
  uint32_t postgres_retention_days = 14;             // rows older than this are deleted
  uint64_t postgres_max_rows_per_endpoint = 100000;  // newest rows kept per endpoint
};

struct CaptureSettings {
  std::string path;  // "" disables capture
  double sample = 1.0;
  bool gzip = false;
  // The capture file rotates at this size (src/store/capture_writer.h keeps the last few).
  uint64_t max_bytes = uint64_t{1} << 30;
};

// One `redact:` entry: a JSONPath into bodies, or `header:<name>`.
struct RedactRule {
  enum class Kind { kJsonPath, kHeader };
  Kind kind = Kind::kJsonPath;
  std::optional<JsonPath> path;  // for kJsonPath (JsonPath has no default constructor state)
  std::string header;            // for kHeader, lower-case
};

// The largest max_ms and max_held that POST /api/pause and limits.pause_* accept.
inline constexpr uint32_t kPauseMaxTimeoutMs = 300'000;
inline constexpr uint32_t kPauseMaxHeldRequests = 1'000'000;

// Resource limits of the proxy. All have defaults; `limits:` in the file overrides them.
struct Limits {
  // The largest client request body; a larger one is answered 413 (each body is buffered
  // whole, to be sent to both sides).
  uint64_t max_request_body_bytes = uint64_t{8} << 20;
  // Responses are buffered for comparison up to this many bytes; beyond it they are compared
  // by length + hash. Copied into every endpoint's CompareRules::max_body_bytes.
  uint64_t max_response_body_bytes = 8 << 20;
  uint32_t max_header_bytes = 64 << 10;  // request or response head
  uint32_t max_inflight_shadow = 1024;   // shadow calls in flight; beyond: dropped, counted
  uint32_t compare_queue = 1024;         // comparisons waiting; beyond: dropped, counted
  // Bytes of bodies (request, responses) held by waiting and running comparisons; a
  // comparison that does not fit is dropped and counted like a full queue (one always fits
  // when nothing else is held). Bounds memory when bodies are large and comparing is slow.
  uint64_t compare_queue_bytes = uint64_t{256} << 20;
  uint32_t compare_workers = 2;  // threads of the comparison pool
  // Shadow and secondary calls that may be sent twice (GET, HEAD, OPTIONS without a body,
  // not in rollback mode) share connections, up to this many in flight on each (HTTP/1.1
  // pipelining); 1 sends one at a time.
  uint32_t shadow_pipeline = 1;
  uint32_t connect_timeout_ms = 1000;  // to an upstream
  uint32_t idle_timeout_ms = 60000;    // idle keep-alive connection (client or upstream)
  uint32_t header_timeout_ms = 10000;  // to receive a client's request head
  uint32_t body_timeout_ms = 60000;    // then to receive that request's whole body
  uint32_t drain_timeout_ms = 30000;   // graceful shutdown: wait this long for requests
  // POST /api/pause's defaults when its query leaves them out: requests held at most
  // (max_held) and how long a pause lasts at most (max_ms).
  uint32_t pause_max_requests = 10000;
  uint32_t pause_timeout_ms = 30000;
  uint32_t field_label_cap = 200;  // distinct `field` label values per endpoint
  uint32_t json_max_depth = 128;   // copied into every CompareRules::max_depth
  uint32_t max_diffs = 1000;       // copied into every CompareRules::max_diffs
};

struct Config {
  std::string source;  // display name of the file it was loaded from

  HostPort listen{"127.0.0.1", 8080};
  AdminSettings admin;
  Targets targets;
  // The resolved `defaults:` section: what applies to a request that matches no endpoint
  // (the proxy then also applies `unmatched`) and to `diff` without `--endpoint`. Here
  // `methods` is all, `idempotent` is false and `shadow` is as written (else `compare`):
  // the per-endpoint idempotency rules are not applied to it.
  EndpointSettings defaults;
  std::shared_ptr<const ResponseComparator> default_comparator;  // from defaults.compare
  RollbackSettings rollback;
  UnmatchedPolicy unmatched = UnmatchedPolicy::kPrimaryOnly;
  StoreSettings store;
  CaptureSettings capture;
  std::vector<RedactRule> redact;
  Limits limits;
  EndpointTree endpoints;
};

// OK when `targets.old` and `targets.new` are both set (the proxy and live replay need
// them); otherwise an error naming the missing key(s) and what to write.
Status RequireTargets(const Config& config);

}  // namespace shadowdiff

#endif  // SHADOWDIFF_CORE_CONFIG_H_
