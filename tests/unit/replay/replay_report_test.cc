// ReplayReport (counting, JSON round trip, merge of shards), entry selection, pacing, and
// the summary table and HTML page built from a report.
#include "src/replay/replay_report.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "src/replay/entry_selection.h"
#include "src/replay/html_report.h"
#include "src/replay/pacer.h"
#include "src/replay/summary_table.h"

namespace shadowdiff {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

Diff D(std::string path, DiffKind kind = DiffKind::kValue) {
  Diff d;
  d.path = std::move(path);
  d.kind = kind;
  return d;
}

ReplayReport Sample() {
  ReplayReport r;
  r.Count("/a/{id}", "GET", Outcome::kMatch, {}, "");
  r.Count("/a/{id}", "GET", Outcome::kMismatch, {D("$.items[0].x"), D("$.items[1].x"), D("status")},
          R"({"outcome":"mismatch","n":1})");
  r.Count("/a/{id}", "GET", Outcome::kMismatch, {D("$.items[3].x")}, R"({"n":2})");
  r.Count("/a/{id}", "GET", Outcome::kNoise, {}, "");
  r.Count("/b", "POST", Outcome::kShadowTimeout, {}, R"({"n":3})");
  r.Count("/b", "POST", Outcome::kNotShadowed, {}, "");
  r.Count("/b", "POST", Outcome::kPrimaryError, {}, "");
  r.CountBadEntry();
  return r;
}

TEST(ReplayReport, CountsOutcomesFieldsOncePerRequestAndExamples) {
  ReplayReport r = Sample();
  OutcomeCounts t = r.Totals();
  EXPECT_EQ(t.sent(), 7u);
  EXPECT_EQ(t.shadowed(), 5u);  // not_shadowed and primary_error are not
  EXPECT_EQ(t.failing(), 3u);   // 2 mismatches + 1 timeout; noise is not failing
  EXPECT_DOUBLE_EQ(t.mismatch_rate(), 3.0 / 5.0);
  EXPECT_EQ(t.errors(), 2u);
  const EndpointTally& a = r.endpoints().at({"/a/{id}", "GET"});
  EXPECT_EQ((a.fields.at({"$.items[*].x", "value"})), 2u);  // two requests, folded indices
  EXPECT_EQ((a.fields.at({"status", "value"})), 1u);
  EXPECT_EQ(a.examples.size(), 2u);
  auto top = a.TopFields(1);
  ASSERT_EQ(top.size(), 1u);
  EXPECT_EQ(std::get<0>(top[0]), "$.items[*].x");
}

TEST(ReplayReport, KeepsAtMostThreeExamplesPerEndpoint) {
  ReplayReport r;
  for (int i = 0; i < 10; ++i) r.Count("/x", "GET", Outcome::kMismatch, {}, R"({"i":1})");
  EXPECT_EQ(r.endpoints().at({"/x", "GET"}).examples.size(), kReportExamplesPerEndpoint);
}

TEST(ReplayReport, CapsDistinctFields) {
  ReplayReport r;
  for (size_t i = 0; i < kReportFieldsPerEndpoint + 5; ++i) {
    r.Count("/x", "GET", Outcome::kMismatch, {D("$.f" + std::to_string(i))}, "");
  }
  const auto& fields = r.endpoints().at({"/x", "GET"}).fields;
  EXPECT_EQ(fields.size(), kReportFieldsPerEndpoint + 1);
  EXPECT_EQ((fields.at({"other", "value"})), 5u);
}

TEST(ReplayReport, JsonHasTheSpecShapeAndRoundTrips) {
  ReplayReport r = Sample();
  const std::string json = r.ToJson();
  EXPECT_THAT(json, HasSubstr(R"("totals":{"sent":7,"match":1,"mismatch":2,"noise":1,"error":2)"));
  EXPECT_THAT(json, HasSubstr(R"("endpoint":"/a/{id}","method":"GET","sent":4)"));
  EXPECT_THAT(json, HasSubstr(R"("fields":[{"field":"$.items[*].x","kind":"value","count":2})"));
  EXPECT_THAT(json, HasSubstr(R"("examples":[{"outcome":"mismatch","n":1},{"n":2}])"));
  EXPECT_THAT(json, HasSubstr(R"("bad_entries":1)"));
  auto back = ReplayReport::FromJson(json, "r.json");
  ASSERT_TRUE(back.ok()) << back.error().message;
  EXPECT_EQ(back->ToJson(), json);
}

TEST(ReplayReport, MergeSumsShards) {
  ReplayReport a = Sample();
  ReplayReport b = Sample();
  b.Count("/c", "GET", Outcome::kMatch, {}, "");
  a.Merge(b);
  EXPECT_EQ(a.Totals().sent(), 15u);
  EXPECT_EQ(a.bad_entries(), 2u);
  const EndpointTally& t = a.endpoints().at({"/a/{id}", "GET"});
  EXPECT_EQ(t.counts[Outcome::kMismatch], 4u);
  EXPECT_EQ((t.fields.at({"$.items[*].x", "value"})), 4u);
  EXPECT_EQ(t.examples.size(), 3u);
  EXPECT_EQ(a.endpoints().count({"/c", "GET"}), 1u);
}

TEST(ReplayReport, FromJsonNamesTheProblem) {
  auto r = ReplayReport::FromJson("[]", "x.json");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message, HasSubstr("x.json: not a replay report"));
  r = ReplayReport::FromJson(R"({"totals":{},"endpoints":[{"endpoint":"/a"}]})", "y.json");
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.error().message, HasSubstr("y.json: endpoints[0]"));
}

TEST(SummaryTable, ShowsRowsTotalsAndRate) {
  const std::string table = FormatSummary(Sample());
  EXPECT_THAT(table, HasSubstr("METHOD  ENDPOINT"));
  EXPECT_THAT(table, HasSubstr("GET     /a/{id}"));
  EXPECT_THAT(table, HasSubstr("$.items[*].x (value) x2"));
  EXPECT_THAT(table, HasSubstr("mismatch rate 60.0% (3 failing of 5 shadowed"));
  EXPECT_THAT(table, HasSubstr("1 bad input entries skipped"));
}

TEST(HtmlReport, IsSelfContainedAndEscapesEverything) {
  ReplayReport r;
  r.Count("/<script>", "GET", Outcome::kMismatch, {D("$['<b>']")},
          R"({"body":"</pre><script>alert(1)</script>"})");
  const std::string html = FormatHtmlReport(r, "t");
  EXPECT_THAT(html, HasSubstr("<!DOCTYPE html>"));
  EXPECT_THAT(html, Not(HasSubstr("<script>")));
  EXPECT_THAT(html, HasSubstr("/&lt;script&gt;"));
  EXPECT_THAT(html, HasSubstr("&lt;/pre&gt;&lt;script&gt;"));
  // Nothing fetched from elsewhere.
  EXPECT_THAT(html, Not(HasSubstr("src=")));
  EXPECT_THAT(html, Not(HasSubstr("<link")));
  EXPECT_THAT(html, Not(HasSubstr("href=\"http")));
}

TEST(EntrySelection, ShardsPartitionExactly) {
  auto s = ParseShard("1/3");
  ASSERT_TRUE(s.ok());
  EXPECT_FALSE(s->Owns(0));
  EXPECT_TRUE(s->Owns(1));
  EXPECT_TRUE(s->Owns(4));
  EXPECT_FALSE(ParseShard("3/3").ok());
  EXPECT_FALSE(ParseShard("1/0").ok());
  EXPECT_FALSE(ParseShard("x").ok());
  EXPECT_THAT(ParseShard("1").error().message, HasSubstr("--shard takes i/n"));
}

TEST(EntrySelection, FilterMatchesTemplateOrPathAndMethod) {
  auto f = ParseEntryFilter("POST /merchants/*");
  ASSERT_TRUE(f.ok());
  EXPECT_TRUE(f->Matches("POST", "/merchants/{merchant_id}/customers", "/merchants/7/customers"));
  EXPECT_FALSE(f->Matches("GET", "/merchants/{merchant_id}", "/merchants/7"));
  EXPECT_TRUE(f->Matches("POST", "", "/merchants/9?x=1"));
  auto any = ParseEntryFilter("/merchants/{merchant_id}");
  ASSERT_TRUE(any.ok());
  EXPECT_TRUE(any->Matches("GET", "/merchants/{merchant_id}", "/merchants/7"));
  EXPECT_FALSE(any->Matches("GET", "/merchants/{merchant_id}/x", "/merchants/7/x"));
  EXPECT_FALSE(ParseEntryFilter("post /a").ok());
  EXPECT_FALSE(ParseEntryFilter("GET merchants").ok());
  EXPECT_TRUE(GlobMatch("*", ""));
  EXPECT_TRUE(GlobMatch("/a*/c", "/ab/b/c"));
  EXPECT_FALSE(GlobMatch("/a*/c", "/ab/b/d"));
}

TEST(Pacer, RateSpacesEvenly) {
  Pacer p = Pacer::Rate(4);
  EXPECT_EQ(p.Next(std::nullopt), std::chrono::milliseconds(0));
  EXPECT_EQ(p.Next(std::nullopt), std::chrono::milliseconds(250));
  EXPECT_EQ(p.Next(std::nullopt), std::chrono::milliseconds(500));
}

TEST(Pacer, SpeedScalesRecordedTimesAndNeverGoesBack) {
  Pacer p = Pacer::Speed(2);
  EXPECT_EQ(p.Next(1000), std::chrono::milliseconds(0));
  EXPECT_EQ(p.Next(3000), std::chrono::milliseconds(1000));
  EXPECT_EQ(p.Next(std::nullopt), std::chrono::milliseconds(1000));
  EXPECT_EQ(p.Next(2000), std::chrono::milliseconds(1000));  // out of order: not earlier
  EXPECT_EQ(p.Next(5000), std::chrono::milliseconds(2000));
}

TEST(Pacer, AsFastIsAlwaysDue) {
  Pacer p = Pacer::AsFast();
  EXPECT_EQ(p.Next(5), std::chrono::nanoseconds(0));
  EXPECT_EQ(p.Next(99999), std::chrono::nanoseconds(0));
}

}  // namespace
}  // namespace shadowdiff
