// HttpServer: the demo services' small HTTP/1.1 server on Boost.Beast.
//
// One acceptor, on the thread that calls Run(), hands connections round-robin to N worker
// threads. Each worker runs its own single-threaded io_context and owns one RequestHandler
// (made by the factory), so all requests of a connection are handled on one thread, one at a
// time, and a handler may block (libpq): a slow request delays the other connections of the
// same worker, never those of other workers. Limits, all answered in the service's error
// shape before the handler runs: request body over `body_limit` -> 413, head over
// `header_limit` -> 431, malformed request -> 400 (each closes the connection).
// Keep-alive, Expect: 100-continue, and timeouts for an idle keep-alive connection, the
// request head, the request body and the response write (the connection is closed).
//
// Run() returns after SIGTERM/SIGINT or Stop(): it stops accepting, closes idle connections,
// lets in-flight requests finish and answer (with Connection: close), and abandons whatever is
// left after `drain_timeout`. Stop() is thread-safe; everything else belongs to the thread that
// called Bind(). Exceptions (Beast/Asio may throw on socket errors) are caught per connection.
#ifndef DEMO_SERVICES_COMMON_HTTP_SERVER_H_
#define DEMO_SERVICES_COMMON_HTTP_SERVER_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include "src/core/result.h"
#include "tools/demo-services/common/request_handler.h"

namespace demo {

struct HttpServerOptions {
  std::string host = "127.0.0.1";  // an IP address
  uint16_t port = 0;               // 0: a free port (see HttpServer::port)
  int threads = 4;
  size_t body_limit = size_t{1024} * 1024;
  size_t header_limit = size_t{16} * 1024;
  std::chrono::seconds idle_timeout{60};  // keep-alive connection waiting for its next request
  std::chrono::seconds header_timeout{10};
  std::chrono::seconds body_timeout{30};
  std::chrono::seconds write_timeout{30};
  std::chrono::seconds drain_timeout{10};
};

class HttpServer {
 public:
  // Binds and listens (connections queue in the kernel until Run). Creates the handlers.
  static shadowdiff::Result<std::unique_ptr<HttpServer>> Bind(const HttpServerOptions& options,
                                                              const RequestHandlerFactory& factory);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // The bound address, e.g. "127.0.0.1:43127".
  std::string local_address() const;

  // Serves until SIGTERM/SIGINT or Stop(), then drains (see the file comment).
  void Run();
  // Asks Run() to stop. Thread-safe; may be called before or during Run().
  void Stop();

 private:
  struct Impl;
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace demo

#endif  // DEMO_SERVICES_COMMON_HTTP_SERVER_H_
