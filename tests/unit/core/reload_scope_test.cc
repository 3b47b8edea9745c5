// RestartOnlyChanges: which changed keys a reload keeps at their startup values.
#include "src/core/reload_scope.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "src/core/config_loader.h"
#include "src/core/config_schema.h"

namespace shadowdiff {
namespace {

constexpr const char* kBase = R"(listen: 127.0.0.1:8080
targets: {old: "http://127.0.0.1:8001", new: "http://127.0.0.1:8002"}
endpoints:
  - path: /a
    methods: [GET]
)";

std::shared_ptr<const Config> Load(const std::string& yaml) {
  auto loaded = LoadConfigString(yaml, "t.yaml");
  EXPECT_TRUE(loaded.ok()) << (loaded.ok() ? "" : loaded.error().message) << "\n" << yaml;
  return loaded.ok() ? *loaded : nullptr;
}

TEST(RestartOnlyChanges, NamesEachKeyAReloadCannotApply) {
  const auto base = Load(kBase);
  ASSERT_NE(base, nullptr);
  EXPECT_TRUE(RestartOnlyChanges(*base, *base).empty());
  const std::vector<std::string> known = AllConfigKeys();
  const struct {
    const char* yaml;
    const char* key;
  } cases[] = {
      {"listen: 127.0.0.1:9090\n", "listen"},
      {"admin: {listen: 127.0.0.1:9999}\n", "admin.listen"},
      {"admin: {token_env: OTHER_TOKEN}\n", "admin.token_env"},
      {"store: {jsonl: var/other.jsonl}\n", "store.jsonl"},
      {"store: {postgres: \"host=/tmp dbname=x\"}\n", "store.postgres"},
      {"store: {postgres_retention_days: 3}\n", "store.postgres_retention_days"},
      {"store: {postgres_max_rows_per_endpoint: 5}\n", "store.postgres_max_rows_per_endpoint"},
      {"capture: {path: var/cap.jsonl}\n", "capture.path"},
      {"capture: {gzip: true}\n", "capture.gzip"},
      {"capture: {max_bytes: 4096}\n", "capture.max_bytes"},
      {"limits: {max_request_body_bytes: 10}\n", "limits.max_request_body_bytes"},
      {"limits: {max_header_bytes: 4096}\n", "limits.max_header_bytes"},
      {"limits: {compare_queue: 7}\n", "limits.compare_queue"},
      {"limits: {compare_workers: 3}\n", "limits.compare_workers"},
      {"limits: {idle_timeout_ms: 5}\n", "limits.idle_timeout_ms"},
      {"limits: {header_timeout_ms: 5}\n", "limits.header_timeout_ms"},
      {"limits: {body_timeout_ms: 5}\n", "limits.body_timeout_ms"},
  };
  for (const auto& c : cases) {
    // The changed key replaces the base's line where the base has one, else is added.
    std::string yaml = kBase;
    if (std::string(c.key) == "listen") yaml.erase(0, yaml.find('\n') + 1);
    const auto changed = Load(yaml + c.yaml);
    ASSERT_NE(changed, nullptr);
    EXPECT_EQ(RestartOnlyChanges(*base, *changed), std::vector<std::string>{c.key}) << c.yaml;
    // Named as docs/CONFIG.md and the schema name it.
    EXPECT_NE(std::find(known.begin(), known.end(), c.key), known.end()) << c.key;
  }
}

TEST(RestartOnlyChanges, WhatAReloadAppliesIsNotListed) {
  const auto base = Load(kBase);
  const auto changed = Load(R"(listen: 127.0.0.1:8080
targets: {old: "http://127.0.0.1:8101", new: "http://127.0.0.1:8102", secondary: "http://127.0.0.1:8103"}
defaults: {sample: 0.5, timeout_ms: 100, compare: {ignore: ["$..id"]}}
unmatched: shadow_safe_methods
capture: {sample: 0.25}
redact: ["$..cvv"]
limits: {max_inflight_shadow: 3, compare_queue_bytes: 2097152, connect_timeout_ms: 9, max_diffs: 4}
endpoints:
  - path: /b
    methods: [GET, HEAD]
)");
  ASSERT_NE(base, nullptr);
  ASSERT_NE(changed, nullptr);
  EXPECT_TRUE(RestartOnlyChanges(*base, *changed).empty());
}

}  // namespace
}  // namespace shadowdiff
