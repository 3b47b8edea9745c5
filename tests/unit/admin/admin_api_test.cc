// The JSON API of docs/ADMIN_API.md without sockets: GET /api/endpoints (report building and
// JSON), GET /api/mismatches (filters, limit validation), POST /api/pause, /api/resume,
// /api/endpoints/reset (parameters, answers) and bearer auth on every POST route.
#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <optional>
#include <string>
#include <vector>

#include "src/admin/admin_router.h"
#include "src/admin/admin_routes.h"
#include "src/admin/endpoints_route.h"
#include "src/admin/mismatches_route.h"
#include "src/admin/pause_routes.h"
#include "src/compare/noise_registry.h"
#include "src/compare/trip_registry.h"
#include "src/core/config_loader.h"
#include "src/core/example_record.h"
#include "src/store/memory_ring.h"

namespace shadowdiff {
namespace {

using std::chrono::minutes;
using TimePoint = std::chrono::system_clock::time_point;

AdminRequest Req(std::string method, std::string target, HeaderList headers = {}) {
  AdminRequest request = AdminRequest::Make(std::move(method), std::move(target));
  request.headers = std::move(headers);
  return request;
}

rapidjson::Document Parse(const std::string& json) {
  rapidjson::Document doc;
  doc.Parse(json.c_str());
  EXPECT_FALSE(doc.HasParseError()) << json;
  return doc;
}

std::string ErrorOf(const AdminResponse& response) {
  rapidjson::Document doc = Parse(response.body);
  if (!doc.IsObject() || !doc.HasMember("error")) return "";
  return doc["error"].GetString();
}

std::shared_ptr<const Config> Load(std::string_view yaml) {
  auto result = LoadConfigString(yaml, "t.yaml");
  EXPECT_TRUE(result.ok()) << result.error().message;
  return result.ok() ? *result : nullptr;
}

Diff D(std::string path, DiffKind kind = DiffKind::kValue) {
  Diff d;
  d.path = std::move(path);
  d.kind = kind;
  return d;
}

// ---- GET /api/endpoints --------------------------------------------------------------------

constexpr std::string_view kConfig = R"(
unmatched: shadow_safe_methods
endpoints:
  - path: /a/{id}
    methods: [GET]
  - path: /a/{id}
    methods: [POST]
    shadow: off
  - path: /r
    methods: [GET]
    shadow: rollback
)";

TEST(EndpointsRouteTest, ReportJoinsCountsWithConfigTripsAndNoise) {
  auto config = Load(kConfig);
  ASSERT_TRUE(config);
  TimePoint now = TimePoint(minutes(29'000'000)) + std::chrono::seconds(30);
  EndpointStats stats([&] { return now; });
  for (int i = 0; i < 3; ++i) stats.CountOutcome("/a/{id}", "GET", Outcome::kMatch);
  stats.CountOutcome("/a/{id}", "GET", Outcome::kMismatch);
  stats.CountOutcome("/a/{id}", "GET", Outcome::kNotShadowed);
  stats.CountFields("/a/{id}", "GET", {D("$.ts"), D("$.phone", DiffKind::kMissing)}, 200);
  stats.CountOutcome("/a/{id}", "POST", Outcome::kNotShadowed);
  stats.CountOutcome("/r", "GET", Outcome::kRollbackUnconfirmed);
  stats.CountOutcome("/gone", "GET", Outcome::kMatch);
  stats.CountOutcome("unmatched", "GET", Outcome::kNotShadowed);
  stats.CountOutcome("unmatched", "DELETE", Outcome::kNotShadowed);

  NoiseRegistry noise;
  Comparison learned;
  learned.diffs = {D("$.ts")};
  noise.Observe("/a/{id}", learned);
  TripRegistry trips(config->endpoints.size());
  trips.Trip(2, 1700000000000);  // /r

  EndpointsReport report;
  report.generated_at = now;
  report.uptime_seconds = 42;
  report.paused = true;
  report.endpoints = BuildEndpointsReport(stats, noise, *config, trips);

  AdminRouter router;
  AddEndpointsRoute(&router, [&] { return report; });
  AdminResponse response = router.Handle(Req("GET", "/api/endpoints"));
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(response.content_type, "application/json");
  rapidjson::Document doc = Parse(response.body);
  ASSERT_TRUE(doc.IsObject());
  EXPECT_STREQ(doc["generated_at"].GetString(), FormatUtcMillis(now).c_str());
  EXPECT_EQ(doc["uptime_seconds"].GetInt64(), 42);
  EXPECT_TRUE(doc["paused"].GetBool());
  const auto& endpoints = doc["endpoints"];
  ASSERT_EQ(endpoints.Size(), 6u);

  const auto& a = endpoints[0];  // most requests first
  EXPECT_STREQ(a["endpoint"].GetString(), "/a/{id}");
  EXPECT_STREQ(a["method"].GetString(), "GET");
  EXPECT_STREQ(a["shadow"].GetString(), "compare");
  EXPECT_FALSE(a["tripped"].GetBool());
  EXPECT_EQ(a["requests"].GetUint64(), 5u);
  EXPECT_EQ(a["outcomes"]["match"].GetUint64(), 3u);
  EXPECT_EQ(a["outcomes"]["mismatch"].GetUint64(), 1u);
  EXPECT_EQ(a["outcomes"]["not_shadowed"].GetUint64(), 1u);
  EXPECT_EQ(a["outcomes"]["primary_error"].GetUint64(), 0u);
  EXPECT_EQ(a["outcomes"].MemberCount(), 8u);
  EXPECT_EQ(a["shadowed"].GetUint64(), 4u);
  EXPECT_DOUBLE_EQ(a["match_rate"].GetDouble(), 0.75);
  ASSERT_EQ(a["trend"].Size(), 1u);
  EXPECT_STREQ(a["trend"][0]["minute"].GetString(),
               (FormatUtcMillis(TimePoint(minutes(29'000'000))).substr(0, 19) + "Z").c_str());
  EXPECT_EQ(a["trend"][0]["requests"].GetUint64(), 5u);
  EXPECT_DOUBLE_EQ(a["trend"][0]["match_rate"].GetDouble(), 0.75);
  ASSERT_EQ(a["fields"].Size(), 2u);
  EXPECT_STREQ(a["fields"][0]["field"].GetString(), "$.phone");
  EXPECT_STREQ(a["fields"][0]["kind"].GetString(), "missing");
  EXPECT_EQ(a["fields"][0]["count"].GetUint64(), 1u);
  EXPECT_FALSE(a["fields"][0]["noise"].GetBool());
  EXPECT_STREQ(a["fields"][1]["field"].GetString(), "$.ts");
  EXPECT_TRUE(a["fields"][1]["noise"].GetBool());
  ASSERT_EQ(a["noise_fields"].Size(), 1u);
  EXPECT_STREQ(a["noise_fields"][0]["field"].GetString(), "$.ts");
  EXPECT_EQ(a["noise_fields"][0]["count"].GetUint64(), 1u);

  auto find = [&](const char* ep, const char* method) -> const rapidjson::Value* {
    for (const auto& e : endpoints.GetArray()) {
      if (std::string(e["endpoint"].GetString()) == ep &&
          std::string(e["method"].GetString()) == method) {
        return &e;
      }
    }
    return nullptr;
  };
  const rapidjson::Value* post = find("/a/{id}", "POST");
  ASSERT_NE(post, nullptr);
  EXPECT_STREQ((*post)["shadow"].GetString(), "off");
  EXPECT_TRUE((*post)["match_rate"].IsNull()) << "nothing shadowed: null, not 0";
  EXPECT_TRUE((*post)["trend"][0]["match_rate"].IsNull());
  const rapidjson::Value* r = find("/r", "GET");
  ASSERT_NE(r, nullptr);
  EXPECT_STREQ((*r)["shadow"].GetString(), "rollback");
  EXPECT_TRUE((*r)["tripped"].GetBool());
  EXPECT_DOUBLE_EQ((*r)["match_rate"].GetDouble(), 0.0);
  const rapidjson::Value* gone = find("/gone", "GET");
  ASSERT_NE(gone, nullptr);
  EXPECT_STREQ((*gone)["shadow"].GetString(), "removed");
  const rapidjson::Value* unmatched_get = find("unmatched", "GET");
  ASSERT_NE(unmatched_get, nullptr);
  EXPECT_STREQ((*unmatched_get)["shadow"].GetString(), "compare");  // shadow_safe_methods
  const rapidjson::Value* unmatched_delete = find("unmatched", "DELETE");
  ASSERT_NE(unmatched_delete, nullptr);
  EXPECT_STREQ((*unmatched_delete)["shadow"].GetString(), "off");
}

TEST(EndpointsRouteTest, EmptyReportIsValidJson) {
  EndpointsReport report;
  rapidjson::Document doc = Parse(EndpointsJson(report));
  ASSERT_TRUE(doc["endpoints"].IsArray());
  EXPECT_EQ(doc["endpoints"].Size(), 0u);
  EXPECT_FALSE(doc["paused"].GetBool());
}

TEST(EndpointsRouteTest, HostileFieldNamesStayValidJson) {
  EndpointStats stats;
  stats.CountOutcome("/a", "GET", Outcome::kMismatch);
  stats.CountFields("/a", "GET", {D("$['\"}\\\xff']")}, 10);
  auto config = Load("endpoints:\n  - path: /a\n");
  ASSERT_TRUE(config);
  NoiseRegistry noise;
  TripRegistry trips(1);
  EndpointsReport report;
  report.endpoints = BuildEndpointsReport(stats, noise, *config, trips);
  rapidjson::Document doc = Parse(EndpointsJson(report));
  ASSERT_EQ(doc["endpoints"][0]["fields"].Size(), 1u);
}

// ---- GET /api/mismatches -------------------------------------------------------------------

std::shared_ptr<const ExampleRecord> Record(std::string endpoint, std::string method,
                                            std::vector<std::string> fields, int n) {
  auto record = std::make_shared<ExampleRecord>();
  record->endpoint = std::move(endpoint);
  record->method = std::move(method);
  record->fields = std::move(fields);
  record->outcome = record->fields.empty() ? Outcome::kShadowError : Outcome::kMismatch;
  record->json = "{\"n\":" + std::to_string(n) + "}";
  return record;
}

class MismatchesRouteTest : public ::testing::Test {
 protected:
  MismatchesRouteTest() : ring_(Options()) {
    ring_.Offer(Record("/a", "GET", {"$.x"}, 1));
    ring_.Offer(Record("/a", "POST", {"$.y"}, 2));
    ring_.Offer(Record("/b", "GET", {"$.x", "$.z"}, 3));
    ring_.Offer(Record("/a", "GET", {}, 4));
    ring_.Offer(Record("/a", "GET", {"$.x"}, 5));
    AddMismatchesRoute(&router_, &ring_);
  }
  static MemoryRing::Options Options() {
    MemoryRing::Options options;
    options.budget.per_field = 0;
    options.budget.per_endpoint = 0;
    return options;
  }
  // The "n" of each returned example, in order; status checked.
  std::vector<int> Ns(const std::string& target) {
    AdminResponse response = router_.Handle(Req("GET", target));
    EXPECT_EQ(response.status, 200) << response.body;
    rapidjson::Document doc = Parse(response.body);
    std::vector<int> out;
    if (!doc.IsObject() || !doc["examples"].IsArray()) return out;
    for (const auto& e : doc["examples"].GetArray()) out.push_back(e["n"].GetInt());
    return out;
  }
  MemoryRing ring_;
  AdminRouter router_;
};

TEST_F(MismatchesRouteTest, NewestFirstAndFilters) {
  EXPECT_EQ(Ns("/api/mismatches"), (std::vector<int>{5, 4, 3, 2, 1}));
  EXPECT_EQ(Ns("/api/mismatches?endpoint=%2Fa"), (std::vector<int>{5, 4, 2, 1}));
  EXPECT_EQ(Ns("/api/mismatches?endpoint=/a&method=GET"), (std::vector<int>{5, 4, 1}));
  EXPECT_EQ(Ns("/api/mismatches?endpoint=/a&method=GET&limit=2"), (std::vector<int>{5, 4}));
  EXPECT_EQ(Ns("/api/mismatches?field=%24.x"), (std::vector<int>{5, 3, 1}));
  EXPECT_EQ(Ns("/api/mismatches?endpoint=/a&field=$.x&limit=1"), (std::vector<int>{5}));
  EXPECT_EQ(Ns("/api/mismatches?field=outcome:shadow_error"), (std::vector<int>{4}));
  EXPECT_EQ(Ns("/api/mismatches?limit=200"), (std::vector<int>{5, 4, 3, 2, 1}));
}

TEST_F(MismatchesRouteTest, UnknownEndpointIsAnEmptyListNotAnError) {
  EXPECT_EQ(Ns("/api/mismatches?endpoint=/nope"), std::vector<int>{});
  EXPECT_EQ(Ns("/api/mismatches?endpoint=/a&method=PATCH"), std::vector<int>{});
  AdminResponse response = router_.Handle(Req("GET", "/api/mismatches?endpoint=/nope"));
  EXPECT_EQ(response.body, "{\"examples\":[]}");
}

TEST_F(MismatchesRouteTest, LimitOutOfRangeIs400WithWhatToSend) {
  for (const char* bad : {"0", "201", "-1", "abc", "", "1e2", "5x", "99999999999999999999"}) {
    AdminResponse response =
        router_.Handle(Req("GET", std::string("/api/mismatches?limit=") + bad));
    EXPECT_EQ(response.status, 400) << bad;
    EXPECT_NE(ErrorOf(response).find("limit must be an integer from 1 to 200"), std::string::npos)
        << response.body;
  }
}

// ---- POST /api/pause, /api/resume ----------------------------------------------------------

struct PauseCalls {
  std::optional<std::chrono::milliseconds> max_wait;
  std::optional<size_t> max_held;
  bool refuse = false;
  int resumes = 0;
};

AdminRouter PauseRouter(PauseCalls* calls) {
  AdminRouter router;
  AddPauseRoutes(
      &router,
      PauseCallbacks{[calls](std::chrono::milliseconds max_wait,
                             size_t max_held) -> Result<std::chrono::system_clock::time_point> {
                       if (calls->refuse) return Error{"draining"};
                       calls->max_wait = max_wait;
                       calls->max_held = max_held;
                       return TimePoint(std::chrono::seconds(1700000000));
                     },
                     [calls] {
                       ++calls->resumes;
                       return size_t{7};
                     },
                     [] { return Limits{}; }});
  return router;
}

TEST(PauseRoutesTest, PauseWithDefaultsAndExplicitBounds) {
  PauseCalls calls;
  AdminRouter router = PauseRouter(&calls);
  AdminResponse response = router.Handle(Req("POST", "/api/pause"));
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(*calls.max_wait, std::chrono::milliseconds(30000));
  EXPECT_EQ(*calls.max_held, 10000u);
  rapidjson::Document doc = Parse(response.body);
  EXPECT_TRUE(doc["ok"].GetBool());
  EXPECT_TRUE(doc["paused"].GetBool());
  EXPECT_STREQ(doc["until"].GetString(), "2023-11-14T22:13:20.000Z");

  response = router.Handle(Req("POST", "/api/pause?max_ms=300000&max_held=0"));
  ASSERT_EQ(response.status, 200) << response.body;
  EXPECT_EQ(*calls.max_wait, std::chrono::milliseconds(300000));
  EXPECT_EQ(*calls.max_held, 0u);

  response = router.Handle(Req("POST", "/api/resume"));
  ASSERT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "{\"ok\":true,\"paused\":false,\"released\":7}");
  EXPECT_EQ(calls.resumes, 1);
}

TEST(PauseRoutesTest, BadBoundsAre400AndNothingIsPaused) {
  PauseCalls calls;
  AdminRouter router = PauseRouter(&calls);
  for (const char* target :
       {"/api/pause?max_ms=0", "/api/pause?max_ms=300001", "/api/pause?max_ms=ten",
        "/api/pause?max_held=-1", "/api/pause?max_held=1000001"}) {
    AdminResponse response = router.Handle(Req("POST", target));
    EXPECT_EQ(response.status, 400) << target;
    EXPECT_NE(ErrorOf(response).find("must be an integer from"), std::string::npos)
        << response.body;
  }
  EXPECT_FALSE(calls.max_wait.has_value());
}

TEST(PauseRoutesTest, DefaultsAreTheLimitsInEffect) {
  PauseCalls calls;
  Limits limits;
  limits.pause_timeout_ms = 4500;
  limits.pause_max_requests = 12;
  AdminRouter router;
  AddPauseRoutes(
      &router,
      PauseCallbacks{[&calls](std::chrono::milliseconds max_wait,
                              size_t max_held) -> Result<std::chrono::system_clock::time_point> {
                       calls.max_wait = max_wait;
                       calls.max_held = max_held;
                       return TimePoint(std::chrono::seconds(1700000000));
                     },
                     [] { return size_t{0}; }, [&limits] { return limits; }});
  ASSERT_EQ(router.Handle(Req("POST", "/api/pause")).status, 200);
  EXPECT_EQ(*calls.max_wait, std::chrono::milliseconds(4500));
  EXPECT_EQ(*calls.max_held, 12u);
  // A reload changes them for the next pause; explicit parameters still win.
  limits.pause_timeout_ms = 700;
  ASSERT_EQ(router.Handle(Req("POST", "/api/pause?max_held=3")).status, 200);
  EXPECT_EQ(*calls.max_wait, std::chrono::milliseconds(700));
  EXPECT_EQ(*calls.max_held, 3u);
}

TEST(PauseRoutesTest, RefusedPauseIs409) {
  PauseCalls calls;
  calls.refuse = true;
  AdminRouter router = PauseRouter(&calls);
  AdminResponse response = router.Handle(Req("POST", "/api/pause"));
  EXPECT_EQ(response.status, 409);
  EXPECT_EQ(ErrorOf(response), "draining");
}

// ---- POST /api/endpoints/reset ------------------------------------------------------------

TEST(EndpointsResetRouteTest, PassesParametersAndMapsErrors) {
  std::vector<std::pair<std::string, std::string>> calls;
  AdminRouter router;
  AddEndpointsResetRoute(&router,
                         [&](std::string_view endpoint, std::string_view method) -> Result<size_t> {
                           calls.emplace_back(endpoint, method);
                           if (endpoint == "/nope") return Error{"no endpoint /nope"};
                           return endpoint.empty() ? size_t{3} : size_t{1};
                         });
  AdminResponse all = router.Handle(Req("POST", "/api/endpoints/reset"));
  EXPECT_EQ(all.status, 200);
  EXPECT_EQ(all.body, "{\"ok\":true,\"reset\":3}");
  AdminResponse one =
      router.Handle(Req("POST", "/api/endpoints/reset?endpoint=%2Fr%2F%7Bid%7D&method=POST"));
  EXPECT_EQ(one.body, "{\"ok\":true,\"reset\":1}");
  AdminResponse unknown = router.Handle(Req("POST", "/api/endpoints/reset?endpoint=/nope"));
  EXPECT_EQ(unknown.status, 404);
  AdminResponse method_only = router.Handle(Req("POST", "/api/endpoints/reset?method=GET"));
  EXPECT_EQ(method_only.status, 400);
  ASSERT_EQ(calls.size(), 3u);
  EXPECT_EQ(calls[0], (std::pair<std::string, std::string>{"", ""}));
  EXPECT_EQ(calls[1], (std::pair<std::string, std::string>{"/r/{id}", "POST"}));
}

// ---- auth ---------------------------------------------------------------------------------

TEST(AdminApiAuthTest, PostRoutesNeedTheTokenGetRoutesDoNot) {
  PauseCalls calls;
  AdminRouter router = PauseRouter(&calls);
  AddEndpointsResetRoute(
      &router, [](std::string_view, std::string_view) -> Result<size_t> { return size_t{0}; });
  AddEndpointsRoute(&router, [] { return EndpointsReport{}; });
  MemoryRing ring;
  AddMismatchesRoute(&router, &ring);
  router.SetBearerToken("s3cret");

  for (const char* target : {"/api/pause", "/api/resume", "/api/endpoints/reset"}) {
    AdminResponse none = router.Handle(Req("POST", target));
    EXPECT_EQ(none.status, 401) << target;
    AdminResponse wrong = router.Handle(Req("POST", target, {{"Authorization", "Bearer not-it"}}));
    EXPECT_EQ(wrong.status, 401) << target;
    AdminResponse right = router.Handle(Req("POST", target, {{"Authorization", "Bearer s3cret"}}));
    EXPECT_EQ(right.status, 200) << target << " " << right.body;
  }
  EXPECT_EQ(calls.resumes, 1) << "only the authorized resume ran";
  EXPECT_EQ(router.Handle(Req("GET", "/api/endpoints")).status, 200);
  EXPECT_EQ(router.Handle(Req("GET", "/api/mismatches")).status, 200);
  // The wrong method on a known path is 405, not 404.
  EXPECT_EQ(router.Handle(Req("GET", "/api/pause")).status, 405);
}

}  // namespace
}  // namespace shadowdiff
