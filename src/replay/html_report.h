// FormatHtmlReport: a replay report as one self-contained HTML page (`--html FILE`): inline
// CSS, no script, no external resource — totals, a row per endpoint with its outcome counts
// and mismatch rate, the fields that differed most, and the stored examples (already
// redacted) pretty-printed. Every piece of text from the report is HTML-escaped. Pure.
#ifndef SHADOWDIFF_REPLAY_HTML_REPORT_H_
#define SHADOWDIFF_REPLAY_HTML_REPORT_H_

#include <string>
#include <string_view>

#include "src/replay/replay_report.h"

namespace shadowdiff {

std::string FormatHtmlReport(const ReplayReport& report, std::string_view title);

// &, <, >, " and ' as entities.
std::string HtmlEscape(std::string_view text);

}  // namespace shadowdiff

#endif  // SHADOWDIFF_REPLAY_HTML_REPORT_H_
