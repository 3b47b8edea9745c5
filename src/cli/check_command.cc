// shadowdiff check -c FILE: validates a config and prints every error, one per line, as
// FILE:LINE:COL: message. Exit 0 valid, 1 invalid, 2 usage error.
#include <algorithm>
#include <fstream>
#include <ostream>

#include "src/cli/args.h"
#include "src/cli/commands.h"
#include "src/core/config_loader.h"

namespace shadowdiff::cli {
namespace {

const std::vector<FlagSpec>& CheckFlags() {
  static const std::vector<FlagSpec> flags = {
      {"config", 'c', true, "FILE", "the endpoints.yaml to validate"},
      {"help", 'h', false, "", "show this help"},
  };
  return flags;
}

void PrintHelp(std::ostream& out) {
  out << "usage: shadowdiff check -c FILE\n\n"
         "Validates FILE (endpoints.yaml) and prints every error as FILE:LINE:COL: message.\n"
         "On success, lists the endpoints with their methods and shadow mode.\n"
         "Exit status: 0 valid, 1 invalid, 2 usage error.\n\noptions:\n"
      << FlagHelp(CheckFlags());
}

void PrintSummary(const Config& config, std::ostream& out) {
  const auto& endpoints = config.endpoints.endpoints();
  out << config.source << ": valid, " << endpoints.size()
      << (endpoints.size() == 1 ? " endpoint\n" : " endpoints\n");
  size_t method_width = 0, path_width = 0;
  for (const Endpoint& e : endpoints) {
    method_width = std::max(method_width, e.settings.methods.ToString().size());
    path_width = std::max(path_width, e.path_template.size());
  }
  for (const Endpoint& e : endpoints) {
    std::string methods = e.settings.methods.ToString();
    out << "  " << methods << std::string(method_width - methods.size() + 2, ' ') << e.path_template
        << std::string(path_width - e.path_template.size() + 2, ' ')
        << "shadow: " << ShadowModeName(e.settings.shadow) << "\n";
  }
  if (Status targets = RequireTargets(config); !targets.ok()) {
    out << "note: " << targets.error().message << " (needed by `proxy`, not by `diff`)\n";
  }
}

}  // namespace

int RunCheck(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  auto parsed = ParseArgs(args, CheckFlags());
  if (!parsed.ok()) {
    err << "shadowdiff check: " << parsed.error().message << "\n";
    return kExitError;
  }
  if (parsed->Has("help")) {
    PrintHelp(out);
    return kExitOk;
  }
  if (!parsed->positionals.empty()) {
    err << "shadowdiff check: unexpected argument `" << parsed->positionals.front()
        << "`; name the config with -c FILE\n";
    return kExitError;
  }
  auto path = parsed->Value("config");
  if (!path) {
    err << "shadowdiff check: which config? Use -c FILE (e.g. -c endpoints.yaml)\n";
    return kExitError;
  }
  if (!std::ifstream(*path)) {
    err << "shadowdiff check: cannot open `" << *path << "`: check the path and its permissions\n";
    return kExitError;
  }
  std::vector<ConfigError> errors;
  auto config = LoadConfigFile(*path, &errors);
  if (!config.ok()) {
    if (errors.empty()) {
      err << config.error().message << "\n";
    } else {
      for (const ConfigError& e : errors) err << e.Format() << "\n";
    }
    // The loader caps the list it returns; its message says how many more there were.
    size_t shown = errors.empty() ? 1 : errors.size();
    err << *path << ": invalid (" << shown << (shown == 1 ? " error" : " errors") << ")\n";
    return kExitFindings;
  }
  PrintSummary(**config, out);
  return kExitOk;
}

}  // namespace shadowdiff::cli
