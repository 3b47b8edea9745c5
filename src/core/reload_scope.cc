#include "src/core/reload_scope.h"

namespace shadowdiff {

std::vector<std::string> RestartOnlyChanges(const Config& running, const Config& loaded) {
  std::vector<std::string> changed;
  const auto check = [&changed](bool differs, const char* key) {
    if (differs) changed.emplace_back(key);
  };
  check(!(running.listen == loaded.listen), "listen");
  check(!(running.admin.listen == loaded.admin.listen), "admin.listen");
  check(running.admin.token_env != loaded.admin.token_env, "admin.token_env");
  const StoreSettings& s0 = running.store;
  const StoreSettings& s1 = loaded.store;
  check(s0.jsonl != s1.jsonl, "store.jsonl");
  check(s0.postgres != s1.postgres, "store.postgres");
  check(s0.postgres_retention_days != s1.postgres_retention_days, "store.postgres_retention_days");
  check(s0.postgres_max_rows_per_endpoint != s1.postgres_max_rows_per_endpoint,
        "store.postgres_max_rows_per_endpoint");
  check(running.capture.path != loaded.capture.path, "capture.path");
  check(running.capture.gzip != loaded.capture.gzip, "capture.gzip");
  check(running.capture.max_bytes != loaded.capture.max_bytes, "capture.max_bytes");
  const Limits& l0 = running.limits;
  const Limits& l1 = loaded.limits;
  check(l0.max_request_body_bytes != l1.max_request_body_bytes, "limits.max_request_body_bytes");
  check(l0.max_header_bytes != l1.max_header_bytes, "limits.max_header_bytes");
  check(l0.compare_queue != l1.compare_queue, "limits.compare_queue");
  check(l0.compare_workers != l1.compare_workers, "limits.compare_workers");
  check(l0.idle_timeout_ms != l1.idle_timeout_ms, "limits.idle_timeout_ms");
  check(l0.header_timeout_ms != l1.header_timeout_ms, "limits.header_timeout_ms");
  check(l0.body_timeout_ms != l1.body_timeout_ms, "limits.body_timeout_ms");
  return changed;
}

}  // namespace shadowdiff
