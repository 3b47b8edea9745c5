#include "src/replay/html_report.h"

#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>

#include "src/replay/summary_table.h"

namespace shadowdiff {
namespace {

constexpr std::string_view kStyle = R"(
body{font:14px/1.4 system-ui,sans-serif;margin:2em;color:#222}
h1{font-size:1.4em}h2{font-size:1.1em;margin-top:2em}
table{border-collapse:collapse;margin:.5em 0}
th,td{border:1px solid #ccc;padding:.25em .6em;text-align:right;vertical-align:top}
th{background:#f3f3f3}td.l,th.l{text-align:left}
tr.bad td{background:#fdecea}.ok{color:#1a7f37}.fail{color:#b42318;font-weight:600}
pre{background:#f6f8fa;padding:.6em;overflow:auto;max-height:30em;font-size:12px}
details{margin:.3em 0}code{font-size:12px}
)";

std::string PrettyJson(const std::string& json) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError()) return json;
  rapidjson::StringBuffer buffer;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> writer(buffer);
  writer.SetIndent(' ', 2);
  doc.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string Cell(uint64_t n) { return "<td>" + std::to_string(n) + "</td>"; }

std::string CountCells(const OutcomeCounts& c) {
  return Cell(c.sent()) + Cell(c[Outcome::kMatch]) + Cell(c[Outcome::kMismatch]) +
         Cell(c[Outcome::kNoise]) + Cell(c.errors()) + Cell(c[Outcome::kNotShadowed]) + "<td>" +
         FormatPercent(c.mismatch_rate()) + "</td>";
}

}  // namespace

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out.push_back(c);
    }
  }
  return out;
}

std::string FormatHtmlReport(const ReplayReport& report, std::string_view title) {
  const OutcomeCounts total = report.Totals();
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
      "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "style-src 'unsafe-inline'\"><title>" +
      HtmlEscape(title) + "</title><style>" + std::string(kStyle) + "</style></head><body>\n";
  out += "<h1>" + HtmlEscape(title) + "</h1>\n<p>Mismatch rate <span class=\"" +
         std::string(total.failing() > 0 ? "fail" : "ok") + "\">" +
         FormatPercent(total.mismatch_rate()) + "</span>: " + std::to_string(total.failing()) +
         " failing (mismatches, shadow errors and timeouts, unconfirmed rollbacks) of " +
         std::to_string(total.shadowed()) + " shadowed requests; " +
         std::to_string(report.bad_entries()) + " bad input entries skipped; " +
         std::to_string(report.unanswered()) + " requests without an outcome.</p>\n";
  out +=
      "<table><tr><th class=\"l\">method</th><th class=\"l\">endpoint</th><th>sent</th>"
      "<th>match</th><th>mismatch</th><th>noise</th><th>error</th><th>not shadowed</th>"
      "<th>rate</th></tr>\n";
  for (const auto& [key, t] : report.endpoints()) {
    out += std::string(t.counts.failing() > 0 ? "<tr class=\"bad\">" : "<tr>") +
           "<td class=\"l\">" + HtmlEscape(t.method) + "</td><td class=\"l\"><a href=\"#" +
           HtmlEscape(t.method + " " + t.endpoint) + "\">" + HtmlEscape(t.endpoint) + "</a></td>" +
           CountCells(t.counts) + "</tr>\n";
  }
  out +=
      "<tr><th class=\"l\"></th><th class=\"l\">total</th>" + CountCells(total) + "</tr></table>\n";
  for (const auto& [key, t] : report.endpoints()) {
    if (t.fields.empty() && t.examples.empty()) continue;
    out += "<h2 id=\"" + HtmlEscape(t.method + " " + t.endpoint) + "\">" + HtmlEscape(t.method) +
           " " + HtmlEscape(t.endpoint) + "</h2>\n";
    if (!t.fields.empty()) {
      out +=
          "<table><tr><th class=\"l\">field</th><th class=\"l\">kind</th><th>requests</th></tr>\n";
      for (const auto& [field, kind, count] : t.TopFields(50)) {
        out += "<tr><td class=\"l\"><code>" + HtmlEscape(field) + "</code></td><td class=\"l\">" +
               HtmlEscape(kind) + "</td>" + Cell(count) + "</tr>\n";
      }
      out += "</table>\n";
    }
    size_t n = 0;
    for (const std::string& example : t.examples) {
      out += "<details><summary>example " + std::to_string(++n) + "</summary><pre>" +
             HtmlEscape(PrettyJson(example)) + "</pre></details>\n";
    }
  }
  out += "</body></html>\n";
  return out;
}

}  // namespace shadowdiff
