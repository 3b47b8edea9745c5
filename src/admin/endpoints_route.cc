#include "src/admin/endpoints_route.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <utility>

#include "src/compare/noise_registry.h"
#include "src/compare/trip_registry.h"
#include "src/core/config.h"
#include "src/core/diff_json.h"
#include "src/core/example_record.h"
#include "src/metrics/metrics.h"

namespace shadowdiff {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

bool IsSafeMethod(std::string_view method) {
  return method == "GET" || method == "HEAD" || method == "OPTIONS";
}

// The endpoint of `config` serving (template, method label), or nullptr. "other" is served by
// an endpoint that takes every method.
const Endpoint* FindEndpoint(const Config& config, std::string_view label,
                             std::string_view method) {
  for (const Endpoint& e : config.endpoints.endpoints()) {
    if (e.path_template != label) continue;
    const MethodSet& methods = e.settings.methods;
    if (method == "other" ? methods.all() : methods.Contains(method)) return &e;
  }
  return nullptr;
}

// What the config does now with requests of (label, method): see EndpointsReportRow::shadow.
std::string ShadowOf(const Config& config, std::string_view label, std::string_view method,
                     const Endpoint** found) {
  *found = nullptr;
  if (label == kUnmatchedEndpointLabel) {
    if (config.unmatched == UnmatchedPolicy::kShadowSafeMethods && IsSafeMethod(method)) {
      return std::string(ShadowModeName(config.defaults.shadow));
    }
    return "off";
  }
  if (const Endpoint* e = FindEndpoint(config, label, method)) {
    *found = e;
    return std::string(ShadowModeName(e->settings.shadow));
  }
  // The template is still configured but no longer serves this method: its requests now
  // match nothing.
  for (const Endpoint& e : config.endpoints.endpoints()) {
    if (e.path_template == label) return "off";
  }
  return "removed";
}

void WriteString(JsonWriter& w, std::string_view s) { WriteJsonString(w, s); }

void WriteRate(JsonWriter& w, uint64_t matches, uint64_t shadowed) {
  if (shadowed == 0) {
    w.Null();
  } else {
    w.Double(static_cast<double>(matches) / static_cast<double>(shadowed));
  }
}

void WriteRow(JsonWriter& w, const EndpointsReportRow& row) {
  const EndpointStatsEntry& s = row.stats;
  w.StartObject();
  w.Key("endpoint");
  WriteString(w, s.endpoint);
  w.Key("method");
  WriteString(w, s.method);
  w.Key("shadow");
  WriteString(w, row.shadow);
  w.Key("tripped");
  w.Bool(row.tripped);
  w.Key("requests");
  w.Uint64(s.requests);
  w.Key("outcomes");
  w.StartObject();
  for (Outcome outcome : kAllOutcomes) {
    const std::string_view name = OutcomeName(outcome);
    w.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()));
    w.Uint64(s.count(outcome));
  }
  w.EndObject();
  w.Key("shadowed");
  w.Uint64(s.shadowed);
  w.Key("match_rate");
  WriteRate(w, s.count(Outcome::kMatch), s.shadowed);
  w.Key("trend");
  w.StartArray();
  for (const EndpointStatsEntry::Minute& m : s.trend) {
    w.StartObject();
    w.Key("minute");
    std::string minute = FormatUtcMillis(m.start);  // "...:00.000Z" -> "...:00Z"
    if (minute.size() > 5) minute.erase(minute.size() - 5, 4);
    WriteString(w, minute);
    w.Key("requests");
    w.Uint64(m.requests);
    w.Key("shadowed");
    w.Uint64(m.shadowed);
    w.Key("matches");
    w.Uint64(m.matches);
    w.Key("match_rate");
    WriteRate(w, m.matches, m.shadowed);
    w.EndObject();
  }
  w.EndArray();
  w.Key("fields");
  w.StartArray();
  for (size_t i = 0; i < s.fields.size(); ++i) {
    const EndpointStatsEntry::Field& f = s.fields[i];
    w.StartObject();
    w.Key("field");
    WriteString(w, f.field);
    w.Key("kind");
    WriteString(w, DiffKindName(f.kind));
    w.Key("count");
    w.Uint64(f.count);
    w.Key("noise");
    w.Bool(i < row.field_noise.size() && row.field_noise[i]);
    w.EndObject();
  }
  w.EndArray();
  w.Key("noise_fields");
  w.StartArray();
  for (const NoisyField& n : row.noise_fields) {
    w.StartObject();
    w.Key("field");
    WriteString(w, n.field);
    w.Key("count");
    w.Uint64(n.count);
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
}

}  // namespace

std::vector<EndpointsReportRow> BuildEndpointsReport(const EndpointStats& stats,
                                                     const NoiseRegistry& noise,
                                                     const Config& config,
                                                     const TripRegistry& trips) {
  std::vector<EndpointsReportRow> rows;
  for (EndpointStatsEntry& entry : stats.Snapshot(kEndpointsReportMaxFields)) {
    EndpointsReportRow row;
    const Endpoint* endpoint = nullptr;
    row.shadow = ShadowOf(config, entry.endpoint, entry.method, &endpoint);
    row.tripped = endpoint != nullptr && trips.IsTripped(endpoint->id);
    noise.Read(entry.endpoint, [&](const NoiseModel* model) {
      row.field_noise.assign(entry.fields.size(), false);
      if (model == nullptr) return;
      for (size_t i = 0; i < entry.fields.size(); ++i) {
        row.field_noise[i] = model->IsNoisy(entry.fields[i].field);
      }
      for (NoisyField& field : model->Snapshot()) {
        if (row.noise_fields.size() >= kEndpointsReportMaxFields) break;
        if (model->IsNoisy(field.field)) row.noise_fields.push_back(std::move(field));
      }
    });
    row.stats = std::move(entry);
    rows.push_back(std::move(row));
  }
  return rows;
}

std::string EndpointsJson(const EndpointsReport& report) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("generated_at");
  WriteString(w, FormatUtcMillis(report.generated_at));
  w.Key("uptime_seconds");
  w.Int64(report.uptime_seconds);
  w.Key("paused");
  w.Bool(report.paused);
  w.Key("endpoints");
  w.StartArray();
  for (const EndpointsReportRow& row : report.endpoints) WriteRow(w, row);
  w.EndArray();
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

void AddEndpointsRoute(AdminRouter* router, std::function<EndpointsReport()> report) {
  router->AddRoute("GET", "/api/endpoints", [report = std::move(report)](const AdminRequest&) {
    return AdminResponse::Json(200, EndpointsJson(report()));
  });
}

}  // namespace shadowdiff
