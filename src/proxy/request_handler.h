// RequestHandler: the seam between the edge (client sessions, which own client sockets and
// enforce the HTTP guard) and whatever answers a request (the fan-out in the proxy, a fake in
// tests).
//
// The edge calls Handle once per accepted request, strictly in order per connection: the next
// request on a connection is not read until Handle has returned. Handle runs on the
// connection's executor (one io_context thread); a handler shared by several I/O threads
// must be safe to call from all of them at once.
#ifndef SHADOWDIFF_PROXY_REQUEST_HANDLER_H_
#define SHADOWDIFF_PROXY_REQUEST_HANDLER_H_

#include <string>

#include <boost/asio/awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>

#include "src/core/exchange.h"

namespace shadowdiff {

// A request that passed the guard (http_guard.h), already sanitised.
struct InboundRequest {
  std::string method;     // as on the wire
  std::string target;     // request-target as on the request line
  unsigned version = 11;  // 10 or 11
  // Wire order, names as received. Hop-by-hop fields (incl. Transfer-Encoding and the
  // fields Connection names), `Expect` and every client-sent `Shadow-*` field are removed;
  // X-Forwarded-For and Forwarded are appended. The body is de-chunked and there is no
  // framing field for it except an original Content-Length: a sender must frame `body`
  // itself (Content-Length: body.size()). Chunked trailers are dropped.
  HeaderList headers;
  std::string body;  // complete (at most limits.max_request_body_bytes)
  // What the client asked for (HTTP/1.1: unless `Connection: close`; HTTP/1.0: only with
  // `Connection: keep-alive`). A response to a keep-alive HTTP/1.0 request must say
  // `Connection: keep-alive`; one that ends the connection should say `Connection: close`.
  bool keep_alive = true;
  std::string client_ip;  // the peer address, IPv4-mapped IPv6 shown as IPv4
};

struct HandlerResult {
  bool keep_alive = true;  // false: the edge closes the connection after this response
};

class RequestHandler {
 public:
  virtual ~RequestHandler() = default;

  // Must write exactly one complete HTTP response to `client` (or fail: then return
  // keep_alive=false). `client` stays owned by the edge; the handler may set its expiry
  // (`expires_after`) for its writes — the edge resets it before its next read. Must not
  // throw: report failure through the result.
  virtual boost::asio::awaitable<HandlerResult> Handle(InboundRequest& request,
                                                       boost::beast::tcp_stream& client) = 0;
};

}  // namespace shadowdiff

#endif  // SHADOWDIFF_PROXY_REQUEST_HANDLER_H_
