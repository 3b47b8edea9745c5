// The command line of demo-traffic: --proxy --admin --db --requests --concurrency
// --write-share --seed [--serve] [--timeout-ms MS] [--examples FILE] [--customers-only]
// [--max-p99-ms MS].
#ifndef SHADOWDIFF_DEMO_TRAFFIC_FLAGS_H_
#define SHADOWDIFF_DEMO_TRAFFIC_FLAGS_H_

#include <cstdint>
#include <iosfwd>
#include <string>

namespace demo_traffic {

struct Flags {
  std::string proxy = "127.0.0.1:8080";
  std::string admin = "127.0.0.1:9901";
  std::string db;  // libpq conninfo of the services' database
  int requests = 300;
  int concurrency = 4;
  double write_share = 0.3;  // share of requests that write
  uint64_t seed = 1;
  bool serve = false;      // after the run, gentle live traffic until SIGINT/SIGTERM
  int timeout_ms = 10000;  // bound of every network wait
  std::string examples = "var/mismatches.jsonl";  // shown under "where to look next"
  bool customers_only = false;  // only the customers endpoints (the shadowed ones)
  int max_p99_ms = 0;           // when > 0: FAIL when the p99 latency is above it
  bool help = false;
};

// Parses argv; on error writes a message naming the flag to `err` and returns false.
bool ParseFlags(int argc, char** argv, Flags* flags, std::ostream& err);

extern const char kUsage[];

}  // namespace demo_traffic

#endif  // SHADOWDIFF_DEMO_TRAFFIC_FLAGS_H_
