#include "tools/demo-services/common/transactional_handler.h"

#include <utility>

#include "tools/demo-services/common/ids.h"
#include "tools/demo-services/common/service_log.h"

namespace demo {

namespace rollback = shadowdiff::rollback;

TransactionalHandler::TransactionalHandler(const Router& router, PipelineOptions options)
    : router_(router), options_(std::move(options)), database_(options_.conninfo) {}

HttpResponse TransactionalHandler::Reject(int status, std::string_view message) {
  HttpResponse response = ErrorResponse(options_.error_shape, status, message);
  response.headers.emplace_back("X-Request-Id", NewRequestId());
  return response;
}

HttpResponse TransactionalHandler::Handle(const HttpRequest& request) {
  std::string request_id = NewRequestId();
  rollback::ShadowContext shadow;  // live
  if (!options_.ignore_shadow_protocol) {
    rollback::RequestView view{request.method, request.target,
                               [&request](std::string_view name) { return request.Header(name); }};
    auto admitted = rollback::Admit(view, options_.rollback);
    if (!admitted.ok()) {
      LogLine("refused a shadow request (401): " + admitted.error().message);
      HttpResponse response =
          ErrorResponse(options_.error_shape, rollback::kRejectStatus, admitted.error().message);
      response.headers.emplace_back("X-Request-Id", request_id);
      return response;
    }
    shadow = std::move(admitted).value();
  }
  HttpResponse response = HandleAdmitted(request, shadow, request_id);
  response.headers.emplace_back("X-Request-Id", std::move(request_id));
  return response;
}

shadowdiff::Result<std::unique_ptr<rollback::RequestTransaction>>
TransactionalHandler::BeginTransaction(const rollback::ShadowContext& shadow) {
  // A connection that broke while idle (e.g. the server restarted) fails at BEGIN, before any
  // of the request's work: reconnecting and beginning again once is safe.
  for (int attempt = 0;; ++attempt) {
    auto connection = database_.Get();
    if (!connection.ok()) return std::move(connection).error();
    auto begun = rollback::RequestTransaction::Begin(**connection, shadow, options_.rollback);
    if (begun.ok() || attempt == 1 || (*connection)->healthy()) return begun;
    LogLine("could not begin the request's transaction (" + begun.error().message +
            "): reconnecting once");
  }
}

HttpResponse TransactionalHandler::HandleAdmitted(const HttpRequest& request,
                                                  const rollback::ShadowContext& shadow,
                                                  std::string_view request_id) {
  auto begun = BeginTransaction(shadow);
  if (!begun.ok()) {
    LogLine("database unavailable: " + begun.error().message);
    return ErrorResponse(options_.error_shape, 503, "database unavailable");
  }
  rollback::RequestTransaction& tx = **begun;

  HttpResponse response;
  Router::Match match = router_.Find(request.method, request.Path());
  if (match.status == 404) {
    response = ErrorResponse(options_.error_shape, 404, "no such route");
  } else if (match.status == 405) {
    response = ErrorResponse(options_.error_shape, 405,
                             "method " + request.method + " not allowed; allowed: " + match.allow);
    response.headers.emplace_back("Allow", match.allow);
  } else {
    RouteContext context{request, match.params, tx, request_id, options_.error_shape};
    RouteResult routed = (*match.handler)(context);
    if (routed.ok()) {
      response = std::move(routed).value();
    } else {
      LogLine("database error on " + request.method + " " + std::string(request.Path()) + ": " +
              routed.error().message);
      response = ErrorResponse(options_.error_shape, 500, "database error");
    }
  }

  bool success = response.status < 400;
  rollback::Finished finished = tx.Finish(success);
  if (success && !tx.is_shadow() && !finished.committed) {
    LogLine("COMMIT failed on " + request.method + " " + std::string(request.Path()));
    response = ErrorResponse(options_.error_shape, 500, "database error");
  }
  for (auto& header : finished.response_headers) response.headers.push_back(std::move(header));
  begun.value().reset();  // the transaction borrows the connection: end it first
  database_.DropIfBroken();
  return response;
}

}  // namespace demo
