// RequestHandler: what the HTTP server calls for each request. The server creates one handler
// per worker thread (through a factory) and calls it only from that thread, so a handler may
// keep per-thread state such as its database connection without locking.
#ifndef DEMO_SERVICES_COMMON_REQUEST_HANDLER_H_
#define DEMO_SERVICES_COMMON_REQUEST_HANDLER_H_

#include <functional>
#include <memory>
#include <string_view>

#include "tools/demo-services/common/http_message.h"

namespace demo {

class RequestHandler {
 public:
  virtual ~RequestHandler() = default;
  // Answers one complete request. Must not throw (the server turns an escaped exception into
  // a 500, but handlers should not rely on that).
  virtual HttpResponse Handle(const HttpRequest& request) = 0;
  // The answer to a request the server refused before it reached Handle (malformed, body
  // over the limit, headers too large), in the service's error shape.
  virtual HttpResponse Reject(int status, std::string_view message) = 0;
};

// Called once per worker thread, on the thread that starts the server.
using RequestHandlerFactory = std::function<std::unique_ptr<RequestHandler>()>;

}  // namespace demo

#endif  // DEMO_SERVICES_COMMON_REQUEST_HANDLER_H_
