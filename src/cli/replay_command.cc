// shadowdiff replay -c FILE INPUT...: replays captured traffic (shadowdiff JSONL, HAR 1.2,
// GoReplay; plain or gzip) through the proxy's own fan-out and comparison, prints a summary
// table and exits 0 when the mismatch rate is at or below --fail-above, 1 above it, 2 on usage
// or input errors. docs/REPLAY.md is the user's guide.
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <ostream>

#include "src/cli/args.h"
#include "src/cli/commands.h"
#include "src/cli/replay_output.h"
#include "src/core/config_loader.h"
#include "src/io/log.h"
#include "src/replay/html_report.h"
#include "src/replay/replay_runner.h"
#include "src/replay/summary_table.h"

namespace shadowdiff::cli {
namespace {

const std::vector<FlagSpec>& ReplayFlags() {
  static const std::vector<FlagSpec> flags = {
      {"config", 'c', true, "FILE", "the endpoints.yaml (targets, rules, redaction)"},
      {"against-recorded", 0, false, "", "compare new with the recorded responses, not with old"},
      {"rate", 0, true, "N", "send N requests per second, evenly spaced"},
      {"speed", 0, true, "X", "send at X times the recorded pace (timestamps)"},
      {"concurrency", 0, true, "N", "requests in flight at once (default 8)"},
      {"limit", 0, true, "N", "send at most N requests"},
      {"filter", 0, true, "'[METHOD ]GLOB'",
       "only requests whose endpoint template or path matches, e.g. 'POST /merchants/*'"},
      {"shard", 0, true, "i/n", "only entries whose index mod n is i (run n shards, merge)"},
      {"format", 0, true, "auto|jsonl|har|goreplay",
       "input format (default: by name, then content)"},
      {"report", 0, true, "FILE.json", "write the machine-readable report"},
      {"html", 0, true, "FILE", "write a self-contained HTML report"},
      {"fail-above", 0, true, "RATE",
       "exit 1 when the mismatch rate is above RATE (0.01 or 1%; default 0)"},
      {"strict", 0, false, "", "stop at the first bad input entry (exit 2)"},
      {"threads", 0, true, "N", "I/O threads of the in-process proxy (default 2)"},
      {"no-progress", 0, false, "", "no progress output"},
      {"verbose", 'v', false, "", "show the proxy's informational log lines"},
      {"help", 'h', false, "", "show this help"},
  };
  return flags;
}

void PrintHelp(std::ostream& out) {
  out << "usage: shadowdiff replay -c FILE [options] INPUT...\n\n"
         "Sends every request of the INPUT captures (shadowdiff JSONL, HAR 1.2 or GoReplay\n"
         "files, plain or gzip) through the proxy's own fan-out and comparison, started\n"
         "in-process: old and new are the config's targets (rollback endpoints use the\n"
         "rollback protocol), or with --against-recorded the recorded response stands in\n"
         "for old. Prints a summary table.\n"
         "The mismatch rate is (mismatch + shadow_error + shadow_timeout +\n"
         "rollback_unconfirmed) / shadowed requests; noise is not counted as failing.\n"
         "Exit status: 0 rate <= --fail-above, 1 above it (or nothing compared), 2 usage or\n"
         "input error (bad entries are reported as FILE:LINE, FILE: entry N or FILE: payload\n"
         "N and skipped unless --strict).\n\noptions:\n"
      << FlagHelp(ReplayFlags());
}

bool ParseCount(const ParsedArgs& args, const char* name, uint64_t min, uint64_t max, uint64_t* out,
                std::ostream& err) {
  auto v = args.Value(name);
  if (!v) return true;
  char* end = nullptr;
  errno = 0;
  unsigned long long n = std::strtoull(v->c_str(), &end, 10);
  if (v->empty() || *end != '\0' || errno != 0 || (*v)[0] == '-' || n < min || n > max) {
    err << "shadowdiff replay: --" << name << " takes a whole number from " << min << " to " << max
        << ", not `" << *v << "`\n";
    return false;
  }
  *out = n;
  return true;
}

bool ParsePositive(const ParsedArgs& args, const char* name, std::optional<double>* out,
                   std::ostream& err) {
  auto v = args.Value(name);
  if (!v) return true;
  char* end = nullptr;
  double d = std::strtod(v->c_str(), &end);
  if (v->empty() || *end != '\0' || !(d > 0) || d > 1e6) {
    err << "shadowdiff replay: --" << name << " takes a positive number, not `" << *v << "`\n";
    return false;
  }
  *out = d;
  return true;
}

}  // namespace

int RunReplay(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  auto parsed = ParseArgs(args, ReplayFlags());
  if (!parsed.ok()) {
    err << "shadowdiff replay: " << parsed.error().message << "\n";
    return kExitError;
  }
  if (parsed->Has("help")) {
    PrintHelp(out);
    return kExitOk;
  }
  auto path = parsed->Value("config");
  if (!path) {
    err << "shadowdiff replay: which config? Use -c FILE (e.g. -c endpoints.yaml)\n";
    return kExitError;
  }
  if (parsed->positionals.empty()) {
    err << "shadowdiff replay: no input; name one or more captures (JSONL or HAR) after the "
           "options\n";
    return kExitError;
  }
  ReplayOptions options;
  options.inputs = parsed->positionals;
  options.against_recorded = parsed->Has("against-recorded");
  options.strict = parsed->Has("strict");
  uint64_t concurrency = 8, threads = 2;
  if (!ParseCount(*parsed, "concurrency", 1, 1024, &concurrency, err) ||
      !ParseCount(*parsed, "threads", 1, 64, &threads, err) ||
      !ParseCount(*parsed, "limit", 1, UINT64_MAX, &options.limit, err) ||
      !ParsePositive(*parsed, "rate", &options.rate, err) ||
      !ParsePositive(*parsed, "speed", &options.speed, err)) {
    return kExitError;
  }
  options.concurrency = concurrency;
  options.io_threads = threads;
  if (options.rate && options.speed) {
    err << "shadowdiff replay: --rate and --speed exclude each other; pick one\n";
    return kExitError;
  }
  if (auto shard = parsed->Value("shard")) {
    auto s = ParseShard(*shard);
    if (!s.ok()) {
      err << "shadowdiff replay: " << s.error().message << "\n";
      return kExitError;
    }
    options.shard = *s;
  }
  if (auto filter = parsed->Value("filter")) {
    auto f = ParseEntryFilter(*filter);
    if (!f.ok()) {
      err << "shadowdiff replay: " << f.error().message << "\n";
      return kExitError;
    }
    options.filter = *f;
  }
  if (auto format = parsed->Value("format");
      format && !ParseCaptureFormat(*format, &options.format)) {
    err << "shadowdiff replay: --format takes auto, jsonl, har or goreplay, not `" << *format
        << "`\n";
    return kExitError;
  }
  double fail_above = 0;
  if (auto v = parsed->Value("fail-above")) {
    auto rate = ParseFailAbove(*v);
    if (!rate) {
      err << "shadowdiff replay: --fail-above takes a rate from 0 to 1 (0.01) or a percentage "
             "(1%), not `"
          << *v << "`\n";
      return kExitError;
    }
    fail_above = *rate;
  }
  for (const std::string& input : options.inputs) {
    if (::access(input.c_str(), R_OK) != 0) {
      err << "shadowdiff replay: cannot read `" << input
          << "`: check the path and its permissions\n";
      return kExitError;
    }
  }
  auto config = LoadConfigFile(*path);
  if (!config.ok()) {
    err << config.error().message << "\n" << *path << ": invalid; nothing replayed\n";
    return kExitError;
  }
  if (!parsed->Has("verbose")) log::SetMinLevel(log::Level::kWarn);
  if (!parsed->Has("no-progress")) {
    options.progress = &err;
    options.progress_tty = ::isatty(STDERR_FILENO) == 1;
  }
  options.warnings = &err;

  auto result = shadowdiff::RunReplay(*config, options);
  if (!result.ok()) {
    err << "shadowdiff replay: " << result.error().message << "\n";
    return kExitError;
  }
  const ReplayReport& report = result->report;
  out << FormatSummary(report);
  int code = kExitOk;
  if (auto file = parsed->Value("report")) {
    if (Status s = WriteTextFile(*file, report.ToJson()); !s.ok()) {
      err << "shadowdiff replay: " << s.error().message << "\n";
      code = kExitError;
    }
  }
  if (auto file = parsed->Value("html")) {
    if (Status s = WriteTextFile(*file, FormatHtmlReport(report, "shadowdiff replay report"));
        !s.ok()) {
      err << "shadowdiff replay: " << s.error().message << "\n";
      code = kExitError;
    }
  }
  if (!result->input_error.empty()) {
    err << "shadowdiff replay: " << result->input_error << "\n";
    return kExitError;
  }
  if (result->entries_read == 0) {
    err << "shadowdiff replay: the input holds no entries; nothing was replayed\n";
    return kExitError;
  }
  if (result->sent == 0) {
    err << "shadowdiff replay: " << result->entries_read
        << " entries read but none selected; check --filter, --shard and the input\n";
    return kExitError;
  }
  if (code != kExitOk) return code;
  return GateExitCode(report, fail_above, "replay", err);
}

}  // namespace shadowdiff::cli
