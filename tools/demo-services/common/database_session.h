// DatabaseSession: one worker thread's PostgreSQL connection, opened on first use and reopened
// after it broke. Not thread-safe: one per worker thread (the HTTP server gives each worker its
// own handler, which owns one of these).
#ifndef DEMO_SERVICES_COMMON_DATABASE_SESSION_H_
#define DEMO_SERVICES_COMMON_DATABASE_SESSION_H_

#include <optional>
#include <string>

#include "src/core/result.h"
#include "src/rollback/rollback.h"

namespace demo {

class DatabaseSession {
 public:
  explicit DatabaseSession(std::string conninfo) : conninfo_(std::move(conninfo)) {}

  // A healthy connection (reconnecting when the last one broke), or why there is none. The
  // pointer stays valid until the next Get() or Drop().
  shadowdiff::Result<shadowdiff::rollback::Connection*> Get();

  // Forgets the connection when it is broken, so that the next Get() reconnects.
  void DropIfBroken();

 private:
  std::string conninfo_;
  std::optional<shadowdiff::rollback::Connection> connection_;
};

}  // namespace demo

#endif  // DEMO_SERVICES_COMMON_DATABASE_SESSION_H_
