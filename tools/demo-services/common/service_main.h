// RunService: the main() both demo services share — command line, rollback secret, schema,
// routes, HTTP server, "listening on HOST:PORT" on stdout, graceful stop on SIGTERM/SIGINT.
// Exit status: 0 after a clean stop, 1 when startup failed (database, schema, bind), 2 on a
// command-line error.
#ifndef DEMO_SERVICES_COMMON_SERVICE_MAIN_H_
#define DEMO_SERVICES_COMMON_SERVICE_MAIN_H_

#include <cstdint>
#include <functional>
#include <string_view>

#include "tools/demo-services/common/json_reply.h"
#include "tools/demo-services/common/router.h"

namespace demo {

struct ServiceDefinition {
  std::string_view name;  // "old-gateway", in logs and --help
  uint16_t default_port;
  ErrorShape error_shape;
  bool allow_ignore_shadow_protocol;  // offers the test-only --ignore-shadow-protocol
  std::function<void(Router&)> add_routes;
};

int RunService(int argc, char** argv, const ServiceDefinition& service);

}  // namespace demo

#endif  // DEMO_SERVICES_COMMON_SERVICE_MAIN_H_
