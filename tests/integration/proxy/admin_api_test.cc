// The admin JSON API through the whole proxy: GET /api/endpoints agrees with the metrics after
// mixed traffic (match, mismatch, shadow error, not shadowed, unmatched), survives a reload,
// and GET /api/mismatches returns the stored examples with their diffs, filtered and limited.
#include <string>

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "tests/integration/proxy/proxy_fixture.h"

namespace shadowdiff::test {
namespace {

constexpr char kConfig[] = R"(
endpoints:
  - path: /match/{id}
    methods: [GET]
  - path: /mismatch/{id}
    methods: [GET]
  - path: /err
    methods: [GET]
  - path: /off
    methods: [GET]
    shadow: off
)";

class AdminApiTest : public ProxyFixture {
 protected:
  // Old and new agree on /match, differ on /mismatch ($.v value, $.gone missing in new), and
  // new fails on /err.
  void ScriptUpstreams() {
    old_->SetHandler([](const RecordedRequest& r) {
      if (r.target.starts_with("/mismatch")) {
        return FakeReply::Json(200, R"({"v":1,"gone":true,"same":"x"})");
      }
      return FakeReply::Json(200, R"({"v":1})");
    });
    new_->SetHandler([](const RecordedRequest& r) {
      if (r.target.starts_with("/mismatch")) return FakeReply::Json(200, R"({"v":2,"same":"x"})");
      if (r.target == "/err") return FakeReply::Text(500, "boom");
      return FakeReply::Json(200, R"({"v":1})");
    });
  }

  void SendMixedTraffic() {
    for (int i = 0; i < 3; ++i) ASSERT_EQ(Get("/match/" + std::to_string(i)).status, 200);
    for (int i = 0; i < 2; ++i) ASSERT_EQ(Get("/mismatch/" + std::to_string(i)).status, 200);
    for (int i = 0; i < 2; ++i) ASSERT_EQ(Get("/err").status, 200);
    for (int i = 0; i < 2; ++i) ASSERT_EQ(Get("/off").status, 200);
    ASSERT_EQ(Get("/nowhere").status, 200);
    ASSERT_TRUE(WaitForRequestsCounted("/match/{id}", 3));
    ASSERT_TRUE(WaitForRequestsCounted("/mismatch/{id}", 2));
    ASSERT_TRUE(WaitForRequestsCounted("/err", 2));
    ASSERT_TRUE(WaitForRequestsCounted("/off", 2));
    ASSERT_TRUE(WaitForRequestsCounted("unmatched", 1));
  }

  rapidjson::Document GetJson(const std::string& target, int expected_status = 200) {
    HttpResponse r = Admin("GET", target);
    EXPECT_TRUE(r.ok);
    EXPECT_EQ(r.status, expected_status) << r.body;
    rapidjson::Document doc;
    doc.Parse(r.body.c_str());
    EXPECT_FALSE(doc.HasParseError()) << r.body;
    return doc;
  }

  // Every outcome and field count of every entry of /api/endpoints equals its metric.
  void ExpectEndpointsEqualMetrics(const rapidjson::Document& doc, size_t expected_entries) {
    ASSERT_TRUE(doc.IsObject());
    const auto& endpoints = doc["endpoints"];
    ASSERT_TRUE(endpoints.IsArray());
    EXPECT_EQ(endpoints.Size(), expected_entries);
    for (const auto& e : endpoints.GetArray()) {
      const std::string endpoint = e["endpoint"].GetString();
      const std::string method = e["method"].GetString();
      double total = 0;
      for (const auto& o : e["outcomes"].GetObject()) {
        const double metric = Counter("shadowdiff_requests_total",
                                      OutcomeLabels(endpoint, method, o.name.GetString()));
        EXPECT_EQ(static_cast<double>(o.value.GetUint64()), metric)
            << endpoint << " " << method << " " << o.name.GetString();
        total += metric;
      }
      EXPECT_EQ(static_cast<double>(e["requests"].GetUint64()), total) << endpoint;
      for (const auto& f : e["fields"].GetArray()) {
        const double metric =
            Counter("shadowdiff_field_mismatches_total", {{"endpoint", endpoint},
                                                          {"method", method},
                                                          {"field", f["field"].GetString()},
                                                          {"kind", f["kind"].GetString()}});
        EXPECT_EQ(static_cast<double>(f["count"].GetUint64()), metric)
            << endpoint << " " << f["field"].GetString();
      }
    }
    // And the other way round: nothing counted in the metrics is missing from the answer.
    double metric_total = CounterSum("shadowdiff_requests_total");
    double api_total = 0;
    for (const auto& e : endpoints.GetArray()) api_total += e["requests"].GetDouble();
    EXPECT_EQ(api_total, metric_total);
  }

  const rapidjson::Value* Entry(const rapidjson::Document& doc, std::string_view endpoint) {
    for (const auto& e : doc["endpoints"].GetArray()) {
      if (e["endpoint"].GetString() == endpoint) return &e;
    }
    ADD_FAILURE() << "no entry for " << endpoint;
    return nullptr;
  }
};

TEST_F(AdminApiTest, EndpointsAgreeWithTheMetricsAfterMixedTraffic) {
  ScriptUpstreams();
  ASSERT_TRUE(StartProxy(kConfig));
  SendMixedTraffic();
  if (HasFatalFailure()) return;

  rapidjson::Document doc = GetJson("/api/endpoints");
  ExpectEndpointsEqualMetrics(doc, 5);
  if (HasFailure()) return;
  EXPECT_FALSE(doc["paused"].GetBool());
  EXPECT_GE(doc["uptime_seconds"].GetInt64(), 0);

  EXPECT_STREQ(doc["endpoints"][0]["endpoint"].GetString(), "/match/{id}");  // most requests
  const rapidjson::Value* match = Entry(doc, "/match/{id}");
  const rapidjson::Value* mismatch = Entry(doc, "/mismatch/{id}");
  const rapidjson::Value* err = Entry(doc, "/err");
  const rapidjson::Value* off = Entry(doc, "/off");
  const rapidjson::Value* unmatched = Entry(doc, "unmatched");
  ASSERT_TRUE(match && mismatch && err && off && unmatched);
  EXPECT_EQ((*match)["outcomes"]["match"].GetUint64(), 3u);
  EXPECT_DOUBLE_EQ((*match)["match_rate"].GetDouble(), 1.0);
  EXPECT_EQ((*mismatch)["outcomes"]["mismatch"].GetUint64(), 2u);
  EXPECT_DOUBLE_EQ((*mismatch)["match_rate"].GetDouble(), 0.0);
  ASSERT_EQ((*mismatch)["fields"].Size(), 2u);
  EXPECT_EQ((*mismatch)["fields"][0]["count"].GetUint64(), 2u);
  EXPECT_EQ((*err)["outcomes"]["shadow_error"].GetUint64(), 2u);
  EXPECT_EQ((*off)["outcomes"]["not_shadowed"].GetUint64(), 2u);
  EXPECT_STREQ((*off)["shadow"].GetString(), "off");
  EXPECT_TRUE((*off)["match_rate"].IsNull());
  EXPECT_EQ((*unmatched)["outcomes"]["not_shadowed"].GetUint64(), 1u);
  ASSERT_GE((*match)["trend"].Size(), 1u);
  uint64_t trend_requests = 0;
  for (const auto& m : (*match)["trend"].GetArray()) trend_requests += m["requests"].GetUint64();
  EXPECT_EQ(trend_requests, 3u);
}

TEST_F(AdminApiTest, CountsSurviveAReload) {
  ScriptUpstreams();
  ASSERT_TRUE(StartProxy(kConfig));
  ASSERT_EQ(Get("/match/1").status, 200);
  ASSERT_TRUE(WaitForOutcome("/match/{id}", "GET", "match", 1));
  WriteConfig(std::string(kConfig) + "  - path: /new\n    methods: [GET]\n");
  HttpResponse reload = Admin("POST", "/api/reload");
  ASSERT_EQ(reload.status, 200) << reload.body;
  ASSERT_EQ(Get("/match/2").status, 200);
  ASSERT_TRUE(WaitForOutcome("/match/{id}", "GET", "match", 2));
  rapidjson::Document doc = GetJson("/api/endpoints");
  ExpectEndpointsEqualMetrics(doc, 1);
  const rapidjson::Value* match = Entry(doc, "/match/{id}");
  ASSERT_TRUE(match);
  EXPECT_EQ((*match)["outcomes"]["match"].GetUint64(), 2u);
}

TEST_F(AdminApiTest, MismatchesReturnsStoredExamplesFilteredAndLimited) {
  ScriptUpstreams();
  ASSERT_TRUE(StartProxy(kConfig));
  SendMixedTraffic();
  if (HasFatalFailure()) return;
  // Examples are offered after the outcome is counted: wait for them to be stored.
  ASSERT_GE(WaitForStoreLines(4).size(), 4u);  // 2 mismatches + 2 shadow errors

  rapidjson::Document all = GetJson("/api/mismatches");
  ASSERT_TRUE(all["examples"].IsArray());
  EXPECT_EQ(all["examples"].Size(), 4u);

  rapidjson::Document mismatches = GetJson("/api/mismatches?endpoint=%2Fmismatch%2F%7Bid%7D");
  ASSERT_EQ(mismatches["examples"].Size(), 2u);
  const auto& newest = mismatches["examples"][0];
  EXPECT_STREQ(newest["endpoint"].GetString(), "/mismatch/{id}");
  EXPECT_EQ(std::string(newest["target"].GetString()).rfind("/mismatch/", 0), 0u);
  EXPECT_STREQ(newest["outcome"].GetString(), "mismatch");
  ASSERT_TRUE(newest["diffs"].IsArray());
  ASSERT_EQ(newest["diffs"].Size(), 2u);
  bool saw_value = false;
  for (const auto& d : newest["diffs"].GetArray()) {
    if (std::string(d["path"].GetString()) == "$.v") {
      saw_value = true;
      EXPECT_STREQ(d["kind"].GetString(), "value");
      EXPECT_EQ(d["old"].GetInt(), 1);
      EXPECT_EQ(d["new"].GetInt(), 2);
    }
  }
  EXPECT_TRUE(saw_value);
  for (const char* key : {"time", "method", "primary", "request", "old", "new"}) {
    EXPECT_TRUE(newest.HasMember(key)) << key;
  }

  EXPECT_EQ(GetJson("/api/mismatches?endpoint=/mismatch/{id}&limit=1")["examples"].Size(), 1u);
  EXPECT_EQ(GetJson("/api/mismatches?field=%24.gone")["examples"].Size(), 2u);
  EXPECT_EQ(GetJson("/api/mismatches?endpoint=/err")["examples"].Size(), 2u);
  EXPECT_EQ(GetJson("/api/mismatches?endpoint=/err&field=%24.v")["examples"].Size(), 0u);
  EXPECT_EQ(GetJson("/api/mismatches?endpoint=/mismatch/{id}&method=POST")["examples"].Size(), 0u);
  EXPECT_EQ(GetJson("/api/mismatches?endpoint=/unknown")["examples"].Size(), 0u);

  rapidjson::Document bad = GetJson("/api/mismatches?limit=0", 400);
  ASSERT_TRUE(bad.IsObject());
  EXPECT_FALSE(bad["ok"].GetBool());
  EXPECT_NE(std::string(bad["error"].GetString()).find("limit"), std::string::npos);
  GetJson("/api/mismatches?limit=201", 400);
}

}  // namespace
}  // namespace shadowdiff::test
