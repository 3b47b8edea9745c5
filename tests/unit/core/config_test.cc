// The config model and loader on valid files: every key, defaults, inheritance, and the
// example endpoints.yaml at the top of the repository.
#include "src/core/config.h"

#include <gtest/gtest.h>

#include "src/core/config_loader.h"
#include "tests/unit/core/config_test_util.h"

namespace shadowdiff {
namespace {

using testing::LoadOk;
using testing::Testdata;

std::vector<std::string> IgnoreTexts(const CompareRules& rules) {
  std::vector<std::string> out;
  for (const JsonPath& p : rules.ignore) out.push_back(p.text());
  return out;
}

std::vector<std::pair<std::string, ArrayRule>> ArrayOverrides(const CompareRules& rules) {
  std::vector<std::pair<std::string, ArrayRule>> out;
  for (const auto& [path, rule] : rules.array_overrides) out.emplace_back(path.text(), rule);
  return out;
}

const Endpoint& Only(const Config& config, std::string_view method, std::string_view target) {
  const Endpoint* e = config.endpoints.Match(method, target);
  EXPECT_NE(e, nullptr) << method << " " << target;
  static const Endpoint kNone;
  return e ? *e : kNone;
}

TEST(ConfigTest, EmptyMappingGivesEveryDefault) {
  auto config = LoadOk("{}\n");
  ASSERT_NE(config, nullptr);
  EXPECT_EQ(config->source, "t.yaml");
  EXPECT_EQ(config->listen.ToString(), "127.0.0.1:8080");
  EXPECT_EQ(config->admin.listen.ToString(), "127.0.0.1:9901");
  EXPECT_EQ(config->admin.token_env, "SHADOWDIFF_ADMIN_TOKEN");
  EXPECT_FALSE(config->targets.old_target.has_value());
  EXPECT_EQ(config->rollback.secret_env, "SHADOWDIFF_ROLLBACK_SECRET");
  EXPECT_EQ(config->rollback.order, RollbackOrder::kBeforePrimary);
  EXPECT_EQ(config->unmatched, UnmatchedPolicy::kPrimaryOnly);
  EXPECT_EQ(config->store.jsonl, "var/mismatches.jsonl");
  EXPECT_EQ(config->store.postgres, "");
  EXPECT_EQ(config->capture.path, "");
  EXPECT_EQ(config->capture.max_bytes, uint64_t{1} << 30);
  EXPECT_EQ(config->limits.max_response_body_bytes, 8u << 20);
  EXPECT_EQ(config->limits.field_label_cap, 200u);
  EXPECT_EQ(config->defaults.timeout_ms, 5000u);
  EXPECT_EQ(config->defaults.shadow_timeout_ms, 2000u);
  EXPECT_EQ(config->defaults.sample, 1.0);
  EXPECT_EQ(config->defaults.compare.headers, std::vector<std::string>{"content-type"});
  EXPECT_TRUE(config->endpoints.empty());
  ASSERT_NE(config->default_comparator, nullptr);
  EXPECT_EQ(config->default_comparator->rules().max_body_bytes, 8u << 20);
}

TEST(ConfigTest, EveryKeyIsReadIntoTheModel) {
  auto config = LoadOk(R"(
listen: 0.0.0.0:18080
admin: {listen: "[::1]:19901", token_env: ADMIN_TOKEN}
targets:
  old: http://old.internal:8001/api/
  new: http://127.0.0.1:8002
  secondary: http://127.0.0.1
defaults:
  primary: new
  cutover_percent: 12.5
  sample: 0.25
  timeout_ms: 700
  shadow_timeout_ms: 300
  shadow: rollback
  compare:
    status: false
    headers: [Content-Type, ETag]
    ignore: ["$..updated_at", "$.a[*].b"]
    arrays: {by_key: id}
    numbers: {tolerance: 0.01}
rollback: {secret_env: SECRET, order: concurrent}
unmatched: shadow_safe_methods
store: {jsonl: "", postgres: "host=db dbname=sd"}
capture: {path: var/cap.jsonl, sample: 0.5, gzip: true, max_bytes: 1000}
redact: ["$..cvv", "header:Authorization"]
limits:
  max_request_body_bytes: 1
  max_response_body_bytes: 2
  max_header_bytes: 2048
  max_inflight_shadow: 4
  compare_queue: 5
  compare_workers: 6
  shadow_pipeline: 13
  connect_timeout_ms: 7
  idle_timeout_ms: 8
  header_timeout_ms: 9
  body_timeout_ms: 16
  drain_timeout_ms: 10
  pause_max_requests: 11
  pause_timeout_ms: 12
  field_label_cap: 13
  json_max_depth: 14
  max_diffs: 15
endpoints:
  - path: /x
    methods: [GET]
    rollback: {order: before_primary}
)");
  ASSERT_NE(config, nullptr);
  EXPECT_EQ(config->listen.ToString(), "0.0.0.0:18080");
  EXPECT_EQ(config->admin.listen.host, "::1");
  EXPECT_EQ(config->admin.listen.port, 19901);
  EXPECT_EQ(config->admin.token_env, "ADMIN_TOKEN");
  ASSERT_TRUE(config->targets.old_target && config->targets.new_target &&
              config->targets.secondary_target);
  EXPECT_EQ(config->targets.old_target->address.ToString(), "old.internal:8001");
  EXPECT_EQ(config->targets.old_target->base_path, "/api");
  EXPECT_EQ(config->targets.secondary_target->address.port, 80);
  const EndpointSettings& d = config->defaults;
  EXPECT_EQ(d.primary, Side::kNew);
  EXPECT_EQ(d.cutover_percent, 12.5);
  EXPECT_EQ(d.sample, 0.25);
  EXPECT_EQ(d.timeout_ms, 700u);
  EXPECT_EQ(d.shadow_timeout_ms, 300u);
  EXPECT_EQ(d.shadow, ShadowMode::kRollback);
  EXPECT_FALSE(d.compare.status);
  EXPECT_EQ(d.compare.headers, (std::vector<std::string>{"content-type", "etag"}));
  EXPECT_EQ(IgnoreTexts(d.compare), (std::vector<std::string>{"$..updated_at", "$.a[*].b"}));
  EXPECT_EQ(d.compare.arrays, (ArrayRule{ArrayMode::kByKey, "id"}));
  EXPECT_EQ(d.compare.number_tolerance, 0.01);
  EXPECT_EQ(d.compare.max_body_bytes, 2u);
  EXPECT_EQ(d.compare.max_depth, 14u);
  EXPECT_EQ(d.compare.max_diffs, 15u);
  EXPECT_EQ(config->rollback.secret_env, "SECRET");
  EXPECT_EQ(config->rollback.order, RollbackOrder::kConcurrent);
  EXPECT_EQ(config->unmatched, UnmatchedPolicy::kShadowSafeMethods);
  EXPECT_EQ(config->store.jsonl, "");
  EXPECT_EQ(config->store.postgres, "host=db dbname=sd");
  EXPECT_EQ(config->capture.path, "var/cap.jsonl");
  EXPECT_EQ(config->capture.sample, 0.5);
  EXPECT_TRUE(config->capture.gzip);
  EXPECT_EQ(config->capture.max_bytes, 1000u);
  ASSERT_EQ(config->redact.size(), 2u);
  EXPECT_EQ(config->redact[0].kind, RedactRule::Kind::kJsonPath);
  EXPECT_EQ(config->redact[0].path->text(), "$..cvv");
  EXPECT_EQ(config->redact[1].kind, RedactRule::Kind::kHeader);
  EXPECT_EQ(config->redact[1].header, "authorization");
  const Limits& l = config->limits;
  EXPECT_EQ(l.max_request_body_bytes, 1u);
  EXPECT_EQ(l.max_header_bytes, 2048u);
  EXPECT_EQ(l.max_inflight_shadow, 4u);
  EXPECT_EQ(l.compare_queue, 5u);
  EXPECT_EQ(l.compare_workers, 6u);
  EXPECT_EQ(l.shadow_pipeline, 13u);
  EXPECT_EQ(l.connect_timeout_ms, 7u);
  EXPECT_EQ(l.idle_timeout_ms, 8u);
  EXPECT_EQ(l.header_timeout_ms, 9u);
  EXPECT_EQ(l.body_timeout_ms, 16u);
  EXPECT_EQ(l.drain_timeout_ms, 10u);
  EXPECT_EQ(l.pause_max_requests, 11u);
  EXPECT_EQ(l.pause_timeout_ms, 12u);
  EXPECT_EQ(l.field_label_cap, 13u);
  const Endpoint& x = Only(*config, "GET", "/x");
  EXPECT_EQ(x.settings.shadow, ShadowMode::kRollback);                  // inherited from defaults
  EXPECT_EQ(x.settings.rollback_order, RollbackOrder::kBeforePrimary);  // overridden
  EXPECT_EQ(x.settings.primary, Side::kNew);
  ASSERT_NE(x.comparator, nullptr);
  EXPECT_EQ(x.comparator->rules().max_diffs, 15u);
  EXPECT_TRUE(RequireTargets(*config).ok());
}

TEST(ConfigTest, InheritanceAcrossThreeLevels) {
  auto result = LoadConfigFile(Testdata("inheritance.yaml"));
  ASSERT_TRUE(result.ok()) << result.error().message;
  const Config& config = **result;
  const Endpoint& merchant = Only(config, "GET", "/merchants/m1");
  const Endpoint& customers = Only(config, "GET", "/merchants/m1/customers");
  const Endpoint& customer = Only(config, "GET", "/merchants/m1/customers/c1");
  EXPECT_EQ(merchant.path_template, "/merchants/{merchant_id}");
  EXPECT_EQ(customer.path_template, "/merchants/{merchant_id}/customers/{token}");

  // ignore lists add up: defaults + level 1 + level 2 + level 3.
  EXPECT_EQ(IgnoreTexts(merchant.settings.compare),
            (std::vector<std::string>{"$..updated_at", "$.merchant.secret"}));
  EXPECT_EQ(IgnoreTexts(customer.settings.compare),
            (std::vector<std::string>{"$..updated_at", "$.merchant.secret", "$.customers[*].seen",
                                      "$.customer.last_seen_at"}));
  // Overrides: sample from level 2 reaches level 3; timeout from level 1 reaches both.
  EXPECT_EQ(merchant.settings.sample, 0.5);
  EXPECT_EQ(customers.settings.sample, 0.25);
  EXPECT_EQ(customer.settings.sample, 0.25);
  EXPECT_EQ(customer.settings.timeout_ms, 1000u);
  EXPECT_EQ(config.defaults.timeout_ms, 5000u);
  // headers replace (and are lower-cased); tolerance set only at the leaf.
  EXPECT_EQ(customer.settings.compare.headers,
            (std::vector<std::string>{"content-type", "x-request-id"}));
  EXPECT_EQ(merchant.settings.compare.headers, std::vector<std::string>{"content-type"});
  EXPECT_EQ(customer.settings.compare.number_tolerance, 0.5);
  EXPECT_EQ(customers.settings.compare.number_tolerance, 0);
  // The arrays map merges, the entry written lower wins and comes first.
  const std::vector<std::pair<std::string, ArrayRule>> expected = {
      {"$.a", ArrayRule{ArrayMode::kByKey, "id"}}, {"$.b", ArrayRule{ArrayMode::kUnordered, ""}}};
  EXPECT_EQ(ArrayOverrides(customer.settings.compare), expected);
  EXPECT_EQ(ArrayOverrides(config.defaults.compare),
            (std::vector<std::pair<std::string, ArrayRule>>{
                {"$.a", ArrayRule{ArrayMode::kOrdered, ""}},
                {"$.b", ArrayRule{ArrayMode::kUnordered, ""}}}));
  // Each endpoint's comparator is built from its own resolved rules.
  EXPECT_EQ(customer.comparator->rules().ignore.size(), 4u);
  EXPECT_EQ(merchant.comparator->rules().ignore.size(), 2u);
}

TEST(ConfigTest, IgnoreDuplicatesAcrossLevelsAreDropped) {
  auto config = LoadOk(R"(
defaults: {compare: {ignore: ["$.a"]}}
endpoints:
  - path: /x
    methods: [GET]
    compare: {ignore: ["$.a", "$.b"]}
)");
  ASSERT_NE(config, nullptr);
  EXPECT_EQ(IgnoreTexts(Only(*config, "GET", "/x").settings.compare),
            (std::vector<std::string>{"$.a", "$.b"}));
}

TEST(ConfigTest, IdempotencyAndShadowDefaults) {
  auto config = LoadOk(R"(
endpoints:
  - path: /read
    methods: [GET, HEAD, OPTIONS]
  - path: /write
    methods: [GET, PUT]
  - path: /any
  - path: /asserted
    methods: [POST]
    idempotent: true
  - path: /rollback
    methods: [DELETE]
    shadow: rollback
  - path: /risky
    methods: [POST]
    shadow: compare
    allow_side_effects: true
)");
  ASSERT_NE(config, nullptr);
  const Endpoint& read = Only(*config, "GET", "/read");
  EXPECT_TRUE(read.settings.idempotent);
  EXPECT_EQ(read.settings.shadow, ShadowMode::kCompare);
  const Endpoint& write = Only(*config, "PUT", "/write");
  EXPECT_FALSE(write.settings.idempotent);
  EXPECT_EQ(write.settings.shadow, ShadowMode::kOff);
  const Endpoint& any = Only(*config, "PATCH", "/any");
  EXPECT_TRUE(any.settings.methods.all());
  EXPECT_FALSE(any.settings.idempotent);
  EXPECT_EQ(any.settings.shadow, ShadowMode::kOff);
  const Endpoint& asserted = Only(*config, "POST", "/asserted");
  EXPECT_TRUE(asserted.settings.idempotent);
  EXPECT_EQ(asserted.settings.shadow, ShadowMode::kCompare);
  EXPECT_EQ(Only(*config, "DELETE", "/rollback").settings.shadow, ShadowMode::kRollback);
  const Endpoint& risky = Only(*config, "POST", "/risky");
  EXPECT_TRUE(risky.settings.allow_side_effects);
  EXPECT_EQ(risky.settings.shadow, ShadowMode::kCompare);
}

TEST(ConfigTest, MethodsAndIdempotenceAreNotInherited) {
  auto config = LoadOk(R"(
endpoints:
  - path: /a
    methods: [GET]
    sample: 0.1
    children:
      - path: /b
        methods: [POST]
        shadow: rollback
)");
  ASSERT_NE(config, nullptr);
  const Endpoint& b = Only(*config, "POST", "/a/b");
  EXPECT_EQ(b.settings.methods.ToString(), "POST");
  EXPECT_FALSE(b.settings.idempotent);
  EXPECT_EQ(b.settings.sample, 0.1);
  EXPECT_EQ(config->endpoints.Match("GET", "/a/b"), nullptr);
}

TEST(ConfigTest, EndpointKnowsWhereItWasWritten) {
  auto config = LoadOk("endpoints:\n  - path: /a\n    methods: [GET]\n");
  ASSERT_NE(config, nullptr);
  const Endpoint& a = Only(*config, "GET", "/a");
  EXPECT_EQ(a.location.ToString(), "t.yaml:2:5");
  EXPECT_EQ(a.id, 0u);
}

TEST(ConfigTest, TargetsAreOptionalUntilRequired) {
  auto result = LoadConfigFile(Testdata("diff_only.yaml"));
  ASSERT_TRUE(result.ok()) << result.error().message;
  Status status = RequireTargets(**result);
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().message.substr(0, status.error().message.find('\n')),
            Testdata("diff_only.yaml") +
                ": `targets.old` and `targets.new` must be set for this command; add e.g.");
  auto partial = LoadOk("targets: {old: http://127.0.0.1:1}\n");
  ASSERT_NE(partial, nullptr);
  EXPECT_EQ(RequireTargets(*partial).error().message.substr(0, 30),
            "t.yaml: `targets.new` must be ");
}

TEST(ConfigTest, MinimalTestdataLoads) {
  auto result = LoadConfigFile(Testdata("minimal.yaml"));
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_EQ((*result)->endpoints.size(), 1u);
  EXPECT_TRUE(RequireTargets(**result).ok());
}

// The documented example at the top of the repository must always load.
TEST(ConfigTest, ExampleEndpointsYamlLoads) {
  const std::string path = std::string(SHADOWDIFF_TESTDATA) + "/../../endpoints.yaml";
  std::vector<ConfigError> errors;
  auto result = LoadConfigFile(path, &errors);
  ASSERT_TRUE(result.ok()) << result.error().message;
  EXPECT_TRUE(errors.empty());
  const Config& config = **result;
  EXPECT_TRUE(RequireTargets(config).ok());
  EXPECT_EQ(config.targets.old_target->address.ToString(), "127.0.0.1:8001");
  EXPECT_EQ(config.targets.new_target->address.ToString(), "127.0.0.1:8002");
  EXPECT_EQ(config.endpoints.size(), 9u);
  const Endpoint& create = Only(config, "POST", "/merchants/m_1/customers");
  EXPECT_EQ(create.settings.shadow, ShadowMode::kRollback);
  EXPECT_EQ(create.settings.rollback_order, RollbackOrder::kBeforePrimary);
  EXPECT_EQ(Only(config, "GET", "/merchants/m_1/customers/c_2?x=1").path_template,
            "/merchants/{merchant_id}/customers/{token}");
  EXPECT_EQ(Only(config, "GET", "/merchants/m_1/customers/c_2").settings.shadow,
            ShadowMode::kCompare);
  EXPECT_EQ(Only(config, "PUT", "/merchants/m_1/customers/c_2").settings.rollback_order,
            RollbackOrder::kConcurrent);
  EXPECT_EQ(Only(config, "DELETE", "/merchants/m_1/customers/c_2").settings.rollback_order,
            RollbackOrder::kBeforePrimary);
  EXPECT_EQ(Only(config, "GET", "/merchants/m_1").settings.shadow, ShadowMode::kOff);
  EXPECT_EQ(Only(config, "POST", "/merchants/m/transactions/t/void").settings.shadow,
            ShadowMode::kOff);
}

TEST(ConfigTest, PostgresRetentionSettings) {
  auto defaults = LoadOk("{}\n");
  ASSERT_NE(defaults, nullptr);
  EXPECT_EQ(defaults->store.postgres_retention_days, 14u);
  EXPECT_EQ(defaults->store.postgres_max_rows_per_endpoint, 100000u);

  auto set = LoadOk(
      "store:\n  postgres: host=db\n  postgres_retention_days: 0\n"
      "  postgres_max_rows_per_endpoint: 500\n");
  ASSERT_NE(set, nullptr);
  EXPECT_EQ(set->store.postgres_retention_days, 0u);
  EXPECT_EQ(set->store.postgres_max_rows_per_endpoint, 500u);

  EXPECT_EQ(testing::LoadErrors("store:\n  postgres_retention_days: -1\n"),
            "t.yaml:2:28: expected a whole number between 0 and 36500 for "
            "`postgres_retention_days`, got `-1`");
  EXPECT_EQ(testing::LoadErrors("store:\n  postgres_max_rows_per_endpoint: lots\n"),
            "t.yaml:2:35: expected a whole number between 0 and 1099511627776 for "
            "`postgres_max_rows_per_endpoint`, got `lots`");
}

}  // namespace
}  // namespace shadowdiff
