#include "metrics_report.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <sstream>
#include <vector>

#include "http_client.h"

namespace demo_traffic {
namespace {

// Parses `{a="x",b="y"} 12` after the metric name; false when malformed.
bool ParseSample(std::string_view rest, std::map<std::string, std::string>* labels, double* value) {
  size_t i = 0;
  if (i < rest.size() && rest[i] == '{') {
    ++i;
    while (i < rest.size() && rest[i] != '}') {
      const size_t eq = rest.find('=', i);
      if (eq == std::string_view::npos || eq + 1 >= rest.size() || rest[eq + 1] != '"') {
        return false;
      }
      std::string name(rest.substr(i, eq - i));
      std::string text;
      size_t j = eq + 2;
      for (; j < rest.size() && rest[j] != '"'; ++j) {
        if (rest[j] == '\\' && j + 1 < rest.size()) {
          ++j;
          text += rest[j] == 'n' ? '\n' : rest[j];
        } else {
          text += rest[j];
        }
      }
      if (j >= rest.size()) return false;
      (*labels)[name] = text;
      i = j + 1;
      if (i < rest.size() && rest[i] == ',') ++i;
    }
    if (i >= rest.size()) return false;
    ++i;
  }
  const std::string number(rest.substr(i));
  char* end = nullptr;
  *value = std::strtod(number.c_str(), &end);
  return end != number.c_str();
}

bool IsWrite(const std::string& method) {
  return method == "POST" || method == "PUT" || method == "DELETE" || method == "PATCH";
}

std::string Count(double v) { return std::to_string(static_cast<long long>(v + 0.5)); }

}  // namespace

double MetricsSnapshot::TotalRequests() const {
  double total = 0;
  for (const auto& [key, v] : requests) total += v;
  return total;
}

MetricsSnapshot MetricsSnapshot::Minus(const MetricsSnapshot& before) const {
  MetricsSnapshot out;
  for (const auto& [key, v] : requests) {
    auto it = before.requests.find(key);
    const double d = v - (it == before.requests.end() ? 0 : it->second);
    if (d > 0) out.requests[key] = d;
  }
  for (const auto& [key, v] : fields) {
    auto it = before.fields.find(key);
    const double d = v - (it == before.fields.end() ? 0 : it->second);
    if (d > 0) out.fields[key] = d;
  }
  out.tripped = tripped;
  return out;
}

MetricsSnapshot ParseMetrics(const std::string& text) {
  MetricsSnapshot snapshot;
  std::istringstream lines(text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty() || line[0] == '#') continue;
    const size_t name_end = line.find_first_of("{ ");
    if (name_end == std::string::npos) continue;
    const std::string name = line.substr(0, name_end);
    std::map<std::string, std::string> l;
    double value = 0;
    if (name != "shadowdiff_requests_total" && name != "shadowdiff_field_mismatches_total" &&
        name != "shadowdiff_endpoint_tripped") {
      continue;
    }
    if (!ParseSample(std::string_view(line).substr(name_end), &l, &value)) continue;
    if (name == "shadowdiff_requests_total") {
      snapshot.requests[{l["endpoint"], l["method"], l["outcome"]}] += value;
    } else if (name == "shadowdiff_field_mismatches_total") {
      snapshot.fields[{l["endpoint"], l["method"], l["field"], l["kind"]}] += value;
    } else {
      snapshot.tripped[l["endpoint"]] = value;
    }
  }
  return snapshot;
}

std::optional<MetricsSnapshot> FetchMetrics(const std::string& admin,
                                            std::chrono::milliseconds timeout, std::string* error) {
  HttpClient client(admin, timeout);
  HttpResponse response = client.Send("GET", "/metrics");
  if (response.status != 200) {
    *error = response.status == 0 ? response.error : "status " + std::to_string(response.status);
    return std::nullopt;
  }
  return ParseMetrics(response.body);
}

void PrintEndpointTable(const MetricsSnapshot& run, std::ostream& out) {
  // endpoint+method -> outcome -> count
  std::map<std::pair<std::string, std::string>, std::map<std::string, double>> rows;
  for (const auto& [key, v] : run.requests) {
    rows[{std::get<0>(key), std::get<1>(key)}][std::get<2>(key)] += v;
  }
  char line[256];
  std::snprintf(line, sizeof line, "  %-60s %-6s %5s %5s %8s  %s\n", "ENDPOINT", "METHOD", "REQS",
                "MATCH", "MISMATCH", "OTHER OUTCOMES");
  out << line;
  for (const auto& [em, outcomes] : rows) {
    double total = 0;
    for (const auto& [o, v] : outcomes) total += v;
    auto get = [&](const char* o) {
      auto it = outcomes.find(o);
      return it == outcomes.end() ? 0.0 : it->second;
    };
    std::string other;
    for (const auto& [o, v] : outcomes) {
      if (o == "match" || o == "mismatch") continue;
      if (!other.empty()) other += ", ";
      other += o + " " + Count(v);
    }
    std::snprintf(line, sizeof line, "  %-60s %-6s %5s %5s %8s  %s\n", em.first.c_str(),
                  em.second.c_str(), Count(total).c_str(), Count(get("match")).c_str(),
                  Count(get("mismatch")).c_str(), other.empty() ? "-" : other.c_str());
    out << line;
    if (IsWrite(em.second)) {
      const double rolled = get("match") + get("mismatch") + get("noise");
      if (rolled > 0 || get("rollback_unconfirmed") > 0) {
        out << "      shadow writes rolled back (confirmed by Shadow-Rolled-Back): "
            << Count(rolled);
        if (get("rollback_unconfirmed") > 0) {
          out << "; UNCONFIRMED: " << Count(get("rollback_unconfirmed")) << " (endpoint tripped)";
        }
        out << "\n";
      }
    }
    std::vector<std::pair<double, std::string>> top;
    for (const auto& [key, v] : run.fields) {
      if (std::get<0>(key) == em.first && std::get<1>(key) == em.second) {
        top.emplace_back(v, std::get<2>(key) + " (" + std::get<3>(key) + ")");
      }
    }
    std::sort(top.begin(), top.end(), [](const auto& a, const auto& b) {
      return a.first != b.first ? a.first > b.first : a.second < b.second;
    });
    if (!top.empty()) {
      out << "      differs:";
      for (size_t i = 0; i < top.size() && i < 4; ++i) {
        out << (i == 0 ? " " : ", ") << top[i].second << " x" << Count(top[i].first);
      }
      if (top.size() > 4) out << ", +" << top.size() - 4 << " more";
      out << "\n";
    }
  }
  for (const auto& [endpoint, v] : run.tripped) {
    if (v > 0)
      out << "  TRIPPED (shadowing stopped until POST /api/endpoints/reset): " << endpoint << "\n";
  }
}

}  // namespace demo_traffic
