#include "src/core/config_schema.h"

#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "src/core/compare_reader.h"
#include "src/core/config_loader.h"
#include "src/core/path_template.h"
#include "src/core/suggest.h"
#include "src/core/yaml_fields.h"

namespace shadowdiff {
namespace {

using Keys = std::span<const std::string_view>;

constexpr std::array<std::string_view, 11> kTopKeys = {
    "listen", "admin",   "targets", "defaults", "rollback", "unmatched",
    "store",  "capture", "redact",  "limits",   "endpoints"};
constexpr std::array<std::string_view, 2> kAdminKeys = {"listen", "token_env"};
constexpr std::array<std::string_view, 3> kTargetKeys = {"old", "new", "secondary"};
constexpr std::array<std::string_view, 2> kRollbackKeys = {"secret_env", "order"};
constexpr std::array<std::string_view, 1> kEndpointRollbackKeys = {"order"};
constexpr std::array<std::string_view, 4> kStoreKeys = {
    "jsonl", "postgres", "postgres_retention_days", "postgres_max_rows_per_endpoint"};
constexpr std::array<std::string_view, 4> kCaptureKeys = {"path", "sample", "gzip", "max_bytes"};
constexpr std::array<std::string_view, 7> kDefaultsKeys = {
    "primary", "cutover_percent", "sample", "timeout_ms", "shadow_timeout_ms", "shadow", "compare"};
constexpr std::array<std::string_view, 13> kEndpointKeys = {
    "path",    "methods",         "idempotent", "allow_side_effects", "children",
    "primary", "cutover_percent", "sample",     "timeout_ms",         "shadow_timeout_ms",
    "shadow",  "rollback",        "compare"};
constexpr std::array<std::string_view, 2> kSides = {"old", "new"};
constexpr std::array<std::string_view, 3> kShadowModes = {"compare", "rollback", "off"};
constexpr std::array<std::string_view, 2> kRollbackOrders = {"before_primary", "concurrent"};
constexpr std::array<std::string_view, 2> kUnmatchedPolicies = {"primary_only",
                                                                "shadow_safe_methods"};

constexpr uint32_t kMaxTimeoutMs = 3'600'000;

bool IsEnvName(std::string_view name) {
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_' ||
                    (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

// What an endpoint inherits besides its resolved settings: whether `shadow` was written
// somewhere above it, and where.
struct Inherited {
  EndpointSettings settings;
  std::string path_template;  // "" for the root level
  bool shadow_explicit = false;
  SourceMark shadow_mark;
};

// One `limits:` key: its name and the member it sets.
struct LimitField {
  std::string_view name;
  uint64_t min;
  uint64_t max;
  uint64_t Limits::*u64 = nullptr;
  uint32_t Limits::*u32 = nullptr;
};

const std::vector<LimitField>& LimitFields() {
  constexpr uint64_t kGiB = uint64_t{1} << 30;
  static const std::vector<LimitField> fields = {
      {"max_request_body_bytes", 0, 4 * kGiB, &Limits::max_request_body_bytes, nullptr},
      {"max_response_body_bytes", 1, 4 * kGiB, &Limits::max_response_body_bytes, nullptr},
      {"max_header_bytes", 1024, 16 << 20, nullptr, &Limits::max_header_bytes},
      {"max_inflight_shadow", 1, 1'000'000, nullptr, &Limits::max_inflight_shadow},
      {"compare_queue", 1, 1'000'000, nullptr, &Limits::compare_queue},
      {"compare_queue_bytes", 1 << 20, 64 * kGiB, &Limits::compare_queue_bytes, nullptr},
      {"compare_workers", 1, 256, nullptr, &Limits::compare_workers},
      {"shadow_pipeline", 1, 64, nullptr, &Limits::shadow_pipeline},
      {"connect_timeout_ms", 1, kMaxTimeoutMs, nullptr, &Limits::connect_timeout_ms},
      {"idle_timeout_ms", 1, kMaxTimeoutMs, nullptr, &Limits::idle_timeout_ms},
      {"header_timeout_ms", 1, kMaxTimeoutMs, nullptr, &Limits::header_timeout_ms},
      {"body_timeout_ms", 1, kMaxTimeoutMs, nullptr, &Limits::body_timeout_ms},
      {"drain_timeout_ms", 0, kMaxTimeoutMs, nullptr, &Limits::drain_timeout_ms},
      {"pause_max_requests", 0, kPauseMaxHeldRequests, nullptr, &Limits::pause_max_requests},
      {"pause_timeout_ms", 1, kPauseMaxTimeoutMs, nullptr, &Limits::pause_timeout_ms},
      {"field_label_cap", 1, 100'000, nullptr, &Limits::field_label_cap},
      {"json_max_depth", 1, 10'000, nullptr, &Limits::json_max_depth},
      {"max_diffs", 1, 1'000'000, nullptr, &Limits::max_diffs},
  };
  return fields;
}

class SchemaWalk {
 public:
  SchemaWalk(ConfigErrors& errors, Config& config)
      : errors_(errors), fields_(errors), config_(config) {}

  void Run(const YamlNode& root) {
    if (!root.is_map()) {
      fields_.Fail(root,
                   "expected a mapping at the top level (keys such as `targets:` and "
                   "`endpoints:`), got " +
                       DescribeYaml(root));
      return;
    }
    // Sections are read in a fixed order whatever their order in the file: `rollback.order`
    // is the default of every endpoint, `limits` feeds every endpoint's CompareRules.
    std::map<std::string_view, const YamlNode*> sections;
    fields_.ForEachField(
        root, "the top level", kTopKeys,
        [&](std::string_view key, const YamlNode& value) { sections[key] = &value; });
    const auto section = [&](std::string_view key) { return sections[key]; };
    if (auto* n = section("listen")) ReadListen(*n, "listen", config_.listen);
    if (auto* n = section("admin")) ReadAdmin(*n);
    if (auto* n = section("targets")) ReadTargets(*n);
    if (auto* n = section("rollback")) ReadRollback(*n);
    if (auto* n = section("unmatched")) {
      if (auto v = fields_.Choice(*n, "unmatched", kUnmatchedPolicies)) {
        config_.unmatched = static_cast<UnmatchedPolicy>(*v);
      }
    }
    if (auto* n = section("store")) ReadStore(*n);
    if (auto* n = section("capture")) ReadCapture(*n);
    if (auto* n = section("redact")) ReadRedact(*n);
    if (auto* n = section("limits")) ReadLimits(*n);

    Inherited top;
    top.settings.rollback_order = config_.rollback.order;
    ApplyLimits(top.settings.compare);
    if (auto* n = section("defaults")) {
      fields_.ForEachField(
          *n, "`defaults`", kDefaultsKeys,
          [&](std::string_view key, const YamlNode& value) { ReadInherited(key, value, top); });
    }
    config_.defaults = top.settings;
    config_.defaults.idempotent = false;
    if (auto* n = section("endpoints")) ReadEndpointList(*n, top);
  }

 private:
  // ---- top-level sections --------------------------------------------------------------

  void ReadListen(const YamlNode& node, std::string_view key, HostPort& out) {
    std::optional<std::string> text = fields_.String(node, key);
    if (!text) return;
    Result<HostPort> parsed = ParseHostPort(*text, /*allow_port_zero=*/true);
    if (!parsed.ok()) {
      fields_.Fail(node, "`" + std::string(key) + "`: " + parsed.error().message);
      return;
    }
    out = std::move(parsed).value();
  }

  void ReadEnvName(const YamlNode& node, std::string_view key, std::string& out) {
    std::optional<std::string> text = fields_.String(node, key);
    if (!text) return;
    if (!IsEnvName(*text)) {
      fields_.Fail(node, "`" + std::string(key) +
                             "` names an environment variable (letters, "
                             "digits, `_`), got " +
                             DescribeYaml(node) +
                             "; put the secret itself in the environment, not in this file");
      return;
    }
    out = std::move(*text);
  }

  void ReadAdmin(const YamlNode& node) {
    fields_.ForEachField(node, "`admin`", kAdminKeys, [&](std::string_view key, const YamlNode& v) {
      if (key == "listen") ReadListen(v, "admin.listen", config_.admin.listen);
      if (key == "token_env") ReadEnvName(v, key, config_.admin.token_env);
    });
  }

  void ReadTargets(const YamlNode& node) {
    fields_.ForEachField(
        node, "`targets`", kTargetKeys, [&](std::string_view key, const YamlNode& v) {
          std::optional<std::string> text = fields_.String(v, key);
          if (!text) return;
          if (text->empty()) {
            fields_.Fail(v, "`targets." + std::string(key) +
                                "` is empty; write a URL such as "
                                "`http://127.0.0.1:8001` or remove the key");
            return;
          }
          Result<TargetUrl> url = ParseTargetUrl(*text);
          if (!url.ok()) {
            fields_.Fail(v, "`targets." + std::string(key) + "`: " + url.error().message);
            return;
          }
          std::optional<TargetUrl>& slot = key == "old"   ? config_.targets.old_target
                                           : key == "new" ? config_.targets.new_target
                                                          : config_.targets.secondary_target;
          slot = std::move(url).value();
        });
  }

  void ReadRollback(const YamlNode& node) {
    fields_.ForEachField(node, "`rollback`", kRollbackKeys,
                         [&](std::string_view key, const YamlNode& v) {
                           if (key == "secret_env")
                             ReadEnvName(v, key, config_.rollback.secret_env);
                           if (key == "order") {
                             if (auto o = fields_.Choice(v, key, kRollbackOrders)) {
                               config_.rollback.order = static_cast<RollbackOrder>(*o);
                             }
                           }
                         });
  }

  void ReadStore(const YamlNode& node) {
    fields_.ForEachField(node, "`store`", kStoreKeys, [&](std::string_view key, const YamlNode& v) {
      if (key == "postgres_retention_days") {
        if (auto n = fields_.Integer(v, key, 0, 36500)) {
          config_.store.postgres_retention_days = static_cast<uint32_t>(*n);
        }
        return;
      }
      if (key == "postgres_max_rows_per_endpoint") {
        if (auto n = fields_.Integer(v, key, 0, uint64_t{1} << 40)) {
          config_.store.postgres_max_rows_per_endpoint = *n;
        }
        return;
      }
      std::optional<std::string> text = fields_.String(v, key);
      if (!text) return;
      (key == "jsonl" ? config_.store.jsonl : config_.store.postgres) = std::move(*text);
    });
  }

  void ReadCapture(const YamlNode& node) {
    fields_.ForEachField(node, "`capture`", kCaptureKeys,
                         [&](std::string_view key, const YamlNode& v) {
                           if (key == "path") {
                             if (auto s = fields_.String(v, key))
                               config_.capture.path = std::move(*s);
                           } else if (key == "sample") {
                             if (auto d = fields_.Number(v, key, 0, 1)) config_.capture.sample = *d;
                           } else if (key == "gzip") {
                             if (auto b = fields_.Bool(v, key)) config_.capture.gzip = *b;
                           } else if (key == "max_bytes") {
                             if (auto n = fields_.Integer(v, key, 1, uint64_t{1} << 50))
                               config_.capture.max_bytes = *n;
                           }
                         });
  }

  void ReadRedact(const YamlNode& node) {
    auto items = fields_.List(node, "redact", kMaxListEntries);
    if (!items) return;
    for (const YamlNode* item : *items) {
      std::optional<std::string> text = fields_.String(*item, "redact");
      if (!text) continue;
      RedactRule rule;
      if (text->starts_with("header:")) {
        rule.kind = RedactRule::Kind::kHeader;
        rule.header = text->substr(7);
        bool valid = !rule.header.empty();
        for (char& c : rule.header) {
          valid = valid && c > ' ' && c < 0x7F && c != ':';
          if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        }
        if (!valid) {
          fields_.Fail(*item,
                       "expected `header:NAME` (e.g. `header:authorization`) in "
                       "`redact`, got " +
                           DescribeYaml(*item));
          continue;
        }
      } else {
        Result<JsonPath> path = JsonPath::Parse(*text);
        if (!path.ok()) {
          fields_.Fail(*item,
                       "expected a JSONPath (e.g. `$..cvv`) or `header:NAME` in "
                       "`redact`: " +
                           path.error().message);
          continue;
        }
        rule.path = std::move(path).value();
      }
      config_.redact.push_back(std::move(rule));
    }
  }

  void ReadLimits(const YamlNode& node) {
    static const std::vector<std::string_view> names = [] {
      std::vector<std::string_view> out;
      for (const LimitField& f : LimitFields()) out.push_back(f.name);
      return out;
    }();
    fields_.ForEachField(node, "`limits`", names, [&](std::string_view key, const YamlNode& v) {
      for (const LimitField& f : LimitFields()) {
        if (f.name != key) continue;
        std::optional<uint64_t> value = fields_.Integer(v, key, f.min, f.max);
        if (!value) return;
        if (f.u64 != nullptr) config_.limits.*f.u64 = *value;
        if (f.u32 != nullptr) config_.limits.*f.u32 = static_cast<uint32_t>(*value);
      }
    });
  }

  void ApplyLimits(CompareRules& rules) const {
    rules.max_body_bytes = static_cast<size_t>(config_.limits.max_response_body_bytes);
    rules.max_depth = config_.limits.json_max_depth;
    rules.max_diffs = config_.limits.max_diffs;
  }

  // ---- settings inherited down the tree ------------------------------------------------

  void ReadInherited(std::string_view key, const YamlNode& v, Inherited& level) {
    EndpointSettings& s = level.settings;
    if (key == "primary") {
      if (auto i = fields_.Choice(v, key, kSides)) s.primary = static_cast<Side>(*i);
    } else if (key == "cutover_percent") {
      if (auto d = fields_.Number(v, key, 0, 100)) s.cutover_percent = *d;
    } else if (key == "sample") {
      if (auto d = fields_.Number(v, key, 0, 1)) s.sample = *d;
    } else if (key == "timeout_ms") {
      if (auto n = fields_.Integer(v, key, 1, kMaxTimeoutMs))
        s.timeout_ms = static_cast<uint32_t>(*n);
    } else if (key == "shadow_timeout_ms") {
      if (auto n = fields_.Integer(v, key, 1, kMaxTimeoutMs)) {
        s.shadow_timeout_ms = static_cast<uint32_t>(*n);
      }
    } else if (key == "shadow") {
      if (auto i = fields_.Choice(v, key, kShadowModes)) {
        s.shadow = static_cast<ShadowMode>(*i);
        level.shadow_explicit = true;
        level.shadow_mark = v.mark;
      }
    } else if (key == "rollback") {
      fields_.ForEachField(v, "`rollback` of an endpoint", kEndpointRollbackKeys,
                           [&](std::string_view k, const YamlNode& o) {
                             if (auto i = fields_.Choice(o, k, kRollbackOrders)) {
                               s.rollback_order = static_cast<RollbackOrder>(*i);
                             }
                           });
    } else if (key == "compare") {
      ReadCompareSection(fields_, v, s.compare);
    }
  }

  // ---- the endpoint tree ---------------------------------------------------------------

  void ReadEndpointList(const YamlNode& node, const Inherited& parent) {
    auto items =
        fields_.List(node, parent.path_template.empty() ? "endpoints" : "children", kMaxEndpoints);
    if (!items) return;
    for (const YamlNode* item : *items) {
      if (too_many_) return;
      ReadEndpoint(*item, parent);
    }
  }

  void ReadEndpoint(const YamlNode& node, const Inherited& parent) {
    if (!node.is_map()) {
      fields_.Fail(node,
                   "expected an endpoint (a mapping with `path:`), got " + DescribeYaml(node));
      return;
    }
    if (++endpoint_count_ > kMaxEndpoints) {
      fields_.Fail(node,
                   "more than " + std::to_string(kMaxEndpoints) + " endpoints; refusing the file");
      too_many_ = true;
      return;
    }
    Inherited level = parent;
    const YamlNode* path_node = nullptr;
    const YamlNode* children = nullptr;
    std::optional<MethodSet> methods;
    std::optional<bool> idempotent;
    const YamlNode* idempotent_node = nullptr;
    bool allow_side_effects = false;
    bool shadow_here = false;
    const size_t errors_before = errors_.size();

    fields_.ForEachField(node, "an endpoint", kEndpointKeys,
                         [&](std::string_view key, const YamlNode& v) {
                           if (key == "path") {
                             path_node = &v;
                           } else if (key == "children") {
                             children = &v;
                           } else if (key == "methods") {
                             methods = ReadMethods(v);
                           } else if (key == "idempotent") {
                             idempotent = fields_.Bool(v, key);
                             idempotent_node = &v;
                           } else if (key == "allow_side_effects") {
                             allow_side_effects = fields_.Bool(v, key).value_or(false);
                           } else {
                             if (key == "shadow") shadow_here = true;
                             ReadInherited(key, v, level);
                           }
                         });

    std::string label;
    if (path_node == nullptr) {
      fields_.Fail(node, "endpoint without `path:` (e.g. `path: /customers/{token}`)");
    } else if (auto text = fields_.String(*path_node, "path")) {
      if (text->empty() || (*text)[0] != '/') {
        fields_.Fail(*path_node, "`path` must start with `/`, got " + DescribeYaml(*path_node));
      } else {
        level.path_template = JoinTemplatePaths(parent.path_template, *text);
        Result<PathTemplate> parsed = ParsePathTemplate(level.path_template);
        if (!parsed.ok()) fields_.Fail(*path_node, parsed.error().message);
      }
    }

    EndpointSettings& s = level.settings;
    s.methods = methods.value_or(MethodSet::All());
    s.idempotent = idempotent.value_or(s.methods.OnlySafe());
    s.allow_side_effects = allow_side_effects;
    if (!level.shadow_explicit) s.shadow = s.idempotent ? ShadowMode::kCompare : ShadowMode::kOff;
    if (!s.idempotent && s.shadow == ShadowMode::kCompare && !s.allow_side_effects &&
        !level.path_template.empty()) {
      const std::string why =
          idempotent_node != nullptr && idempotent.has_value()
              ? "it says `idempotent: false`"
              : "it serves " + s.methods.ToString() + ", not only GET, HEAD or OPTIONS";
      std::string message = "endpoint `" + level.path_template + "` is not idempotent (" + why +
                            ") but has `shadow: compare`";
      if (!shadow_here) {
        message += " (inherited from line " + std::to_string(level.shadow_mark.line) + ")";
      }
      message +=
          ": the shadow call would really write to the new service. Use `shadow: rollback` "
          "(the shadow service rolls its transaction back) or, if the side effects are "
          "harmless, say `allow_side_effects: true`";
      fields_.Fail(shadow_here ? level.shadow_mark : node.mark, std::move(message));
    }

    if (errors_.size() == errors_before && !level.path_template.empty()) {
      total_patterns_ += s.compare.ignore.size() + s.compare.array_overrides.size();
      if (total_patterns_ > kMaxTotalPatterns) {
        fields_.Fail(node, "the endpoints accumulate more than " +
                               std::to_string(kMaxTotalPatterns) +
                               " ignore/arrays patterns in total (inheritance copies a parent's "
                               "patterns into every child); refusing the file");
        too_many_ = true;
        return;
      }
      Endpoint endpoint;
      endpoint.path_template = level.path_template;
      endpoint.settings = s;
      endpoint.location = SourceLocation{errors_.file(), node.mark};
      // Compiled once here; skipped once the file is known to be invalid (it is discarded).
      if (errors_.empty())
        endpoint.comparator = std::make_shared<const ResponseComparator>(s.compare);
      Status added = config_.endpoints.Add(std::move(endpoint));
      if (!added.ok()) fields_.Fail(*path_node, added.error().message);
    }

    if (children != nullptr && !level.path_template.empty()) {
      // Children inherit the settings above, but not this endpoint's own methods etc.
      ReadEndpointList(*children, level);
    }
  }

  std::optional<MethodSet> ReadMethods(const YamlNode& node) {
    auto items = fields_.List(node, "methods", 32);
    if (!items) return std::nullopt;
    if (items->empty()) {
      fields_.Fail(node,
                   "`methods` is empty; list the methods served (e.g. `[GET]`) or leave "
                   "the key out to serve every method");
      return std::nullopt;
    }
    MethodSet set = MethodSet::None();
    bool ok = true;
    for (const YamlNode* item : *items) {
      if (item->is_scalar() && set.Add(item->scalar)) continue;
      ok = false;
      std::string message = "expected an HTTP method such as `GET` or `POST` in `methods`, got " +
                            DescribeYaml(*item);
      if (item->is_scalar()) message += DidYouMean(item->scalar, MethodSet::StandardMethods());
      fields_.Fail(*item, std::move(message));
    }
    if (!ok) return std::nullopt;
    return set;
  }

  ConfigErrors& errors_;
  YamlFields fields_;
  Config& config_;
  size_t endpoint_count_ = 0;
  size_t total_patterns_ = 0;
  bool too_many_ = false;
};

}  // namespace

std::vector<std::string> AllConfigKeys() {
  std::vector<std::string> keys;
  const auto add = [&keys](std::string_view prefix, Keys names) {
    for (std::string_view name : names) keys.push_back(std::string(prefix) + std::string(name));
  };
  add("", kTopKeys);
  add("admin.", kAdminKeys);
  add("targets.", kTargetKeys);
  add("rollback.", kRollbackKeys);
  add("store.", kStoreKeys);
  add("capture.", kCaptureKeys);
  for (const LimitField& field : LimitFields()) keys.push_back("limits." + std::string(field.name));
  add("defaults.", kDefaultsKeys);
  const std::vector<std::string> compare_keys = CompareSectionKeys();
  for (const std::string& key : compare_keys) keys.push_back("defaults.compare." + key);
  add("endpoints[].", kEndpointKeys);
  add("endpoints[].rollback.", kEndpointRollbackKeys);
  for (const std::string& key : compare_keys) keys.push_back("endpoints[].compare." + key);
  return keys;
}

std::shared_ptr<Config> ReadConfig(const YamlNode& root, ConfigErrors& errors) {
  auto config = std::make_shared<Config>();
  config->source = errors.file();
  SchemaWalk(errors, *config).Run(root);
  if (!errors.empty()) return nullptr;
  config->default_comparator = std::make_shared<const ResponseComparator>(config->defaults.compare);
  return config;
}

}  // namespace shadowdiff
