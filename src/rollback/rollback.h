// shadowdiff_rollback: the service side of the rollback protocol (SPEC.md, "Rollback
// protocol"; docs/ROLLBACK.md), for C++ services on PostgreSQL (libpq).
//
// A service calls, for every HTTP request it handles:
//
//   auto shadow = rollback::Admit(request_view, options);       // verify Shadow-* headers
//   if (!shadow.ok()) -> answer 401 with shadow.error().message; do no work
//   auto tx = rollback::RequestTransaction::Begin(connection, *shadow, options);
//   ... handler: tx->Exec(...), tx->Nest() for inner units of work,
//       tx->is_rollback() to skip card networks, e-mail, queues ...
//   auto end = tx->Finish(handler_succeeded);
//   add end.response_headers to the response (Shadow-Rolled-Back: <id>)
//
// Guarantees, in shadow mode (Shadow-Mode: compare or rollback):
//   * the whole request runs in one database transaction, which is always rolled back;
//   * nothing can commit it: Exec runs exactly one statement per call (extended protocol)
//     and refuses transaction control (BEGIN, START, COMMIT, END, ROLLBACK, ABORT, SAVEPOINT,
//     RELEASE, PREPARE TRANSACTION, COMMIT/ROLLBACK PREPARED); PostgreSQL itself refuses
//     COMMIT inside procedures and DO blocks run in a transaction block;
//   * the confirmation header is produced only when the rollback provably ended the very
//     transaction that Begin opened (a transaction-local marker set at Begin is checked
//     just before ROLLBACK); otherwise the proxy sees no confirmation and trips the endpoint.
//     A transaction aborted by a failed statement cannot run the check, so Begin also takes
//     a savepoint (shadowdiff_request) after setting the marker, and Finish first rolls back
//     to it: that savepoint exists only in Begin's transaction, and afterwards the marker
//     can be read. A failing handler is therefore still confirmed.
// Limits (what a rollback cannot undo): sequence increments (nextval), session-level
// advisory locks, prepared statements and anything outside PostgreSQL (the handler must
// skip those when is_rollback()). Statements sent on the connection by other means than
// Exec (e.g. PQexec on connection.get()) bypass the guard; the marker check catches a
// transaction ended that way, but not the damage: the proxy trips the endpoint.
// Outside shadow mode the same transaction commits in Finish(true) and rolls back otherwise,
// so a service has one code path for live and shadow traffic.
//
// Ownership: RequestTransaction borrows the connection for its lifetime (the caller keeps
// it open and uses it for nothing else meanwhile). Not thread-safe; one per request.
// No exceptions; errors are values whose message says what failed and what to do.
#ifndef SHADOWDIFF_ROLLBACK_ROLLBACK_H_
#define SHADOWDIFF_ROLLBACK_ROLLBACK_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "src/core/result.h"
#include "src/rollback/protocol.h"

struct pg_conn;    // libpq's PGconn
struct pg_result;  // libpq's PGresult

namespace shadowdiff::rollback {

// ---- admission: the Shadow-* headers of one request -------------------------------------

// What the library needs to know about an incoming request, independent of the HTTP stack.
struct RequestView {
  std::string_view method;  // as on the request line
  std::string_view target;  // request-target exactly as on the request line
  // The value of a header by case-insensitive name, or nullopt when absent.
  std::function<std::optional<std::string_view>(std::string_view name)> header;
};

struct ServiceOptions {
  // HMAC key shared with the proxy (its rollback.secret_env). When empty, signatures are not
  // checked; shadow requests are still honoured, since rolling back is the safe direction.
  std::string secret;
  int64_t tolerance_seconds = 300;
  // Clock for signature freshness; defaults to the system clock. Tests inject one.
  std::function<int64_t()> now_unix_seconds;
  // In shadow mode the transaction holds locks that live requests may wait on: bound them.
  // Applied with SET LOCAL at Begin; 0 leaves the server's setting.
  int shadow_lock_timeout_ms = 1000;
  int shadow_statement_timeout_ms = 5000;
};

enum class ShadowMode { kNone, kCompare, kRollback };

// The verified shadow status of one request.
class ShadowContext {
 public:
  ShadowContext() = default;  // a live (non-shadow) request
  ShadowContext(ShadowMode mode, std::string shadow_id)
      : mode_(mode), shadow_id_(std::move(shadow_id)) {}

  bool is_shadow() const { return mode_ != ShadowMode::kNone; }
  bool is_rollback() const { return mode_ == ShadowMode::kRollback; }
  ShadowMode mode() const { return mode_; }
  const std::string& shadow_id() const { return shadow_id_; }

 private:
  ShadowMode mode_ = ShadowMode::kNone;
  std::string shadow_id_;
};

// Reads and verifies the request's Shadow-* headers. A request without any is live.
// Errors (answer 401, do no work): a Shadow-Id or Shadow-Signature without Shadow-Mode (the
// proxy never sends that: someone is probing), whether or not a secret is configured; an
// unknown Shadow-Mode (exactly "compare" or "rollback"); Shadow-Mode without Shadow-Id; a
// Shadow-Id that is not 1-200 visible ASCII characters (it is echoed in a response header);
// and, with a secret configured, a missing, malformed, stale or non-matching
// Shadow-Signature. Without a secret a present Shadow-Signature is ignored.
// `request.header` is called with the names of protocol.h; thread-safe.
Result<ShadowContext> Admit(const RequestView& request, const ServiceOptions& options);

inline constexpr int kRejectStatus = 401;

// ---- libpq wrappers -----------------------------------------------------------------------

// Owns a PGconn (closed on destruction). Movable; a moved-from Connection is empty and
// not healthy(). Not thread-safe.
class Connection {
 public:
  // Connects with a libpq conninfo string ("host=... port=... dbname=...").
  static Result<Connection> Open(const std::string& conninfo);
  Connection(Connection&&) noexcept;
  Connection& operator=(Connection&&) noexcept;
  ~Connection();

  pg_conn* get() const { return conn_; }
  // False after a broken connection; the caller reconnects.
  bool healthy() const;

 private:
  explicit Connection(pg_conn* conn) : conn_(conn) {}
  pg_conn* conn_ = nullptr;
};

// Owns a PGresult of a successful statement. Values are text (libpq's text format).
// Movable; a moved-from Rows is empty.
class Rows {
 public:
  Rows(Rows&&) noexcept;
  Rows& operator=(Rows&&) noexcept;
  ~Rows();

  int size() const;      // rows returned
  int columns() const;   // columns per row
  int affected() const;  // rows changed by INSERT/UPDATE/DELETE, or SELECTed (PQcmdTuples)
  // A cell out of range reads as NULL. The view lives as long as this Rows.
  bool is_null(int row, int column) const;
  std::string_view get(int row, int column) const;  // "" for NULL
  // Column by exact name (no case folding); -1 when absent.
  int column(std::string_view name) const;

 private:
  friend class RequestTransaction;
  explicit Rows(pg_result* result) : result_(result) {}
  pg_result* result_ = nullptr;
};

// A statement parameter: text, or nullopt for SQL NULL.
using Param = std::optional<std::string>;

// ---- the request's transaction ------------------------------------------------------------

class RequestTransaction;

// A nested unit of work: a SAVEPOINT. Commit() releases it (its work becomes part of the
// request's transaction, which in shadow mode is still rolled back at the end); destruction
// without Commit() rolls back to the savepoint (also after a failed statement inside it,
// which makes the request's transaction usable again). Must be destroyed before its
// RequestTransaction, and nested units must end innermost first (as scopes do). After the
// request's Finish, destruction does nothing.
class Nested {
 public:
  Nested(Nested&&) noexcept;
  Nested& operator=(Nested&&) = delete;
  ~Nested();
  Status Commit();

 private:
  friend class RequestTransaction;
  Nested(RequestTransaction* owner, std::string name) : owner_(owner), name_(std::move(name)) {}
  RequestTransaction* owner_ = nullptr;
  std::string name_;
  bool done_ = false;
};

// How the request ended.
struct Finished {
  bool committed = false;    // live request, handler succeeded, COMMIT succeeded
  bool rolled_back = false;  // the transaction was rolled back (always, in shadow mode)
  // Headers to add to the response: {"Shadow-Rolled-Back", <Shadow-Id>} when a shadow
  // request's transaction provably rolled back; empty otherwise.
  std::vector<std::pair<std::string, std::string>> response_headers;
  // Empty when the request ended as asked (a live Finish(false) rolling back is as asked);
  // otherwise what went wrong, for the service's log: a failed or refused COMMIT, an
  // unconfirmed shadow rollback and why, a second Finish.
  std::string error;
};

class RequestTransaction {
 public:
  // BEGINs the request's transaction on `connection` (borrowed; it must not be inside a
  // transaction already). In shadow mode also sets the transaction-local marker and the
  // lock/statement timeouts of `options`, and takes the request savepoint.
  static Result<std::unique_ptr<RequestTransaction>> Begin(Connection& connection,
                                                           const ShadowContext& shadow,
                                                           const ServiceOptions& options);
  RequestTransaction(const RequestTransaction&) = delete;
  RequestTransaction& operator=(const RequestTransaction&) = delete;
  // Rolls back if Finish was not called.
  ~RequestTransaction();

  bool is_shadow() const { return shadow_.is_shadow(); }
  bool is_rollback() const { return shadow_.is_rollback(); }
  const ShadowContext& shadow() const { return shadow_; }

  // Runs exactly one SQL statement with $1..$n text parameters. Refuses transaction-control
  // statements (see the file comment) without sending them, NUL bytes, and COPY FROM STDIN /
  // TO STDOUT (the COPY is aborted or its output discarded). A failed statement leaves the
  // transaction aborted until the enclosing Nested (if any) rolls back, as in PostgreSQL.
  // The error message includes PostgreSQL's.
  Result<Rows> Exec(std::string_view sql, const std::vector<Param>& params = {});

  // Opens a nested unit of work (SAVEPOINT).
  Result<Nested> Nest();

  // Ends the request (see Finished). Live: COMMIT when `success`, else ROLLBACK. Shadow:
  // always ROLLBACK, confirmed only when proven (see the file comment). Call once; later
  // calls return a Finished with only `error` set, and Exec and Nest fail.
  Finished Finish(bool success);

 private:
  friend class Nested;
  RequestTransaction(pg_conn* conn, ShadowContext shadow)
      : conn_(conn), shadow_(std::move(shadow)) {}
  Status Simple(const std::string& sql);  // internal statements (savepoints, begin, end)

  pg_conn* conn_;
  ShadowContext shadow_;
  std::string marker_;
  int next_savepoint_ = 0;
  bool finished_ = false;
};

// Exposed for tests and for services that run SQL through other means: the first keyword of
// `sql` (after whitespace, `--` and nested `/* */` comments and empty `;` statements,
// ASCII case-insensitive) names a transaction-control statement: BEGIN, START, COMMIT, END,
// ROLLBACK, ABORT, SAVEPOINT, RELEASE, or PREPARE followed by TRANSACTION.
bool IsTransactionControl(std::string_view sql);

}  // namespace shadowdiff::rollback

#endif  // SHADOWDIFF_ROLLBACK_ROLLBACK_H_
