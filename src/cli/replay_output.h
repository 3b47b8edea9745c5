// Writing a replay report to files (`--report FILE.json`, `--html FILE`) for `replay` and
// `report merge`, with messages that name the file and what to do. Also the CI gate: which
// exit code a report earns against --fail-above.
#ifndef SHADOWDIFF_CLI_REPLAY_OUTPUT_H_
#define SHADOWDIFF_CLI_REPLAY_OUTPUT_H_

#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

#include "src/core/result.h"
#include "src/replay/replay_report.h"

namespace shadowdiff::cli {

// Writes `text` to `path` (via a temporary file renamed into place).
Status WriteTextFile(const std::string& path, std::string_view text);

// --fail-above: "0.01" (a fraction) or "1%" (a percentage); in [0, 1].
std::optional<double> ParseFailAbove(std::string_view text);

// kExitOk when the report's mismatch rate is at or below `fail_above`, kExitFindings above
// it or when nothing was shadowed at all (a gate that compared nothing must not pass); the
// reason goes to `err` when failing.
int GateExitCode(const ReplayReport& report, double fail_above, std::string_view command,
                 std::ostream& err);

}  // namespace shadowdiff::cli

#endif  // SHADOWDIFF_CLI_REPLAY_OUTPUT_H_
