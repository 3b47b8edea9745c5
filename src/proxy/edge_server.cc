#include "src/proxy/edge_server.h"

#include <string>
#include <thread>

#include <boost/asio/ip/address.hpp>
#include <boost/asio/post.hpp>

#include "src/io/log.h"

namespace shadowdiff {

namespace asio = boost::asio;

namespace {

constexpr auto kPollInterval = std::chrono::milliseconds(5);
// After a force-close, how long sessions get to unwind (their handlers see the socket fail).
constexpr auto kForceCloseGrace = std::chrono::milliseconds(1000);

Result<asio::ip::tcp::endpoint> ResolveListen(asio::io_context& context, const HostPort& listen) {
  boost::system::error_code ec;
  asio::ip::address address = asio::ip::make_address(listen.host, ec);
  if (!ec) return asio::ip::tcp::endpoint(address, listen.port);
  asio::ip::tcp::resolver resolver(context);
  auto results = resolver.resolve(listen.host, std::to_string(listen.port),
                                  asio::ip::resolver_base::passive, ec);
  if (ec || results.empty()) {
    return Error{"cannot resolve listen address '" + listen.ToString() +
                 "': " + (ec ? ec.message() : std::string("no address")) +
                 "; use an IP address such as 127.0.0.1:8080"};
  }
  return results.begin()->endpoint();
}

}  // namespace

EdgeServer::EdgeServer(IoThreads& threads) : threads_(threads) {}

EdgeServer::~EdgeServer() {
  // The listeners' sockets belong to the contexts; closing them here is safe once the
  // threads are stopped or drained (then no accept loop touches them concurrently).
  for (auto& t : per_thread_) {
    if (t.listener) t.listener->Stop();
  }
}

Result<uint16_t> EdgeServer::Start(const HostPort& listen, const EdgeOptions& options,
                                   const HandlerFactory& factory) {
  Result<asio::ip::tcp::endpoint> endpoint = ResolveListen(threads_.context(0), listen);
  if (!endpoint.ok()) return endpoint.error();
  std::vector<PerThread> per_thread;
  for (size_t i = 0; i < threads_.size(); ++i) {
    asio::io_context& context = threads_.context(i);
    PerThread t;
    t.handler = factory(i, context);
    if (!t.handler) return Error{"no request handler for I/O thread " + std::to_string(i)};
    t.sessions = std::make_shared<SessionContext>();
    t.sessions->options = options;
    t.sessions->handler = t.handler.get();
    t.listener = std::make_shared<Listener>(context, t.sessions);
    // The first listener may pick the port; the others join it (SO_REUSEPORT).
    if (Status opened = t.listener->Open(*endpoint); !opened.ok()) return opened.error();
    if (i == 0) endpoint->port(t.listener->port());
    per_thread.push_back(std::move(t));
  }
  per_thread_ = std::move(per_thread);
  port_ = endpoint->port();
  for (auto& t : per_thread_) t.listener->Start();
  log::Info("edge_listening", {{"address", endpoint->address().to_string()},
                               {"port", std::to_string(port_)},
                               {"threads", std::to_string(threads_.size())}});
  return port_;
}

size_t EdgeServer::sessions() const {
  size_t total = 0;
  for (const auto& t : per_thread_) total += t.sessions->registry.sessions();
  return total;
}

size_t EdgeServer::requests_in_flight() const {
  size_t total = 0;
  for (const auto& t : per_thread_) total += t.sessions->registry.requests_in_flight();
  return total;
}

bool EdgeServer::WaitForSessions(std::chrono::steady_clock::time_point until) const {
  for (;;) {
    bool listening = false;
    for (const auto& t : per_thread_) listening = listening || t.listener->accepting();
    if (sessions() == 0 && !listening) return true;
    if (std::chrono::steady_clock::now() >= until) return false;
    std::this_thread::sleep_for(kPollInterval);
  }
}

bool EdgeServer::Drain(std::chrono::milliseconds deadline) {
  auto until = std::chrono::steady_clock::now() + deadline;
  log::Info("edge_draining", {{"sessions", std::to_string(sessions())},
                              {"deadline_ms", std::to_string(deadline.count())}});
  for (size_t i = 0; i < per_thread_.size(); ++i) {
    asio::post(threads_.context(i), [t = per_thread_[i]] {
      t.listener->Stop();
      t.sessions->registry.BeginDrain();
    });
  }
  if (WaitForSessions(until)) {
    log::Info("edge_drained");
    return true;
  }
  log::Warn("edge_drain_deadline", {{"sessions", std::to_string(sessions())}});
  for (size_t i = 0; i < per_thread_.size(); ++i) {
    asio::post(threads_.context(i), [t = per_thread_[i]] { t.sessions->registry.CloseAll(); });
  }
  WaitForSessions(std::chrono::steady_clock::now() + kForceCloseGrace);
  return false;
}

}  // namespace shadowdiff
