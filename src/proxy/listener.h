// Listener: one accepting socket on one io_context. Every I/O thread has its own Listener on
// the same address with SO_REUSEPORT, so the kernel spreads connections across threads and
// each connection's session runs on the thread that accepted it.
//
// Thread-safety: Open is called before the context runs (or on its thread); Start and Stop
// must run on the context's thread (or before it runs); accepting() may be read anywhere.
#ifndef SHADOWDIFF_PROXY_LISTENER_H_
#define SHADOWDIFF_PROXY_LISTENER_H_

#include <atomic>
#include <cstdint>
#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "src/core/result.h"
#include "src/proxy/client_session.h"

namespace shadowdiff {

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(boost::asio::io_context& context, std::shared_ptr<SessionContext> sessions);

  // Opens, binds (SO_REUSEADDR + SO_REUSEPORT) and listens. Port 0 picks a free port; pass
  // the chosen port() to the other threads' listeners.
  Status Open(const boost::asio::ip::tcp::endpoint& endpoint);
  uint16_t port() const { return port_; }

  // Starts the accept loop: every accepted socket runs RunClientSession on this context.
  void Start();
  // Closes the socket: new connections to this listener are refused from now on. The accept
  // loop ends soon after (accepting() turns false).
  void Stop();
  bool accepting() const { return accepting_.load(std::memory_order_acquire); }

 private:
  boost::asio::awaitable<void> AcceptLoop();

  boost::asio::io_context& context_;
  boost::asio::ip::tcp::acceptor acceptor_;
  std::shared_ptr<SessionContext> sessions_;
  uint16_t port_ = 0;
  std::atomic<bool> accepting_{false};
};

}  // namespace shadowdiff

#endif  // SHADOWDIFF_PROXY_LISTENER_H_
