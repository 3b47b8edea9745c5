// Metrics: the exact names, types and labels of SPEC.md as they appear on /metrics, the
// field-label cap, reload rebinding, and counting from many threads at once.
#include "src/metrics/metrics.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "src/core/config_loader.h"
#include "tests/unit/metrics/exposition.h"

namespace shadowdiff {
namespace {

using testing::Exposition;
using testing::ParseExposition;

std::shared_ptr<const Config> Load(std::string_view yaml) {
  auto result = LoadConfigString(yaml, "t.yaml");
  EXPECT_TRUE(result.ok()) << result.error().message;
  return result.ok() ? *result : nullptr;
}

constexpr std::string_view kConfig = R"(
limits:
  field_label_cap: 3
endpoints:
  - path: /a/{id}
    methods: [GET]
  - path: /b
)";

const Endpoint* Find(const Config& config, std::string_view path_template) {
  for (const Endpoint& e : config.endpoints.endpoints()) {
    if (e.path_template == path_template) return &e;
  }
  ADD_FAILURE() << "no endpoint " << path_template;
  return nullptr;
}

Diff MakeDiff(std::string path, DiffKind kind = DiffKind::kValue) {
  Diff diff;
  diff.path = std::move(path);
  diff.kind = kind;
  return diff;
}

Exposition Scrape(const Metrics& metrics) {
  Exposition exposition = ParseExposition(metrics.Serialize());
  EXPECT_TRUE(exposition.errors.empty()) << "unreadable line: " << exposition.errors.front();
  return exposition;
}

class MetricsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    config_ = Load(kConfig);
    ASSERT_NE(config_, nullptr);
    table_ = metrics_.Bind(*config_);
    a_ = Find(*config_, "/a/{id}");
    b_ = Find(*config_, "/b");
  }

  Metrics metrics_{"1.2.3"};
  std::shared_ptr<const Config> config_;
  std::shared_ptr<const EndpointMetricsTable> table_;
  const Endpoint* a_ = nullptr;
  const Endpoint* b_ = nullptr;
};

TEST_F(MetricsTest, FamiliesHaveTheNamesAndTypesOfTheSpec) {
  // (A family without series is not written at all, so give the lazy ones one each.)
  table_->For(a_).CountFields("GET", {MakeDiff("$.x")});
  table_->For(a_).ObserveUpstream(UpstreamSide::kOld, 0.01);
  metrics_.SetUpstreamConnections("old", 1, 2);
  Exposition e = Scrape(metrics_);
  const std::map<std::string, std::string> expected = {
      {"shadowdiff_requests_total", "counter"},
      {"shadowdiff_field_mismatches_total", "counter"},
      {"shadowdiff_upstream_duration_seconds", "histogram"},
      {"shadowdiff_shadow_dropped_total", "counter"},
      {"shadowdiff_endpoint_tripped", "gauge"},
      {"shadowdiff_config_reloads_total", "counter"},
      {"shadowdiff_config_last_reload_success_timestamp_seconds", "gauge"},
      {"shadowdiff_compare_queue_depth", "gauge"},
      {"shadowdiff_shadow_inflight", "gauge"},
      {"shadowdiff_upstream_connections", "gauge"},
      {"shadowdiff_client_connections", "gauge"},
      {"shadowdiff_build_info", "gauge"},
      {"process_cpu_seconds_total", "counter"},
      {"process_resident_memory_bytes", "gauge"},
      {"process_virtual_memory_bytes", "gauge"},
      {"process_open_fds", "gauge"},
      {"process_start_time_seconds", "gauge"},
  };
  for (const auto& [name, type] : expected) {
    auto it = e.types.find(name);
    ASSERT_NE(it, e.types.end()) << name << " missing";
    EXPECT_EQ(it->second, type) << name;
  }
}

TEST_F(MetricsTest, RequestsAreCountedByTemplateMethodAndOutcome) {
  EndpointMetrics& a = table_->For(a_);
  EXPECT_EQ(a.label(), "/a/{id}");
  for (int i = 0; i < 3; ++i) a.CountOutcome("GET", Outcome::kMatch);
  a.CountOutcome("GET", Outcome::kRollbackUnconfirmed);
  const std::string text = metrics_.Serialize();
  EXPECT_NE(text.find("\nshadowdiff_requests_total{endpoint=\"/a/{id}\",method=\"GET\","
                      "outcome=\"match\"} 3\n"),
            std::string::npos)
      << text;
  Exposition e = ParseExposition(text);
  EXPECT_EQ(
      e.Value("shadowdiff_requests_total",
              {{"endpoint", "/a/{id}"}, {"method", "GET"}, {"outcome", "rollback_unconfirmed"}}),
      1);
}

TEST_F(MetricsTest, OutcomesOfListedMethodsStartAtZero) {
  Exposition e = Scrape(metrics_);
  for (Outcome outcome : kAllOutcomes) {
    EXPECT_EQ(
        e.Value("shadowdiff_requests_total", {{"endpoint", "/a/{id}"},
                                              {"method", "GET"},
                                              {"outcome", std::string(OutcomeName(outcome))}}),
        0)
        << OutcomeName(outcome);
  }
  // `/b` serves every method: its series appear on first use, not as 80 zeros.
  EXPECT_TRUE(e.Matching("shadowdiff_requests_total", {{"endpoint", "/b"}}).empty());
  EXPECT_TRUE(e.Matching("shadowdiff_requests_total", {{"endpoint", "/a/{id}"}, {"method", "POST"}})
                  .empty());
}

TEST_F(MetricsTest, UnmatchedRequestsAndExtensionMethodsHaveBoundedLabels) {
  table_->For(nullptr).CountOutcome("PROPFIND", Outcome::kNotShadowed);
  metrics_.unmatched().CountOutcome("BREW", Outcome::kNotShadowed);
  table_->For(b_).CountOutcome("DELETE", Outcome::kMismatch);
  Exposition e = Scrape(metrics_);
  EXPECT_EQ(e.Value("shadowdiff_requests_total",
                    {{"endpoint", "unmatched"}, {"method", "other"}, {"outcome", "not_shadowed"}}),
            2);
  EXPECT_EQ(e.Value("shadowdiff_requests_total",
                    {{"endpoint", "/b"}, {"method", "DELETE"}, {"outcome", "mismatch"}}),
            1);
  EXPECT_EQ(MethodLabel("GET"), "GET");
  EXPECT_EQ(MethodLabel("get"), "other");  // methods are case-sensitive on the wire
  EXPECT_EQ(MethodLabel("PATCH"), "PATCH");
}

TEST_F(MetricsTest, FieldMismatchesFoldIndicesAndCountOncePerComparison) {
  EndpointMetrics& a = table_->For(a_);
  std::vector<Diff> diffs = {MakeDiff("$.items[0].price"), MakeDiff("$.items[7].price"),
                             MakeDiff("$.items[2].sku", DiffKind::kMissing), MakeDiff("status")};
  a.CountFields("GET", diffs);
  a.CountFields("GET", {MakeDiff("$.items[1].price")});
  Exposition e = Scrape(metrics_);
  auto value = [&](const std::string& field, const std::string& kind) {
    return e.Value("shadowdiff_field_mismatches_total",
                   {{"endpoint", "/a/{id}"}, {"method", "GET"}, {"field", field}, {"kind", kind}});
  };
  EXPECT_EQ(value("$.items[*].price", "value"), 2);
  EXPECT_EQ(value("$.items[*].sku", "missing"), 1);
  EXPECT_EQ(value("status", "value"), 1);
  EXPECT_EQ(e.Matching("shadowdiff_field_mismatches_total").size(), 3u);
}

TEST_F(MetricsTest, FieldsBeyondTheCapCountAsOther) {
  EndpointMetrics& a = table_->For(a_);  // cap 3 (limits.field_label_cap)
  for (const char* field : {"$.f1", "$.f2", "header:content-type", "$.f4", "$.f5"}) {
    a.CountFields("GET", {MakeDiff(field)});
  }
  a.CountFields("GET", {MakeDiff("$.f1")});  // admitted before the cap: keeps its label
  a.CountFields("GET", {MakeDiff("$.f6"), MakeDiff("$.f7")});  // both "other": once
  Exposition e = Scrape(metrics_);
  std::set<std::string> fields;
  for (const auto& s : e.Matching("shadowdiff_field_mismatches_total")) {
    fields.insert(s.labels.at("field"));
  }
  EXPECT_EQ(fields, (std::set<std::string>{"$.f1", "$.f2", "header:content-type", "other"}));
  auto value = [&](const std::string& field) {
    return e.Value(
        "shadowdiff_field_mismatches_total",
        {{"endpoint", "/a/{id}"}, {"method", "GET"}, {"field", field}, {"kind", "value"}});
  };
  EXPECT_EQ(value("$.f1"), 2);
  EXPECT_EQ(value("other"), 3);
}

TEST_F(MetricsTest, TheCapIsPerEndpoint) {
  for (const char* field : {"$.f1", "$.f2", "$.f3"}) {
    table_->For(a_).CountFields("GET", {MakeDiff(field)});
  }
  table_->For(b_).CountFields("GET", {MakeDiff("$.g1")});
  Exposition e = Scrape(metrics_);
  EXPECT_EQ(e.Value("shadowdiff_field_mismatches_total",
                    {{"endpoint", "/b"}, {"method", "GET"}, {"field", "$.g1"}, {"kind", "value"}}),
            1);
}

TEST_F(MetricsTest, OverlongFieldPathsCountAsOther) {
  table_->For(b_).CountFields("GET", {MakeDiff("$." + std::string(kMaxFieldLabelBytes, 'k'))});
  Exposition e = Scrape(metrics_);
  EXPECT_EQ(e.Value("shadowdiff_field_mismatches_total",
                    {{"endpoint", "/b"}, {"method", "GET"}, {"field", "other"}, {"kind", "value"}}),
            1);
}

TEST_F(MetricsTest, UpstreamDurationHistogramHasMillisecondToTenSecondBuckets) {
  EndpointMetrics& a = table_->For(a_);
  a.ObserveUpstream(UpstreamSide::kNew, 0.003);
  a.ObserveUpstream(UpstreamSide::kNew, 12);
  a.ObserveUpstream(UpstreamSide::kSecondary, 0.0005);
  Exposition e = Scrape(metrics_);
  const testing::LabelMap labels = {{"endpoint", "/a/{id}"}, {"side", "new"}};
  auto buckets = e.Matching("shadowdiff_upstream_duration_seconds_bucket", labels);
  std::vector<std::string> bounds;
  for (const auto& s : buckets) bounds.push_back(s.labels.at("le"));
  EXPECT_EQ(bounds,
            (std::vector<std::string>{"0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1",
                                      "0.25", "0.5", "1", "2.5", "5", "10", "+Inf"}));
  auto bucket = [&](const std::string& le) {
    testing::LabelMap with_le = labels;
    with_le["le"] = le;
    return e.Value("shadowdiff_upstream_duration_seconds_bucket", with_le);
  };
  EXPECT_EQ(bucket("0.0025"), 0);
  EXPECT_EQ(bucket("0.005"), 1);
  EXPECT_EQ(bucket("10"), 1);
  EXPECT_EQ(bucket("+Inf"), 2);
  EXPECT_EQ(e.Value("shadowdiff_upstream_duration_seconds_count", labels), 2);
  EXPECT_NEAR(*e.Value("shadowdiff_upstream_duration_seconds_sum", labels), 12.003, 1e-9);
  EXPECT_EQ(e.Value("shadowdiff_upstream_duration_seconds_count",
                    {{"endpoint", "/a/{id}"}, {"side", "secondary"}}),
            1);
  EXPECT_EQ(UpstreamSideName(UpstreamSide::kOld), "old");
}

TEST_F(MetricsTest, EveryDropReasonIsExportedFromTheStart) {
  metrics_.CountDropped(ShadowSkip::kQueueFull);
  metrics_.CountDropped(ShadowSkip::kQueueFull);
  metrics_.CountDropped(ShadowSkip::kCircuitOpen);
  Exposition e = Scrape(metrics_);
  const std::set<std::string> reasons = {
      "off",        "unmatched",     "sampled_out",  "tripped",
      "paused",     "inflight_full", "circuit_open", "request_too_large",
      "queue_full", "shutting_down", "no_target"};
  std::set<std::string> seen;
  for (const auto& s : e.Matching("shadowdiff_shadow_dropped_total")) {
    seen.insert(s.labels.at("reason"));
  }
  EXPECT_EQ(seen, reasons);
  EXPECT_EQ(e.Value("shadowdiff_shadow_dropped_total", {{"reason", "queue_full"}}), 2);
  EXPECT_EQ(e.Value("shadowdiff_shadow_dropped_total", {{"reason", "circuit_open"}}), 1);
  EXPECT_EQ(e.Value("shadowdiff_shadow_dropped_total", {{"reason", "paused"}}), 0);
}

TEST_F(MetricsTest, FileWritersAreMirroredAndNeverGoBackwards) {
  Exposition before = Scrape(metrics_);
  for (const char* prefix : {"shadowdiff_jsonl_store", "shadowdiff_capture"}) {
    const std::string p(prefix);
    EXPECT_EQ(before.types[p + "_written_total"], "counter") << p;
    EXPECT_EQ(before.types[p + "_rotations_total"], "counter") << p;
    std::set<std::string> reasons;
    for (const auto& s : before.Matching(p + "_dropped_total")) {
      reasons.insert(s.labels.at("reason"));
      EXPECT_EQ(s.value, 0) << p;
    }
    EXPECT_EQ(reasons, (std::set<std::string>{"budget", "queue_full", "stopped", "write_error"}));
  }
  metrics_.capture().Mirror(
      {.written = 7, .dropped_queue_full = 3, .dropped_write_error = 1, .rotations = 2});
  metrics_.jsonl_store().Mirror({.written = 5, .dropped_budget = 4, .dropped_stopped = 1});
  // A smaller total (a replaced writer) leaves the counters where they were.
  metrics_.capture().Mirror({.written = 2, .dropped_queue_full = 9});
  Exposition e = Scrape(metrics_);
  EXPECT_EQ(e.Value("shadowdiff_capture_written_total", {}), 7);
  EXPECT_EQ(e.Value("shadowdiff_capture_dropped_total", {{"reason", "queue_full"}}), 9);
  EXPECT_EQ(e.Value("shadowdiff_capture_dropped_total", {{"reason", "write_error"}}), 1);
  EXPECT_EQ(e.Value("shadowdiff_capture_dropped_total", {{"reason", "budget"}}), 0);
  EXPECT_EQ(e.Value("shadowdiff_capture_rotations_total", {}), 2);
  EXPECT_EQ(e.Value("shadowdiff_jsonl_store_written_total", {}), 5);
  EXPECT_EQ(e.Value("shadowdiff_jsonl_store_dropped_total", {{"reason", "budget"}}), 4);
  EXPECT_EQ(e.Value("shadowdiff_jsonl_store_dropped_total", {{"reason", "stopped"}}), 1);
}

TEST_F(MetricsTest, TrippedGaugeExistsPerEndpointAndFollowsSetTripped) {
  table_->For(a_).SetTripped(true);
  table_->For(nullptr).SetTripped(true);  // no-op: unmatched cannot trip
  Exposition e = Scrape(metrics_);
  EXPECT_EQ(e.Value("shadowdiff_endpoint_tripped", {{"endpoint", "/a/{id}"}}), 1);
  EXPECT_EQ(e.Value("shadowdiff_endpoint_tripped", {{"endpoint", "/b"}}), 0);
  EXPECT_FALSE(e.Value("shadowdiff_endpoint_tripped", {{"endpoint", "unmatched"}}).has_value());
  table_->For(a_).SetTripped(false);
  EXPECT_EQ(Scrape(metrics_).Value("shadowdiff_endpoint_tripped", {{"endpoint", "/a/{id}"}}), 0);
}

TEST_F(MetricsTest, ReloadsAreCountedAndTheLastSuccessIsTimestamped) {
  Exposition before = Scrape(metrics_);
  EXPECT_EQ(before.Value("shadowdiff_config_reloads_total", {{"result", "ok"}}), 0);
  EXPECT_EQ(before.Value("shadowdiff_config_reloads_total", {{"result", "error"}}), 0);
  EXPECT_EQ(before.Value("shadowdiff_config_last_reload_success_timestamp_seconds"), 0);
  metrics_.CountReload(true);
  metrics_.CountReload(false);
  metrics_.CountReload(false);
  Exposition e = Scrape(metrics_);
  EXPECT_EQ(e.Value("shadowdiff_config_reloads_total", {{"result", "ok"}}), 1);
  EXPECT_EQ(e.Value("shadowdiff_config_reloads_total", {{"result", "error"}}), 2);
  const double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_NEAR(*e.Value("shadowdiff_config_last_reload_success_timestamp_seconds"), now, 60);
}

TEST_F(MetricsTest, ProxyGaugesAndBuildInfo) {
  metrics_.compare_queue_depth().Set(7);
  metrics_.shadow_inflight().Increment();
  metrics_.shadow_inflight().Increment();
  metrics_.shadow_inflight().Decrement();
  metrics_.client_connections().Set(12);
  metrics_.SetUpstreamConnections("old", 3, 4);
  metrics_.SetUpstreamConnections("old", 5, 1);  // a later report replaces the earlier one
  Exposition e = Scrape(metrics_);
  EXPECT_EQ(e.Value("shadowdiff_compare_queue_depth"), 7);
  EXPECT_EQ(e.Value("shadowdiff_shadow_inflight"), 1);
  EXPECT_EQ(e.Value("shadowdiff_client_connections"), 12);
  EXPECT_EQ(e.Value("shadowdiff_upstream_connections", {{"target", "old"}, {"state", "idle"}}), 5);
  EXPECT_EQ(e.Value("shadowdiff_upstream_connections", {{"target", "old"}, {"state", "active"}}),
            1);
  EXPECT_EQ(e.Value("shadowdiff_build_info", {{"version", "1.2.3"}}), 1);
}

TEST_F(MetricsTest, ProcessMetricsAreReadOnScrape) {
  Exposition e = Scrape(metrics_);
  EXPECT_GT(*e.Value("process_resident_memory_bytes"), 1 << 20);
  EXPECT_GT(*e.Value("process_virtual_memory_bytes"), 1 << 20);
  EXPECT_GE(*e.Value("process_open_fds"), 3);
  EXPECT_GE(*e.Value("process_cpu_seconds_total"), 0);
  const double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  const double start = *e.Value("process_start_time_seconds");
  EXPECT_LE(start, now + 1);
  EXPECT_GT(start, now - 3600);  // this test process started within the hour
}

// A reload with a different endpoint set: the surviving endpoint (at another id now) keeps
// counting into the same series, a removed one keeps its last values, a new one starts at 0,
// and requests still holding the previous generation's table count correctly.
TEST_F(MetricsTest, RebindingAfterAReloadKeepsCountsOfSurvivingEndpoints) {
  table_->For(a_).CountOutcome("GET", Outcome::kMatch);
  table_->For(a_).CountFields("GET", {MakeDiff("$.x")});
  table_->For(b_).CountOutcome("GET", Outcome::kMismatch);

  auto config2 = Load(R"(
limits:
  field_label_cap: 3
endpoints:
  - path: /c
    methods: [POST]
    shadow: off
  - path: /a/{id}
    methods: [GET]
)");
  ASSERT_NE(config2, nullptr);
  auto table2 = metrics_.Bind(*config2);
  const Endpoint* a2 = Find(*config2, "/a/{id}");
  ASSERT_NE(a2->id, a_->id);
  EXPECT_EQ(&table2->For(a2), &table_->For(a_));
  table2->For(a2).CountOutcome("GET", Outcome::kMatch);
  table_->For(a_).CountOutcome("GET", Outcome::kMatch);  // an in-flight request, old table
  // The field cap is per endpoint label and survives too: two more fields, then "other".
  for (const char* f : {"$.y", "$.z", "$.w"}) table2->For(a2).CountFields("GET", {MakeDiff(f)});

  Exposition e = Scrape(metrics_);
  EXPECT_EQ(e.Value("shadowdiff_requests_total",
                    {{"endpoint", "/a/{id}"}, {"method", "GET"}, {"outcome", "match"}}),
            3);
  EXPECT_EQ(e.Value("shadowdiff_requests_total",
                    {{"endpoint", "/b"}, {"method", "GET"}, {"outcome", "mismatch"}}),
            1);
  EXPECT_EQ(e.Value("shadowdiff_requests_total",
                    {{"endpoint", "/c"}, {"method", "POST"}, {"outcome", "not_shadowed"}}),
            0);
  EXPECT_EQ(
      e.Value("shadowdiff_field_mismatches_total",
              {{"endpoint", "/a/{id}"}, {"method", "GET"}, {"field", "other"}, {"kind", "value"}}),
      1);
}

// Endpoints that share one template (disjoint methods) share one series set.
TEST(MetricsBindTest, EndpointsWithTheSameTemplateShareSeries) {
  Metrics metrics("t");
  auto config = Load(R"(
endpoints:
  - path: /x
    methods: [GET]
  - path: /x
    methods: [PUT]
    shadow: off
)");
  ASSERT_NE(config, nullptr);
  ASSERT_EQ(config->endpoints.size(), 2u);
  auto table = metrics.Bind(*config);
  const auto& endpoints = config->endpoints.endpoints();
  EXPECT_EQ(&table->For(&endpoints[0]), &table->For(&endpoints[1]));
  Exposition e = ParseExposition(metrics.Serialize());
  EXPECT_EQ(e.Matching("shadowdiff_requests_total", {{"endpoint", "/x"}}).size(), 16u);
}

// Many threads count, observe, rebind and scrape at once; every increment is kept. Run under
// TSan (SHADOWDIFF_SANITIZE=thread) this is also the data-race check.
TEST_F(MetricsTest, ConcurrentUpdatesAreAllCounted) {
  constexpr int kThreads = 8;
  constexpr int kIterations = 20000;
  std::atomic<bool> stop{false};
  std::thread scraper([&] {
    while (!stop.load()) {
      (void)metrics_.Serialize();
      (void)metrics_.Bind(*config_);
    }
  });
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      EndpointMetrics& a = table_->For(a_);
      EndpointMetrics& b = table_->For(b_);
      for (int i = 0; i < kIterations; ++i) {
        a.CountOutcome("GET", Outcome::kMatch);
        b.CountOutcome(i % 2 ? "POST" : "PUT", Outcome::kMismatch);
        // Every thread offers its own fields: the cap (3) must hold under contention.
        b.CountFields("POST", {MakeDiff("$.t" + std::to_string(t) + "_" + std::to_string(i % 5))});
        a.ObserveUpstream(UpstreamSide::kOld, 0.002);
        metrics_.CountDropped(ShadowSkip::kSampledOut);
        metrics_.shadow_inflight().Increment();
        metrics_.shadow_inflight().Decrement();
      }
    });
  }
  for (auto& t : threads) t.join();
  stop = true;
  scraper.join();

  Exposition e = Scrape(metrics_);
  const double total = kThreads * kIterations;
  EXPECT_EQ(e.Value("shadowdiff_requests_total",
                    {{"endpoint", "/a/{id}"}, {"method", "GET"}, {"outcome", "match"}}),
            total);
  EXPECT_EQ(*e.Value("shadowdiff_requests_total",
                     {{"endpoint", "/b"}, {"method", "POST"}, {"outcome", "mismatch"}}) +
                *e.Value("shadowdiff_requests_total",
                         {{"endpoint", "/b"}, {"method", "PUT"}, {"outcome", "mismatch"}}),
            total);
  EXPECT_EQ(e.Value("shadowdiff_upstream_duration_seconds_count",
                    {{"endpoint", "/a/{id}"}, {"side", "old"}}),
            total);
  EXPECT_EQ(e.Value("shadowdiff_shadow_dropped_total", {{"reason", "sampled_out"}}), total);
  EXPECT_EQ(e.Value("shadowdiff_shadow_inflight"), 0);
  double fields_total = 0;
  std::set<std::string> fields;
  for (const auto& s : e.Matching("shadowdiff_field_mismatches_total", {{"endpoint", "/b"}})) {
    fields.insert(s.labels.at("field"));
    fields_total += s.value;
  }
  EXPECT_EQ(fields.size(), 4u);  // 3 admitted + "other"
  EXPECT_TRUE(fields.contains("other"));
  EXPECT_EQ(fields_total, total);
}

// promtool (Debian package `prometheus`) is the reference parser of the format. The
// exposition includes label values that need escaping.
TEST_F(MetricsTest, PromtoolAcceptsTheExposition) {
  if (std::system("command -v promtool >/dev/null 2>&1") != 0) {
    GTEST_SKIP() << "promtool not installed (apt-get install prometheus); exposition not "
                    "checked by the reference parser";
  }
  table_->For(a_).CountOutcome("GET", Outcome::kMatch);
  table_->For(a_).CountFields("GET", {MakeDiff("$['quote\"and\\\\backslash']"),
                                      MakeDiff("$['new\nline']", DiffKind::kType)});
  table_->For(b_).ObserveUpstream(UpstreamSide::kNew, 0.2);
  metrics_.SetUpstreamConnections("new", 1, 1);
  metrics_.CountReload(true);
  const std::string path = ::testing::TempDir() + "/shadowdiff_metrics.prom";
  {
    std::ofstream out(path, std::ios::binary);
    out << metrics_.Serialize();
  }
  const std::string command = "promtool check metrics < '" + path + "' 2>&1";
  FILE* pipe = popen(command.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string output;
  char buf[512];
  while (size_t n = fread(buf, 1, sizeof(buf), pipe)) output.append(buf, n);
  const int status = pclose(pipe);
  EXPECT_EQ(status, 0) << output;
  std::remove(path.c_str());
}

}  // namespace
}  // namespace shadowdiff
