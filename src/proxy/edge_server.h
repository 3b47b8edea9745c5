// EdgeServer: the client-facing side of the proxy — one Listener and one SessionContext per
// I/O thread, all on one port — with graceful drain. Whatever answers requests is plugged in
// through a RequestHandler per thread (the fan-out in the proxy, a fake in tests).
//
// Lifecycle (the caller's thread, never an I/O thread):
//   IoThreads io(n);  EdgeServer edge(io);
//   auto port = edge.Start(listen, options, factory);  io.Start();
//   ... edge.Drain(deadline);  io.Stop();  then destroy edge, the handlers' own resources,
//   and io, in that order.
// Drain requires the I/O threads to be running.
#ifndef SHADOWDIFF_PROXY_EDGE_SERVER_H_
#define SHADOWDIFF_PROXY_EDGE_SERVER_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "src/core/net_address.h"
#include "src/core/result.h"
#include "src/proxy/client_session.h"
#include "src/proxy/io_threads.h"
#include "src/proxy/listener.h"
#include "src/proxy/request_handler.h"

namespace shadowdiff {

// Makes the handler for I/O thread `thread_index` (its io_context is `context`). May return
// the same shared handler for every thread if that handler is thread-safe.
using HandlerFactory = std::function<std::shared_ptr<RequestHandler>(
    size_t thread_index, boost::asio::io_context& context)>;

class EdgeServer {
 public:
  explicit EdgeServer(IoThreads& threads);
  ~EdgeServer();  // stops accepting; call Drain (or IoThreads::Stop) first
  EdgeServer(const EdgeServer&) = delete;
  EdgeServer& operator=(const EdgeServer&) = delete;

  // Binds one listener per I/O thread on `listen` (a host name is resolved once; port 0
  // picks a free port, shared by all threads), creates the handlers and starts accepting
  // (as soon as the threads run). Returns the bound port. Call once.
  Result<uint16_t> Start(const HostPort& listen, const EdgeOptions& options,
                         const HandlerFactory& factory);

  // Graceful drain: stop accepting (new connections are refused), let each request in
  // flight finish (its connection closes after the response; idle keep-alive connections
  // close now), and when `deadline` passes force-close what is left. Blocks until no session
  // remains, or at most `deadline` plus a short grace for force-closed sessions to unwind.
  // Returns true when everything finished before the deadline.
  bool Drain(std::chrono::milliseconds deadline);

  uint16_t port() const { return port_; }
  // Snapshots over all threads; thread-safe.
  size_t sessions() const;
  size_t requests_in_flight() const;

 private:
  struct PerThread {
    std::shared_ptr<SessionContext> sessions;
    std::shared_ptr<RequestHandler> handler;
    std::shared_ptr<Listener> listener;
  };
  bool WaitForSessions(std::chrono::steady_clock::time_point until) const;

  IoThreads& threads_;
  std::vector<PerThread> per_thread_;
  uint16_t port_ = 0;
};

}  // namespace shadowdiff

#endif  // SHADOWDIFF_PROXY_EDGE_SERVER_H_
