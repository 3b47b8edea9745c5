// shadowdiff: subcommand dispatch only. Each subcommand lives in src/cli/.
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "src/cli/commands.h"

namespace {

constexpr std::string_view kUsage =
    "usage: shadowdiff <command> [options]\n"
    "\n"
    "commands:\n"
    "  check -c FILE                 validate an endpoints.yaml; exit 0 valid, 1 invalid\n"
    "  diff OLD NEW [-c FILE --endpoint 'METHOD /path'] [--json]\n"
    "                                compare two bodies offline; exit 0 equal, 1 different, 2 "
    "error\n"
    "  proxy -c FILE                 run the shadowing proxy until SIGTERM (SIGHUP reloads)\n"
    "  replay -c FILE INPUT...       replay captured traffic (JSONL, HAR) through the proxy's\n"
    "                                comparison; exit 0 at or below --fail-above, 1 above, 2 "
    "error\n"
    "  report merge A.json B.json... -o OUT.json\n"
    "                                sum replay reports (shards)\n"
    "\n"
    "`shadowdiff <command> --help` describes a command's options. --version prints the version.\n";

}  // namespace

// Which malloc the binary links (CMakeLists.txt SHADOWDIFF_ALLOCATOR), for bug reports and
// benchmark records.
#ifdef SHADOWDIFF_ALLOCATOR_NAME
constexpr const char* kAllocator = SHADOWDIFF_ALLOCATOR_NAME;
#else
constexpr const char* kAllocator = "system";
#endif

int main(int argc, char** argv) {
  using namespace shadowdiff::cli;
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty()) {
    std::cerr << kUsage;
    return kExitError;
  }
  const std::string command = args.front();
  args.erase(args.begin());
  if (command == "--version" || command == "version") {
    std::cout << "shadowdiff " << SHADOWDIFF_VERSION << " (allocator: " << kAllocator << ")\n";
    return kExitOk;
  }
  if (command == "--help" || command == "-h" || command == "help") {
    std::cout << kUsage;
    return kExitOk;
  }
  if (command == "check") return RunCheck(args, std::cout, std::cerr);
  if (command == "diff") return RunDiff(args, std::cout, std::cerr);
  if (command == "proxy") return RunProxy(args, std::cout, std::cerr);
  if (command == "replay") return RunReplay(args, std::cout, std::cerr);
  if (command == "report") return RunReport(args, std::cout, std::cerr);
  std::cerr << "shadowdiff: unknown command `" << command << "`\n\n" << kUsage;
  return kExitError;
}
