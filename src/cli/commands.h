// The subcommands of the shadowdiff binary. Each takes its arguments (after the command
// name) and the streams to write to, and returns the process exit code, so tests run
// commands in-process and compare their output exactly.
#ifndef SHADOWDIFF_CLI_COMMANDS_H_
#define SHADOWDIFF_CLI_COMMANDS_H_

#include <iosfwd>
#include <string>
#include <vector>

namespace shadowdiff::cli {

// Exit codes shared by every command (SPEC.md).
inline constexpr int kExitOk = 0;        // valid / equal
inline constexpr int kExitFindings = 1;  // invalid config / different bodies
inline constexpr int kExitError = 2;     // usage error, unreadable input, ...

// shadowdiff check -c FILE
int RunCheck(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

// shadowdiff diff OLD NEW [-c FILE --endpoint 'METHOD /path'] [--json] [--as KIND]
int RunDiff(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

// shadowdiff proxy -c FILE [--threads N]: runs until SIGTERM/SIGINT.
int RunProxy(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

// shadowdiff replay -c FILE [options] INPUT...: replays captures through the in-process proxy.
int RunReplay(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

// shadowdiff report merge A.json B.json... [-o OUT.json]: sums replay reports.
int RunReport(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace shadowdiff::cli

#endif  // SHADOWDIFF_CLI_COMMANDS_H_
