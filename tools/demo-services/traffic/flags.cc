#include "flags.h"

#include <cstdlib>
#include <ostream>
#include <string_view>

#include "http_client.h"

namespace demo_traffic {

const char kUsage[] =
    "usage: demo-traffic --db CONNINFO [--proxy HOST:PORT] [--admin HOST:PORT]\n"
    "                    [--requests N] [--concurrency C] [--write-share F] [--seed S]\n"
    "                    [--serve] [--timeout-ms MS] [--examples FILE] [--customers-only]\n"
    "                    [--max-p99-ms MS]\n"
    "\n"
    "Drives a deterministic mix of customer, transaction and merchant requests through the\n"
    "shadowdiff proxy to the demo services (tools/demo-services/API.md), keeping a model of\n"
    "what the primary answered. Then prints, per endpoint, the proxy's outcomes from the\n"
    "admin server's /metrics, and proves from the database that it holds only the primary's\n"
    "writes. Exit 0 when the proof passes, 1 when it fails, 2 on a usage or setup error.\n"
    "\n"
    "  --proxy HOST:PORT     the proxy's client address (default 127.0.0.1:8080)\n"
    "  --admin HOST:PORT     the proxy's admin address (default 127.0.0.1:9901)\n"
    "  --db CONNINFO         libpq conninfo of the services' database (required)\n"
    "  --requests N          requests in the measured run (default 300)\n"
    "  --concurrency C       client threads (default 4)\n"
    "  --write-share F       share of writes, 0..1 (default 0.3)\n"
    "  --seed S              seed of the request mix (default 1)\n"
    "  --serve               after the summary, keep sending gentle live traffic until\n"
    "                        SIGINT/SIGTERM\n"
    "  --timeout-ms MS       bound of every network wait (default 10000)\n"
    "  --examples FILE       the proxy's mismatch examples file, for the closing hints\n"
    "  --customers-only      only the customers endpoints (the shadowed ones)\n"
    "  --max-p99-ms MS       also FAIL when the p99 request latency is above MS\n";

namespace {

bool ParseInt(std::string_view text, long long min, long long max, long long* out) {
  if (text.empty()) return false;
  char* end = nullptr;
  const std::string copy(text);
  const long long value = std::strtoll(copy.c_str(), &end, 10);
  if (*end != '\0' || value < min || value > max) return false;
  *out = value;
  return true;
}

}  // namespace

bool ParseFlags(int argc, char** argv, Flags* flags, std::ostream& err) {
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    std::string_view value;
    bool has_inline = false;
    if (const size_t eq = arg.find('='); arg.starts_with("--") && eq != std::string_view::npos) {
      value = arg.substr(eq + 1);
      arg = arg.substr(0, eq);
      has_inline = true;
    }
    auto need = [&](std::string_view* v) {
      if (has_inline) {
        *v = value;
        return true;
      }
      if (i + 1 >= argc) {
        err << "demo-traffic: " << arg << " needs a value (see --help)\n";
        return false;
      }
      *v = argv[++i];
      return true;
    };
    std::string_view v;
    long long n = 0;
    std::string host, port;
    if (arg == "-h" || arg == "--help") {
      flags->help = true;
    } else if (arg == "--serve") {
      flags->serve = true;
    } else if (arg == "--customers-only") {
      flags->customers_only = true;
    } else if (arg == "--proxy" || arg == "--admin") {
      if (!need(&v)) return false;
      if (!SplitHostPort(v, &host, &port)) {
        err << "demo-traffic: " << arg << " '" << v << "' is not HOST:PORT\n";
        return false;
      }
      (arg == "--proxy" ? flags->proxy : flags->admin) = std::string(v);
    } else if (arg == "--db") {
      if (!need(&v)) return false;
      flags->db = std::string(v);
    } else if (arg == "--examples") {
      if (!need(&v)) return false;
      flags->examples = std::string(v);
    } else if (arg == "--requests" || arg == "--concurrency" || arg == "--seed" ||
               arg == "--timeout-ms" || arg == "--max-p99-ms") {
      if (!need(&v)) return false;
      const long long max = arg == "--concurrency" ? 256 : (1LL << 40);
      const long long min = arg == "--requests" || arg == "--seed" ? 0 : 1;
      if (!ParseInt(v, min, max, &n)) {
        err << "demo-traffic: " << arg << " '" << v << "' must be an integer in " << min << ".."
            << max << "\n";
        return false;
      }
      if (arg == "--requests") flags->requests = static_cast<int>(n);
      if (arg == "--concurrency") flags->concurrency = static_cast<int>(n);
      if (arg == "--seed") flags->seed = static_cast<uint64_t>(n);
      if (arg == "--timeout-ms") flags->timeout_ms = static_cast<int>(n);
      if (arg == "--max-p99-ms") flags->max_p99_ms = static_cast<int>(n);
    } else if (arg == "--write-share") {
      if (!need(&v)) return false;
      char* end = nullptr;
      const std::string copy(v);
      const double share = std::strtod(copy.c_str(), &end);
      if (*end != '\0' || copy.empty() || !(share >= 0 && share <= 1)) {
        err << "demo-traffic: --write-share '" << v << "' must be a number in 0..1\n";
        return false;
      }
      flags->write_share = share;
    } else {
      err << "demo-traffic: unknown flag '" << argv[i] << "' (see --help)\n";
      return false;
    }
  }
  if (!flags->help && flags->db.empty()) {
    err << "demo-traffic: --db CONNINFO is required (the services' database, for the proof)\n";
    return false;
  }
  return true;
}

}  // namespace demo_traffic
