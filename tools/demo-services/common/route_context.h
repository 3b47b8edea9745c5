// RouteContext: what a route handler gets for one request — the request, its path parameters,
// the request's database transaction (rollback::RequestTransaction: all SQL goes through it,
// and it knows whether this is a shadow request), the response's request id and the service's
// error shape. A handler returns the response, or an Error when the database failed (the
// service answers 500 and rolls back).
#ifndef DEMO_SERVICES_COMMON_ROUTE_CONTEXT_H_
#define DEMO_SERVICES_COMMON_ROUTE_CONTEXT_H_

#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "src/core/result.h"
#include "src/rollback/rollback.h"
#include "tools/demo-services/common/http_message.h"
#include "tools/demo-services/common/json_reply.h"

namespace demo {

using PathParams = std::vector<std::pair<std::string, std::string>>;

struct RouteContext {
  const HttpRequest& request;
  const PathParams& params;
  shadowdiff::rollback::RequestTransaction& tx;
  std::string_view request_id;
  ErrorShape error_shape;

  // The value of path parameter `name` ("" when the template has none).
  std::string_view Param(std::string_view name) const {
    for (const auto& [key, value] : params) {
      if (key == name) return value;
    }
    return {};
  }
  HttpResponse Fail(int status, std::string_view message) const {
    return ErrorResponse(error_shape, status, message);
  }
  HttpResponse Succeed(int status, const std::function<void(JsonWriter&)>& members) const {
    return SuccessResponse(status, request_id, members);
  }
};

using RouteResult = shadowdiff::Result<HttpResponse>;
using RouteHandler = std::function<RouteResult(const RouteContext&)>;

}  // namespace demo

#endif  // DEMO_SERVICES_COMMON_ROUTE_CONTEXT_H_
