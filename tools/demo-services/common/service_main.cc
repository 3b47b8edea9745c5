#include "tools/demo-services/common/service_main.h"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>

#include "tools/demo-services/common/http_server.h"
#include "tools/demo-services/common/schema.h"
#include "tools/demo-services/common/service_log.h"
#include "tools/demo-services/common/service_options.h"
#include "tools/demo-services/common/transactional_handler.h"

namespace demo {

namespace rollback = shadowdiff::rollback;

int RunService(int argc, char** argv, const ServiceDefinition& service) {
  SetLogServiceName(service.name);
  std::signal(SIGPIPE, SIG_IGN);
  CommandLineSpec spec{service.name, service.default_port, service.allow_ignore_shadow_protocol};
  auto options = ParseCommandLine(argc, argv, spec);
  if (!options.ok()) {
    std::cerr << service.name << ": " << options.error().message << "\n";
    return 2;
  }
  if (options->help) {
    std::cout << Usage(spec);
    return 0;
  }

  PipelineOptions pipeline;
  pipeline.conninfo = options->conninfo;
  pipeline.error_shape = service.error_shape;
  pipeline.ignore_shadow_protocol = options->ignore_shadow_protocol;
  if (const char* secret = std::getenv(options->secret_env.c_str())) {
    pipeline.rollback.secret = secret;
  }
  if (pipeline.ignore_shadow_protocol) {
    LogLine(
        "WARNING: --ignore-shadow-protocol is set. TEST ONLY: every request is treated as live, "
        "shadow writes COMMIT and are never confirmed with Shadow-Rolled-Back. Never use this "
        "outside the proxy's trip test.");
  } else if (pipeline.rollback.secret.empty()) {
    LogLine("no rollback secret in $" + options->secret_env +
            ": Shadow-Signature is not checked (shadow requests are still rolled back)");
  }

  {
    auto connection = rollback::Connection::Open(options->conninfo);
    if (!connection.ok()) {
      LogLine("cannot connect to the database (--db): " + connection.error().message);
      return 1;
    }
    if (auto applied = ApplySchema(*connection); !applied.ok()) {
      LogLine(applied.error().message);
      return 1;
    }
  }

  auto router = std::make_shared<Router>();
  service.add_routes(*router);
  HttpServerOptions server_options;
  server_options.host = options->host;
  server_options.port = options->port;
  server_options.threads = options->threads;
  auto server = HttpServer::Bind(server_options, [&router, &pipeline] {
    return std::make_unique<TransactionalHandler>(*router, pipeline);
  });
  if (!server.ok()) {
    LogLine(server.error().message);
    return 1;
  }
  std::cout << "listening on " << (*server)->local_address() << std::endl;
  (*server)->Run();
  LogLine("stopped");
  return 0;
}

}  // namespace demo
