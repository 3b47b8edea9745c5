#include "src/replay/summary_table.h"

#include <algorithm>
#include <cstdio>
#include <vector>

namespace shadowdiff {

std::string FormatPercent(double rate) {
  char buf[32];
  std::snprintf(buf, sizeof buf, rate > 0 && rate < 0.001 ? "%.3f%%" : "%.1f%%", rate * 100);
  return buf;
}

std::string FormatSummary(const ReplayReport& report) {
  using Row = std::vector<std::string>;
  std::vector<Row> rows;
  rows.push_back({"METHOD", "ENDPOINT", "SENT", "MATCH", "MISMATCH", "NOISE", "ERROR",
                  "NOT_SHADOWED", "RATE", "TOP FIELDS"});
  auto counts_row = [](std::string method, std::string endpoint, const OutcomeCounts& c) {
    return Row{std::move(method),
               std::move(endpoint),
               std::to_string(c.sent()),
               std::to_string(c[Outcome::kMatch]),
               std::to_string(c[Outcome::kMismatch]),
               std::to_string(c[Outcome::kNoise]),
               std::to_string(c.errors()),
               std::to_string(c[Outcome::kNotShadowed]),
               FormatPercent(c.mismatch_rate()),
               ""};
  };
  for (const auto& [key, t] : report.endpoints()) {
    Row row = counts_row(t.method, t.endpoint, t.counts);
    std::string fields;
    for (const auto& [field, kind, count] : t.TopFields(3)) {
      if (!fields.empty()) fields += ", ";
      fields += field + " (" + kind + ") x" + std::to_string(count);
    }
    row.back() = fields;
    rows.push_back(std::move(row));
  }
  rows.push_back(counts_row("", "total", report.Totals()));
  std::vector<size_t> width(rows[0].size(), 0);
  for (const Row& r : rows) {
    for (size_t i = 0; i < r.size(); ++i) width[i] = std::max(width[i], r[i].size());
  }
  std::string out;
  for (size_t n = 0; n < rows.size(); ++n) {
    const Row& r = rows[n];
    std::string line;
    for (size_t i = 0; i < r.size(); ++i) {
      const bool numeric = i >= 2 && i <= 8;
      const std::string pad(width[i] - r[i].size(), ' ');
      line += numeric ? pad + r[i] : r[i] + (i + 1 < r.size() ? pad : "");
      if (i + 1 < r.size()) line += "  ";
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line + "\n";
  }
  const OutcomeCounts total = report.Totals();
  out += "mismatch rate " + FormatPercent(total.mismatch_rate()) + " (" +
         std::to_string(total.failing()) + " failing of " + std::to_string(total.shadowed()) +
         " shadowed: mismatches + shadow errors/timeouts/unconfirmed rollbacks)";
  if (report.bad_entries() > 0) {
    out += "; " + std::to_string(report.bad_entries()) + " bad input entries skipped";
  }
  if (report.unanswered() > 0) {
    out += "; " + std::to_string(report.unanswered()) + " requests without an outcome";
  }
  out += "\n";
  return out;
}

}  // namespace shadowdiff
