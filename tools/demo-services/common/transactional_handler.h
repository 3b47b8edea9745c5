// TransactionalHandler: the request pipeline both demo services share (API.md; SPEC.md,
// "Rollback protocol"). For every request, on its worker thread:
//
//   1. X-Request-Id: a fresh random id, also the body's "request_id";
//   2. rollback::Admit on the Shadow-* headers -> 401 on failure, with no database work;
//   3. RequestTransaction::Begin on the worker's connection (reconnecting once when it broke
//      while idle; 503 when the database is down);
//   4. routing (404 / 405 run inside the transaction too, so that a shadow call to any path
//      is confirmed) and the route handler, doing all SQL through the transaction;
//   5. Finish(status < 400): commit a successful live request, roll back everything else
//      (always in shadow mode), and add Finished::response_headers (Shadow-Rolled-Back).
//   A database error in a handler answers 500 and rolls back; a live request whose COMMIT
//   fails answers 500 instead of its success.
//
// `ignore_shadow_protocol` (TEST ONLY, new-customers --ignore-shadow-protocol) skips step 2:
// every request is live, commits, and is never confirmed as rolled back.
// One per worker thread (owns that thread's DatabaseSession); not thread-safe.
#ifndef DEMO_SERVICES_COMMON_TRANSACTIONAL_HANDLER_H_
#define DEMO_SERVICES_COMMON_TRANSACTIONAL_HANDLER_H_

#include <memory>
#include <string>
#include <string_view>

#include "src/rollback/rollback.h"
#include "tools/demo-services/common/database_session.h"
#include "tools/demo-services/common/json_reply.h"
#include "tools/demo-services/common/request_handler.h"
#include "tools/demo-services/common/router.h"

namespace demo {

struct PipelineOptions {
  std::string conninfo;
  shadowdiff::rollback::ServiceOptions rollback;
  ErrorShape error_shape = ErrorShape::kMessageString;
  bool ignore_shadow_protocol = false;
};

class TransactionalHandler : public RequestHandler {
 public:
  // `router` is shared by all workers and must outlive the handler.
  TransactionalHandler(const Router& router, PipelineOptions options);

  HttpResponse Handle(const HttpRequest& request) override;
  HttpResponse Reject(int status, std::string_view message) override;

 private:
  // BEGIN on the worker's connection, reconnecting once when it was found broken.
  shadowdiff::Result<std::unique_ptr<shadowdiff::rollback::RequestTransaction>> BeginTransaction(
      const shadowdiff::rollback::ShadowContext& shadow);
  HttpResponse HandleAdmitted(const HttpRequest& request,
                              const shadowdiff::rollback::ShadowContext& shadow,
                              std::string_view request_id);

  const Router& router_;
  PipelineOptions options_;
  DatabaseSession database_;
};

}  // namespace demo

#endif  // DEMO_SERVICES_COMMON_TRANSACTIONAL_HANDLER_H_
