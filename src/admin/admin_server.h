// AdminServer: the operator-facing HTTP/1.1 server (/metrics, /healthz, /api/*, later the
// UI), on its own io_context and thread so that nothing it does — a slow scrape, a reload
// parsing a large file, a hostile client — touches the proxy's I/O threads.
//
// It parses requests with Beast (keep-alive, no pipelining beyond what Beast reads in order)
// and hands each one to an AdminRouter, which decides the response. It is an HTTP server
// exposed to whoever can reach `listen`, so it is bounded: request heads and bodies are
// capped (431 / 413, then close), a whole request must arrive within `read_timeout` (also the
// keep-alive idle limit), a response must drain within `write_timeout`, and at most
// `max_connections` connections are served at once (more are closed on accept). Malformed
// requests get 400 and are closed. No TLS: bind it to loopback (the default) or put it
// behind something that terminates TLS; Start() logs a warning when it is not on loopback.
//
// Ownership: owns its router, io_context and thread. Thread-safety: Start/Stop/the destructor
// from one thread (the owner); local_address() from any thread after Start().
#ifndef SHADOWDIFF_ADMIN_ADMIN_SERVER_H_
#define SHADOWDIFF_ADMIN_ADMIN_SERVER_H_

#include <chrono>
#include <cstdint>
#include <memory>

#include "src/admin/admin_router.h"
#include "src/core/net_address.h"
#include "src/core/result.h"

namespace shadowdiff {

struct AdminServerOptions {
  HostPort listen{"127.0.0.1", 9901};  // port 0: any free port (tests)
  uint32_t max_header_bytes = 16 << 10;
  uint64_t max_body_bytes = 1 << 20;
  std::chrono::milliseconds read_timeout{10000};
  std::chrono::milliseconds write_timeout{10000};
  uint32_t max_connections = 64;
};

class AdminServer {
 public:
  AdminServer(AdminServerOptions options, AdminRouter router);
  ~AdminServer();  // Stop()s
  AdminServer(const AdminServer&) = delete;
  AdminServer& operator=(const AdminServer&) = delete;

  // Resolves and binds `options.listen`, then serves on a new thread. Errors (address in
  // use, unresolvable host, permission) name the address and what to do; nothing is left
  // running after one. Call at most once.
  Status Start();

  // Closes the listener and every connection and joins the thread; requests being handled
  // finish first. Idempotent.
  void Stop();

  // The bound address (with the real port when options.listen.port was 0). Requires a
  // successful Start().
  HostPort local_address() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace shadowdiff

#endif  // SHADOWDIFF_ADMIN_ADMIN_SERVER_H_
