// FormatSummary: the table `shadowdiff replay` prints at the end — one row per endpoint and
// method (sent, match, mismatch, noise, error, not shadowed, mismatch rate, top differing
// fields), a totals row, and the bad-entry / unanswered counts. Pure.
#ifndef SHADOWDIFF_REPLAY_SUMMARY_TABLE_H_
#define SHADOWDIFF_REPLAY_SUMMARY_TABLE_H_

#include <string>

#include "src/replay/replay_report.h"

namespace shadowdiff {

std::string FormatSummary(const ReplayReport& report);

// "12.5%" style, for rates in [0, 1].
std::string FormatPercent(double rate);

}  // namespace shadowdiff

#endif  // SHADOWDIFF_REPLAY_SUMMARY_TABLE_H_
