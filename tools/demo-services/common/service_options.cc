#include "tools/demo-services/common/service_options.h"

#include <charconv>

namespace demo {

using shadowdiff::Error;
using shadowdiff::Result;

namespace {

bool ParseInt(std::string_view text, int64_t min, int64_t max, int64_t* out) {
  int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < min || value > max) {
    return false;
  }
  *out = value;
  return true;
}

}  // namespace

std::string Usage(const CommandLineSpec& spec) {
  std::string usage = "usage: " + std::string(spec.program) +
                      " --db CONNINFO [--listen HOST:PORT] [--secret-env NAME] [--threads N]";
  if (spec.allow_ignore_shadow_protocol) usage += " [--ignore-shadow-protocol]";
  usage += "\n\n  --db CONNINFO       libpq conninfo, e.g. \"host=127.0.0.1 dbname=payments\"\n";
  usage += "  --listen HOST:PORT  default 127.0.0.1:" + std::to_string(spec.default_port) +
           "; port 0 picks a free port\n";
  usage +=
      "  --secret-env NAME   environment variable holding the rollback secret (default\n"
      "                      SHADOWDIFF_ROLLBACK_SECRET; unset or empty: signatures not checked)\n"
      "  --threads N         worker threads, one database connection each (default 4)\n";
  if (spec.allow_ignore_shadow_protocol) {
    usage +=
        "  --ignore-shadow-protocol  TEST ONLY: treat every request as live (commit, never\n"
        "                      answer Shadow-Rolled-Back), to test the proxy's trip\n";
  }
  usage += "\nSee tools/demo-services/API.md.\n";
  return usage;
}

Result<ServiceOptions> ParseCommandLine(int argc, char** argv, const CommandLineSpec& spec) {
  ServiceOptions options;
  options.port = spec.default_port;
  bool have_db = false;
  for (int i = 1; i < argc; ++i) {
    std::string_view flag = argv[i];
    std::string_view value;
    bool inline_value = false;
    if (size_t equals = flag.find('=');
        flag.starts_with("--") && equals != std::string_view::npos) {
      value = flag.substr(equals + 1);
      flag = flag.substr(0, equals);
      inline_value = true;
    }
    auto need_value = [&]() -> bool {
      if (inline_value) return true;
      if (i + 1 >= argc) return false;
      value = argv[++i];
      return true;
    };
    auto missing = [&] {
      return Error{std::string(flag) + " needs a value; run with --help for usage"};
    };
    if (flag == "--help" || flag == "-h") {
      options.help = true;
    } else if (flag == "--listen") {
      if (!need_value()) return missing();
      size_t colon = value.rfind(':');
      int64_t port = 0;
      if (colon == std::string_view::npos || colon == 0 ||
          !ParseInt(value.substr(colon + 1), 0, 65535, &port)) {
        return Error{"--listen '" + std::string(value) +
                     "' is not HOST:PORT; give e.g. --listen 127.0.0.1:8001 (port 0: any free)"};
      }
      std::string_view host = value.substr(0, colon);
      if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
        host = host.substr(1, host.size() - 2);
      }
      options.host = std::string(host);
      options.port = static_cast<uint16_t>(port);
    } else if (flag == "--db") {
      if (!need_value()) return missing();
      options.conninfo = std::string(value);
      have_db = true;
    } else if (flag == "--secret-env") {
      if (!need_value()) return missing();
      if (value.empty()) return Error{"--secret-env needs a variable name"};
      options.secret_env = std::string(value);
    } else if (flag == "--threads") {
      if (!need_value()) return missing();
      int64_t threads = 0;
      if (!ParseInt(value, 1, 64, &threads)) {
        return Error{"--threads '" + std::string(value) + "' must be an integer from 1 to 64"};
      }
      options.threads = static_cast<int>(threads);
    } else if (flag == "--ignore-shadow-protocol" && spec.allow_ignore_shadow_protocol &&
               !inline_value) {
      options.ignore_shadow_protocol = true;
    } else {
      return Error{"unknown flag '" + std::string(argv[i]) + "'; run " + std::string(spec.program) +
                   " --help for the flags"};
    }
  }
  if (!options.help && !have_db) {
    return Error{
        "--db CONNINFO is required, e.g. --db \"host=127.0.0.1 port=5432 "
        "user=postgres dbname=postgres\""};
  }
  return options;
}

}  // namespace demo
