// shadowdiff report merge A.json B.json... -o OUT.json [--html FILE] [--fail-above RATE]:
// sums replay reports (the shards of one capture, --shard i/n) into one, prints its summary
// table and applies the same CI gate as replay: exit 0 at or below --fail-above, 1 above,
// 2 on usage or input errors.
#include <fstream>
#include <ostream>
#include <sstream>

#include "src/cli/args.h"
#include "src/cli/commands.h"
#include "src/cli/replay_output.h"
#include "src/replay/html_report.h"
#include "src/replay/summary_table.h"

namespace shadowdiff::cli {
namespace {

const std::vector<FlagSpec>& ReportFlags() {
  static const std::vector<FlagSpec> flags = {
      {"output", 'o', true, "OUT.json", "where to write the merged report"},
      {"html", 0, true, "FILE", "also write a self-contained HTML report"},
      {"fail-above", 0, true, "RATE", "exit 1 when the merged mismatch rate is above RATE"},
      {"help", 'h', false, "", "show this help"},
  };
  return flags;
}

void PrintHelp(std::ostream& out) {
  out << "usage: shadowdiff report merge REPORT.json... [-o OUT.json] [--html FILE]\n\n"
         "Sums replay reports (e.g. of `shadowdiff replay --shard i/n --report shard-i.json`)\n"
         "into one and prints its summary table. Exit status: 0 when the merged mismatch rate\n"
         "is at or below --fail-above (default 0), 1 above it, 2 on usage or input errors.\n\n"
         "options:\n"
      << FlagHelp(ReportFlags());
}

}  // namespace

int RunReport(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  auto parsed = ParseArgs(args, ReportFlags());
  if (!parsed.ok()) {
    err << "shadowdiff report: " << parsed.error().message << "\n";
    return kExitError;
  }
  if (parsed->Has("help")) {
    PrintHelp(out);
    return kExitOk;
  }
  if (parsed->positionals.empty() || parsed->positionals.front() != "merge") {
    err << "shadowdiff report: the only subcommand is `merge`: shadowdiff report merge A.json "
           "B.json -o OUT.json\n";
    return kExitError;
  }
  std::vector<std::string> inputs(parsed->positionals.begin() + 1, parsed->positionals.end());
  if (inputs.empty()) {
    err << "shadowdiff report merge: name the reports to merge (written by replay --report)\n";
    return kExitError;
  }
  double fail_above = 0;
  if (auto v = parsed->Value("fail-above")) {
    auto rate = ParseFailAbove(*v);
    if (!rate) {
      err << "shadowdiff report merge: --fail-above takes a rate from 0 to 1 (0.01) or a "
             "percentage (1%), not `"
          << *v << "`\n";
      return kExitError;
    }
    fail_above = *rate;
  }
  ReplayReport merged;
  for (const std::string& input : inputs) {
    std::ifstream in(input, std::ios::binary);
    if (!in) {
      err << "shadowdiff report merge: cannot open `" << input
          << "`: check the path and its permissions\n";
      return kExitError;
    }
    std::stringstream text;
    text << in.rdbuf();
    auto report = ReplayReport::FromJson(text.str(), input);
    if (!report.ok()) {
      err << "shadowdiff report merge: " << report.error().message << "\n";
      return kExitError;
    }
    merged.Merge(*report);
  }
  out << FormatSummary(merged);
  if (auto file = parsed->Value("output")) {
    if (Status s = WriteTextFile(*file, merged.ToJson()); !s.ok()) {
      err << "shadowdiff report merge: " << s.error().message << "\n";
      return kExitError;
    }
  }
  if (auto file = parsed->Value("html")) {
    if (Status s = WriteTextFile(*file, FormatHtmlReport(merged, "shadowdiff replay report"));
        !s.ok()) {
      err << "shadowdiff report merge: " << s.error().message << "\n";
      return kExitError;
    }
  }
  return GateExitCode(merged, fail_above, "report merge", err);
}

}  // namespace shadowdiff::cli
