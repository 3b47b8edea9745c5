// shadowdiff proxy -c FILE: runs the proxy and its admin server until SIGTERM or SIGINT
// (graceful drain); SIGHUP reloads the config. Signals are taken synchronously by this
// thread (sigwait), so no handler runs inside the I/O threads.
#include <pthread.h>
#include <signal.h>

#include <ostream>

#include "src/cli/args.h"
#include "src/cli/commands.h"
#include "src/core/config_loader.h"
#include "src/io/log.h"
#include "src/proxy/proxy_server.h"

namespace shadowdiff::cli {
namespace {

const std::vector<FlagSpec>& ProxyFlags() {
  static const std::vector<FlagSpec> flags = {
      {"config", 'c', true, "FILE", "the endpoints.yaml to serve"},
      {"threads", 0, true, "N", "I/O threads (default: one per core)"},
      {"help", 'h', false, "", "show this help"},
  };
  return flags;
}

void PrintHelp(std::ostream& out) {
  out << "usage: shadowdiff proxy -c FILE [--threads N]\n\n"
         "Serves clients on `listen`, sends each request to the primary and a copy to the\n"
         "shadow, compares the answers, and publishes metrics on the admin server's /metrics.\n"
         "SIGHUP (or POST /api/reload) reloads FILE; a bad file is rejected and the running\n"
         "config kept. SIGTERM or SIGINT drains requests in flight and stops.\n"
         "Log lines are JSON on standard error.\n\noptions:\n"
      << FlagHelp(ProxyFlags());
}

}  // namespace

int RunProxy(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  auto parsed = ParseArgs(args, ProxyFlags());
  if (!parsed.ok()) {
    err << "shadowdiff proxy: " << parsed.error().message << "\n";
    return kExitError;
  }
  if (parsed->Has("help")) {
    PrintHelp(out);
    return kExitOk;
  }
  if (!parsed->positionals.empty()) {
    err << "shadowdiff proxy: unexpected argument `" << parsed->positionals.front()
        << "`; name the config with -c FILE\n";
    return kExitError;
  }
  auto path = parsed->Value("config");
  if (!path) {
    err << "shadowdiff proxy: which config? Use -c FILE (e.g. -c endpoints.yaml)\n";
    return kExitError;
  }
  ProxyServerOptions options;
  options.version = SHADOWDIFF_VERSION;
  if (auto threads = parsed->Value("threads")) {
    char* end = nullptr;
    long n = std::strtol(threads->c_str(), &end, 10);
    if (end == threads->c_str() || *end != '\0' || n < 1 || n > 256) {
      err << "shadowdiff proxy: --threads takes a number from 1 to 256, not `" << *threads << "`\n";
      return kExitError;
    }
    options.io_threads = static_cast<size_t>(n);
  }
  auto config = LoadConfigFile(*path);
  if (!config.ok()) {
    err << config.error().message << "\n" << *path << ": invalid; nothing started\n";
    return kExitFindings;
  }

  // Block the signals before any thread starts, so every thread inherits the mask and only
  // sigwait below sees them.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGHUP);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  auto server = ProxyServer::Start(*config, options);
  if (!server.ok()) {
    err << "shadowdiff proxy: " << server.error().message << "\n";
    return kExitFindings;
  }
  out << "shadowdiff proxy: listening on " << (*config)->listen.host << ":" << (*server)->port()
      << ", admin on " << (*server)->admin_address().ToString() << std::endl;

  for (;;) {
    int signal = 0;
    if (sigwait(&signals, &signal) != 0) continue;
    if (signal == SIGHUP) {
      log::Info("signal", {{"signal", "SIGHUP"}, {"action", "reload"}});
      (void)(*server)->Reload();  // logged and counted inside; the old config keeps serving
      continue;
    }
    log::Info("signal",
              {{"signal", signal == SIGTERM ? "SIGTERM" : "SIGINT"}, {"action", "drain"}});
    (*server)->Drain();
    return kExitOk;
  }
}

}  // namespace shadowdiff::cli
