// ServiceOptions: the demo services' command line (API.md, top).
//
//   --listen HOST:PORT       default 127.0.0.1:<default port>; port 0 picks a free port
//   --db CONNINFO            libpq conninfo (required)
//   --secret-env NAME        env variable with the rollback secret (SHADOWDIFF_ROLLBACK_SECRET)
//   --threads N              worker threads, each with its own DB connection (default 4)
//   --ignore-shadow-protocol TEST ONLY, when the service allows it (see API.md)
//   --help
#ifndef DEMO_SERVICES_COMMON_SERVICE_OPTIONS_H_
#define DEMO_SERVICES_COMMON_SERVICE_OPTIONS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "src/core/result.h"

namespace demo {

struct ServiceOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 0;
  std::string conninfo;
  std::string secret_env = "SHADOWDIFF_ROLLBACK_SECRET";
  int threads = 4;
  bool ignore_shadow_protocol = false;
  bool help = false;
};

struct CommandLineSpec {
  std::string_view program;  // for messages and --help
  uint16_t default_port;
  bool allow_ignore_shadow_protocol;
};

// Parses argv. Unknown flags, missing values and a missing --db are errors whose message says
// what to do.
shadowdiff::Result<ServiceOptions> ParseCommandLine(int argc, char** argv,
                                                    const CommandLineSpec& spec);

std::string Usage(const CommandLineSpec& spec);

}  // namespace demo

#endif  // DEMO_SERVICES_COMMON_SERVICE_OPTIONS_H_
