#include "src/replay/replay_report.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <set>

namespace shadowdiff {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;
using Value = rapidjson::Value;

void Key(JsonWriter& w, std::string_view k) {
  w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
}
void Str(JsonWriter& w, std::string_view s) {
  w.String(s.data(), static_cast<rapidjson::SizeType>(s.size()));
}

void WriteCounts(JsonWriter& w, const OutcomeCounts& c) {
  Key(w, "sent");
  w.Uint64(c.sent());
  Key(w, "match");
  w.Uint64(c[Outcome::kMatch]);
  Key(w, "mismatch");
  w.Uint64(c[Outcome::kMismatch]);
  Key(w, "noise");
  w.Uint64(c[Outcome::kNoise]);
  Key(w, "error");
  w.Uint64(c.errors());
  Key(w, "not_shadowed");
  w.Uint64(c[Outcome::kNotShadowed]);
  Key(w, "shadowed");
  w.Uint64(c.shadowed());
  Key(w, "failing");
  w.Uint64(c.failing());
  Key(w, "mismatch_rate");
  w.Double(c.mismatch_rate());
  Key(w, "outcomes");
  w.StartObject();
  for (Outcome o : kAllOutcomes) {
    Key(w, OutcomeName(o));
    w.Uint64(c[o]);
  }
  w.EndObject();
}

Status ReadCounts(const Value& v, std::string_view where, OutcomeCounts* out) {
  auto outcomes = v.FindMember("outcomes");
  if (outcomes == v.MemberEnd() || !outcomes->value.IsObject()) {
    return Error{std::string(where) + " has no \"outcomes\" object"};
  }
  for (auto m = outcomes->value.MemberBegin(); m != outcomes->value.MemberEnd(); ++m) {
    auto outcome = ParseOutcome(std::string_view(m->name.GetString(), m->name.GetStringLength()));
    if (!outcome || !m->value.IsUint64()) {
      return Error{std::string(where) + ": unknown outcome or bad count `" +
                   std::string(m->name.GetString()) + "`"};
    }
    (*out)[*outcome] += m->value.GetUint64();
  }
  return Status();
}

uint64_t UintOr0(const Value& v, const char* name) {
  auto it = v.FindMember(name);
  return it != v.MemberEnd() && it->value.IsUint64() ? it->value.GetUint64() : 0;
}

}  // namespace

uint64_t OutcomeCounts::sent() const {
  uint64_t n = 0;
  for (uint64_t c : by_outcome) n += c;
  return n;
}
uint64_t OutcomeCounts::errors() const {
  return (*this)[Outcome::kShadowError] + (*this)[Outcome::kShadowTimeout] +
         (*this)[Outcome::kRollbackUnconfirmed] + (*this)[Outcome::kPrimaryError];
}
uint64_t OutcomeCounts::shadowed() const {
  return sent() - (*this)[Outcome::kNotShadowed] - (*this)[Outcome::kPrimaryError];
}
uint64_t OutcomeCounts::failing() const {
  return (*this)[Outcome::kMismatch] + (*this)[Outcome::kShadowError] +
         (*this)[Outcome::kShadowTimeout] + (*this)[Outcome::kRollbackUnconfirmed];
}
double OutcomeCounts::mismatch_rate() const {
  const uint64_t n = shadowed();
  return n == 0 ? 0.0 : static_cast<double>(failing()) / static_cast<double>(n);
}
void OutcomeCounts::Add(const OutcomeCounts& other) {
  for (size_t i = 0; i < by_outcome.size(); ++i) by_outcome[i] += other.by_outcome[i];
}

std::vector<std::tuple<std::string, std::string, uint64_t>> EndpointTally::TopFields(
    size_t limit) const {
  std::vector<std::tuple<std::string, std::string, uint64_t>> out;
  for (const auto& [key, count] : fields) out.emplace_back(key.first, key.second, count);
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    if (std::get<2>(a) != std::get<2>(b)) return std::get<2>(a) > std::get<2>(b);
    return std::tie(std::get<0>(a), std::get<1>(a)) < std::tie(std::get<0>(b), std::get<1>(b));
  });
  if (out.size() > limit) out.resize(limit);
  return out;
}

EndpointTally& ReplayReport::TallyFor(std::string_view endpoint, std::string_view method) {
  auto key = std::make_pair(std::string(endpoint), std::string(method));
  auto it = endpoints_.find(key);
  if (it == endpoints_.end()) {
    it = endpoints_.emplace(key, EndpointTally{}).first;
    it->second.endpoint = key.first;
    it->second.method = key.second;
  }
  return it->second;
}

bool ReplayReport::WantsExample(std::string_view endpoint, std::string_view method) const {
  auto it = endpoints_.find(std::make_pair(std::string(endpoint), std::string(method)));
  return it == endpoints_.end() || it->second.examples.size() < kReportExamplesPerEndpoint;
}

void ReplayReport::Count(std::string_view endpoint, std::string_view method, Outcome outcome,
                         const std::vector<Diff>& diffs, std::string_view example) {
  EndpointTally& t = TallyFor(endpoint, method);
  ++t.counts[outcome];
  std::set<std::pair<std::string, std::string>> seen;  // once per request, like the metric
  for (const Diff& d : diffs) {
    std::pair<std::string, std::string> key(FieldKey(d.path), std::string(DiffKindName(d.kind)));
    if (!t.fields.contains(key) && t.fields.size() >= kReportFieldsPerEndpoint) {
      key.first = "other";
    }
    if (seen.insert(key).second) ++t.fields[key];
  }
  if (!example.empty() && t.examples.size() < kReportExamplesPerEndpoint) {
    t.examples.emplace_back(example);
  }
}

void ReplayReport::Merge(const ReplayReport& other) {
  for (const auto& [key, theirs] : other.endpoints_) {
    EndpointTally& mine = TallyFor(key.first, key.second);
    mine.counts.Add(theirs.counts);
    for (const auto& [field, count] : theirs.fields) {
      auto f = field;
      if (!mine.fields.contains(f) && mine.fields.size() >= kReportFieldsPerEndpoint) {
        f.first = "other";
      }
      mine.fields[f] += count;
    }
    for (const std::string& e : theirs.examples) {
      if (mine.examples.size() < kReportExamplesPerEndpoint) mine.examples.push_back(e);
    }
  }
  bad_entries_ += other.bad_entries_;
  unanswered_ += other.unanswered_;
}

OutcomeCounts ReplayReport::Totals() const {
  OutcomeCounts total;
  for (const auto& [key, t] : endpoints_) total.Add(t.counts);
  return total;
}

std::string ReplayReport::ToJson() const {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  Key(w, "totals");
  w.StartObject();
  WriteCounts(w, Totals());
  Key(w, "bad_entries");
  w.Uint64(bad_entries_);
  Key(w, "unanswered");
  w.Uint64(unanswered_);
  w.EndObject();
  Key(w, "endpoints");
  w.StartArray();
  for (const auto& [key, t] : endpoints_) {
    w.StartObject();
    Key(w, "endpoint");
    Str(w, t.endpoint);
    Key(w, "method");
    Str(w, t.method);
    WriteCounts(w, t.counts);
    Key(w, "fields");
    w.StartArray();
    for (const auto& [field, kind, count] : t.TopFields(SIZE_MAX)) {
      w.StartObject();
      Key(w, "field");
      Str(w, field);
      Key(w, "kind");
      Str(w, kind);
      Key(w, "count");
      w.Uint64(count);
      w.EndObject();
    }
    w.EndArray();
    Key(w, "examples");
    w.StartArray();
    for (const std::string& e : t.examples) w.RawValue(e.data(), e.size(), rapidjson::kObjectType);
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

Result<ReplayReport> ReplayReport::FromJson(std::string_view text, std::string_view name) {
  const std::string where(name);
  rapidjson::Document doc;
  doc.Parse<rapidjson::kParseIterativeFlag>(text.data(), text.size());
  if (doc.HasParseError() || !doc.IsObject()) {
    return Error{where + ": not a replay report (expected the JSON object `--report` writes)"};
  }
  auto endpoints = doc.FindMember("endpoints");
  auto totals = doc.FindMember("totals");
  if (endpoints == doc.MemberEnd() || !endpoints->value.IsArray() || totals == doc.MemberEnd() ||
      !totals->value.IsObject()) {
    return Error{where + ": not a replay report: it needs \"totals\" and \"endpoints\""};
  }
  ReplayReport report;
  report.bad_entries_ = UintOr0(totals->value, "bad_entries");
  report.unanswered_ = UintOr0(totals->value, "unanswered");
  size_t index = 0;
  for (const Value& e : endpoints->value.GetArray()) {
    const std::string at = where + ": endpoints[" + std::to_string(index++) + "]";
    if (!e.IsObject() || !e.HasMember("endpoint") || !e["endpoint"].IsString() ||
        !e.HasMember("method") || !e["method"].IsString()) {
      return Error{at + " needs \"endpoint\" and \"method\" strings"};
    }
    EndpointTally& t = report.TallyFor(e["endpoint"].GetString(), e["method"].GetString());
    if (Status s = ReadCounts(e, at, &t.counts); !s.ok()) return s.error();
    if (auto fields = e.FindMember("fields"); fields != e.MemberEnd() && fields->value.IsArray()) {
      for (const Value& f : fields->value.GetArray()) {
        if (!f.IsObject() || !f.HasMember("field") || !f["field"].IsString() ||
            !f.HasMember("kind") || !f["kind"].IsString() || !f.HasMember("count") ||
            !f["count"].IsUint64()) {
          return Error{at + ".fields: each needs \"field\", \"kind\" and \"count\""};
        }
        t.fields[{f["field"].GetString(), f["kind"].GetString()}] += f["count"].GetUint64();
      }
    }
    if (auto examples = e.FindMember("examples");
        examples != e.MemberEnd() && examples->value.IsArray()) {
      for (const Value& x : examples->value.GetArray()) {
        if (t.examples.size() >= kReportExamplesPerEndpoint) break;
        rapidjson::StringBuffer b;
        rapidjson::Writer<rapidjson::StringBuffer> w(b);
        x.Accept(w);
        t.examples.emplace_back(b.GetString(), b.GetSize());
      }
    }
  }
  return report;
}

}  // namespace shadowdiff
