#include "tools/demo-services/common/database_session.h"

#include "tools/demo-services/common/service_log.h"

namespace demo {

using shadowdiff::Result;
using shadowdiff::rollback::Connection;

Result<Connection*> DatabaseSession::Get() {
  DropIfBroken();
  if (!connection_) {
    auto opened = Connection::Open(conninfo_);
    if (!opened.ok()) return std::move(opened).error();
    connection_.emplace(std::move(opened).value());
  }
  return &*connection_;
}

void DatabaseSession::DropIfBroken() {
  if (connection_ && !connection_->healthy()) {
    LogLine("database connection broken: reconnecting on the next request");
    connection_.reset();
  }
}

}  // namespace demo
