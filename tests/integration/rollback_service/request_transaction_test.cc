// RequestTransaction, Nested, Connection and Rows against a real PostgreSQL (the ctest
// cluster; a fresh database per suite and a fresh schema per test,
// tests/support/test_database.h).
//
// Visibility is always checked from a second session (TestDatabase's observer), both while
// a request is open and after Finish. Every wait is bounded by a server-side timeout.
#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "src/rollback/protocol.h"
#include "src/rollback/rollback.h"
#include "tests/support/test_database.h"

namespace shadowdiff::rollback {
namespace {

using test::TestDatabase;
using Headers = std::vector<std::pair<std::string, std::string>>;

constexpr char kSchema[] = R"sql(
  CREATE TABLE items (id serial PRIMARY KEY, name text NOT NULL UNIQUE);
  -- A procedure and a DO block that try to commit from inside the request's transaction.
  CREATE PROCEDURE insert_and_commit(item text) LANGUAGE plpgsql AS $$
  BEGIN
    INSERT INTO items (name) VALUES (item);
    COMMIT;
  END $$;
  CREATE PROCEDURE insert_and_rollback(item text) LANGUAGE plpgsql AS $$
  BEGIN
    INSERT INTO items (name) VALUES (item);
    ROLLBACK;
  END $$;
)sql";

ShadowContext Rollback(std::string id = "shadow-1") {
  return ShadowContext(ShadowMode::kRollback, std::move(id));
}
ShadowContext Compare(std::string id = "shadow-1") {
  return ShadowContext(ShadowMode::kCompare, std::move(id));
}
ShadowContext Live() { return ShadowContext(); }

Headers Confirmation(const std::string& id) { return {{std::string(kRolledBackHeader), id}}; }

// Runs a statement directly on the connection, behind the library's back.
ExecStatusType RawExec(Connection& connection, const char* sql) {
  PGresult* result = PQexec(connection.get(), sql);
  ExecStatusType status = PQresultStatus(result);
  PQclear(result);
  return status;
}

// One database per test suite (creating one takes about a second on a busy machine); every
// test starts from a freshly created schema in it.
class RequestTransactionTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto db = TestDatabase::Create("request_transaction");
    if (db.ok()) {
      suite_db_ = new TestDatabase(std::move(*db));
    } else {
      suite_db_error_ = new std::string(db.error().message);
    }
  }
  static void TearDownTestSuite() {
    delete suite_db_;
    suite_db_ = nullptr;
    delete suite_db_error_;
    suite_db_error_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(suite_db_, nullptr) << (suite_db_error_ ? *suite_db_error_ : "no database");
    db_ = suite_db_;
    Status schema =
        db_->Execute(std::string("DROP SCHEMA public CASCADE; CREATE SCHEMA public;") + kSchema);
    ASSERT_TRUE(schema.ok()) << schema.error().message;
    auto connection = Connection::Open(db_->conninfo());
    ASSERT_TRUE(connection.ok()) << connection.error().message;
    connection_.emplace(std::move(*connection));
  }

  // Begins a request on the test's connection; fails the test when Begin fails.
  std::unique_ptr<RequestTransaction> Begin(const ShadowContext& shadow,
                                            const ServiceOptions& options = ServiceOptions()) {
    auto tx = RequestTransaction::Begin(*connection_, shadow, options);
    EXPECT_TRUE(tx.ok()) << tx.error().message;
    return tx.ok() ? std::move(*tx) : nullptr;
  }

  // Seen from the observer: a second session.
  std::string ObservedScalar(const std::string& sql) {
    auto value = db_->Scalar(sql);
    return value.ok() ? *value : "error: " + value.error().message;
  }
  std::string ObservedCount() { return ObservedScalar("SELECT count(*) FROM items"); }
  std::string ObservedNames() {
    return ObservedScalar("SELECT coalesce(string_agg(name, ',' ORDER BY name), '') FROM items");
  }

  static std::string Insert(RequestTransaction& tx, const std::string& name) {
    auto inserted = tx.Exec("INSERT INTO items (name) VALUES ($1)", {name});
    if (!inserted.ok()) return inserted.error().message;
    return inserted->affected() == 1 ? "" : "affected " + std::to_string(inserted->affected());
  }
  // Seen from inside the request.
  static std::string CountInside(RequestTransaction& tx) {
    auto rows = tx.Exec("SELECT count(*) FROM items");
    if (!rows.ok()) return "error: " + rows.error().message;
    return std::string(rows->get(0, 0));
  }

  static inline TestDatabase* suite_db_ = nullptr;
  static inline std::string* suite_db_error_ = nullptr;
  TestDatabase* db_ = nullptr;            // suite_db_
  std::optional<Connection> connection_;  // closed at the end of each test
};

// ---- shadow requests roll back and confirm --------------------------------------------------

TEST_F(RequestTransactionTest, RollbackModeLeavesNoRowsAndConfirmsEveryRequest) {
  for (int i = 0; i < 5; ++i) {
    const std::string id = "req-" + std::to_string(i);
    auto tx = Begin(Rollback(id));
    ASSERT_NE(tx, nullptr);
    EXPECT_TRUE(tx->is_shadow());
    EXPECT_TRUE(tx->is_rollback());
    EXPECT_EQ(Insert(*tx, "item-" + std::to_string(i)), "");
    EXPECT_EQ(Insert(*tx, "other-" + std::to_string(i)), "");
    EXPECT_EQ(CountInside(*tx), "2");  // the request sees its own work
    EXPECT_EQ(ObservedCount(), "0");   // nobody else does
    Finished end = tx->Finish(true);
    EXPECT_FALSE(end.committed);
    EXPECT_TRUE(end.rolled_back);
    EXPECT_EQ(end.response_headers, Confirmation(id));
    EXPECT_EQ(end.error, "");
    EXPECT_EQ(ObservedCount(), "0");
  }
  EXPECT_EQ(PQtransactionStatus(connection_->get()), PQTRANS_IDLE);
}

TEST_F(RequestTransactionTest, CompareModeAlsoRollsBackAndConfirms) {
  auto tx = Begin(Compare("cmp-1"));
  ASSERT_NE(tx, nullptr);
  EXPECT_TRUE(tx->is_shadow());
  EXPECT_FALSE(tx->is_rollback());
  EXPECT_EQ(Insert(*tx, "a"), "");
  Finished end = tx->Finish(true);
  EXPECT_FALSE(end.committed);
  EXPECT_TRUE(end.rolled_back);
  EXPECT_EQ(end.response_headers, Confirmation("cmp-1"));
  EXPECT_EQ(ObservedCount(), "0");
}

TEST_F(RequestTransactionTest, FailingHandlerInRollbackModeStillRollsBackAndConfirms) {
  auto tx = Begin(Rollback("failing"));
  ASSERT_NE(tx, nullptr);
  EXPECT_EQ(Insert(*tx, "a"), "");
  // A statement error mid-request: the transaction is aborted from here on.
  std::string duplicate = Insert(*tx, "a");
  EXPECT_NE(duplicate.find("duplicate key"), std::string::npos) << duplicate;
  auto after = tx->Exec("SELECT 1");
  ASSERT_FALSE(after.ok());
  EXPECT_NE(after.error().message.find("current transaction is aborted"), std::string::npos)
      << after.error().message;
  EXPECT_EQ(PQtransactionStatus(connection_->get()), PQTRANS_INERROR);
  Finished end = tx->Finish(false);
  EXPECT_TRUE(end.rolled_back);
  EXPECT_EQ(end.response_headers, Confirmation("failing"));
  EXPECT_EQ(end.error, "");
  EXPECT_EQ(ObservedCount(), "0");
  EXPECT_EQ(PQtransactionStatus(connection_->get()), PQTRANS_IDLE);
}

// ---- live requests commit or roll back ----------------------------------------------------

TEST_F(RequestTransactionTest, LiveModeCommitsOnSuccess) {
  auto tx = Begin(Live());
  ASSERT_NE(tx, nullptr);
  EXPECT_FALSE(tx->is_shadow());
  EXPECT_EQ(Insert(*tx, "a"), "");
  EXPECT_EQ(Insert(*tx, "b"), "");
  EXPECT_EQ(ObservedCount(), "0");  // not yet committed
  Finished end = tx->Finish(true);
  EXPECT_TRUE(end.committed);
  EXPECT_FALSE(end.rolled_back);
  EXPECT_TRUE(end.response_headers.empty());
  EXPECT_EQ(end.error, "");
  EXPECT_EQ(ObservedNames(), "a,b");
}

TEST_F(RequestTransactionTest, LiveModeRollsBackOnFailure) {
  auto tx = Begin(Live());
  ASSERT_NE(tx, nullptr);
  EXPECT_EQ(Insert(*tx, "a"), "");
  Finished end = tx->Finish(false);
  EXPECT_FALSE(end.committed);
  EXPECT_TRUE(end.rolled_back);
  EXPECT_TRUE(end.response_headers.empty());
  EXPECT_EQ(end.error, "");
  EXPECT_EQ(ObservedCount(), "0");
}

// COMMIT of an aborted transaction succeeds as a command but answers ROLLBACK.
TEST_F(RequestTransactionTest, LiveCommitOfAnAbortedTransactionReportsTheRollback) {
  auto tx = Begin(Live());
  ASSERT_NE(tx, nullptr);
  EXPECT_EQ(Insert(*tx, "a"), "");
  EXPECT_FALSE(tx->Exec("SELECT 1/0").ok());
  Finished end = tx->Finish(true);
  EXPECT_FALSE(end.committed);
  EXPECT_TRUE(end.rolled_back);
  EXPECT_NE(end.error.find("aborted"), std::string::npos) << end.error;
  EXPECT_EQ(ObservedCount(), "0");
}

TEST_F(RequestTransactionTest, LiveCommitThatFailsIsReported) {
  ASSERT_TRUE(
      db_->Execute("CREATE TABLE deferred (x int UNIQUE DEFERRABLE INITIALLY DEFERRED)").ok());
  auto tx = Begin(Live());
  ASSERT_NE(tx, nullptr);
  ASSERT_TRUE(tx->Exec("INSERT INTO deferred VALUES (1), (1)").ok());  // checked at COMMIT
  Finished end = tx->Finish(true);
  EXPECT_FALSE(end.committed);
  EXPECT_TRUE(end.rolled_back);
  EXPECT_NE(end.error.find("COMMIT failed"), std::string::npos) << end.error;
  EXPECT_NE(end.error.find("duplicate key"), std::string::npos) << end.error;
  EXPECT_EQ(ObservedScalar("SELECT count(*) FROM deferred"), "0");
}

// ---- nested units of work ------------------------------------------------------------------

TEST_F(RequestTransactionTest, CommittedNestedWorkIsVisibleInTheRequestAndGoneAfterRollback) {
  auto tx = Begin(Rollback("nested"));
  ASSERT_NE(tx, nullptr);
  EXPECT_EQ(Insert(*tx, "outer"), "");
  {
    auto nested = tx->Nest();
    ASSERT_TRUE(nested.ok()) << nested.error().message;
    EXPECT_EQ(Insert(*tx, "inner"), "");
    Status committed = nested->Commit();
    EXPECT_TRUE(committed.ok()) << committed.error().message;
  }
  EXPECT_EQ(CountInside(*tx), "2");
  EXPECT_EQ(ObservedCount(), "0");
  Finished end = tx->Finish(true);
  EXPECT_EQ(end.response_headers, Confirmation("nested"));
  EXPECT_EQ(ObservedCount(), "0");
}

TEST_F(RequestTransactionTest, UncommittedNestedRollsBackOnlyItsPart) {
  for (const ShadowContext& shadow : {Live(), Rollback("partial")}) {
    SCOPED_TRACE(shadow.is_shadow() ? "rollback" : "live");
    auto tx = Begin(shadow);
    ASSERT_NE(tx, nullptr);
    EXPECT_EQ(Insert(*tx, "kept"), "");
    {
      auto nested = tx->Nest();
      ASSERT_TRUE(nested.ok()) << nested.error().message;
      EXPECT_EQ(Insert(*tx, "dropped"), "");
      EXPECT_EQ(CountInside(*tx), "2");
    }  // no Commit: back to the savepoint
    auto names = tx->Exec("SELECT string_agg(name, ',') FROM items");
    ASSERT_TRUE(names.ok()) << names.error().message;
    EXPECT_EQ(names->get(0, 0), "kept");
    Finished end = tx->Finish(true);
    if (shadow.is_shadow()) {
      EXPECT_EQ(end.response_headers, Confirmation("partial"));
      EXPECT_EQ(ObservedCount(), "0");
    } else {
      EXPECT_TRUE(end.committed);
      EXPECT_EQ(ObservedNames(), "kept");
      ASSERT_TRUE(db_->Execute("DELETE FROM items").ok());
    }
  }
}

TEST_F(RequestTransactionTest, UncommittedNestedRecoversFromAFailedStatement) {
  auto tx = Begin(Live());
  ASSERT_NE(tx, nullptr);
  EXPECT_EQ(Insert(*tx, "a"), "");
  {
    auto nested = tx->Nest();
    ASSERT_TRUE(nested.ok()) << nested.error().message;
    EXPECT_EQ(Insert(*tx, "b"), "");
    EXPECT_FALSE(tx->Exec("SELECT 1/0").ok());
    Status committed = nested->Commit();  // the transaction is aborted: RELEASE fails
    EXPECT_FALSE(committed.ok());
  }
  EXPECT_EQ(Insert(*tx, "c"), "");  // usable again
  Finished end = tx->Finish(true);
  EXPECT_TRUE(end.committed) << end.error;
  EXPECT_EQ(ObservedNames(), "a,c");
}

TEST_F(RequestTransactionTest, NestedUnitsNestAndCommitIntoTheirParent) {
  auto tx = Begin(Live());
  ASSERT_NE(tx, nullptr);
  {
    auto outer = tx->Nest();
    ASSERT_TRUE(outer.ok()) << outer.error().message;
    EXPECT_EQ(Insert(*tx, "outer"), "");
    {
      auto inner = tx->Nest();
      ASSERT_TRUE(inner.ok()) << inner.error().message;
      EXPECT_EQ(Insert(*tx, "inner"), "");
      EXPECT_TRUE(inner->Commit().ok());
      EXPECT_FALSE(inner->Commit().ok());  // once
    }
    EXPECT_EQ(CountInside(*tx), "2");
  }  // the outer unit is not committed: the inner one goes with it
  EXPECT_EQ(CountInside(*tx), "0");
  {
    auto moved_from = tx->Nest();
    ASSERT_TRUE(moved_from.ok()) << moved_from.error().message;
    Nested kept = std::move(*moved_from);  // the moved-from object does nothing when destroyed
    EXPECT_EQ(Insert(*tx, "kept"), "");
    EXPECT_TRUE(kept.Commit().ok());
  }
  Finished end = tx->Finish(true);
  EXPECT_TRUE(end.committed) << end.error;
  EXPECT_EQ(ObservedNames(), "kept");
}

// ---- nothing commits a shadow request ------------------------------------------------------

struct CommitAttempt {
  const char* name;  // the test's name suffix
  const char* sql;
  const char* refusal;  // a part of the error: who refused it
};

class CommitAttemptTest : public RequestTransactionTest,
                          public ::testing::WithParamInterface<CommitAttempt> {};

constexpr char kRefusedByLibrary[] = "refused transaction-control statement";

TEST_P(CommitAttemptTest, IsRefusedAndTheRequestStillRollsBackAndConfirms) {
  const CommitAttempt& attempt = GetParam();
  auto tx = Begin(Rollback("attempt"));
  ASSERT_NE(tx, nullptr);
  EXPECT_EQ(Insert(*tx, "before"), "");
  auto result = tx->Exec(attempt.sql);
  ASSERT_FALSE(result.ok()) << attempt.sql << " was run";
  EXPECT_NE(result.error().message.find(attempt.refusal), std::string::npos)
      << result.error().message;
  EXPECT_EQ(ObservedCount(), "0");  // nothing became visible
  Finished end = tx->Finish(true);
  EXPECT_FALSE(end.committed);
  EXPECT_TRUE(end.rolled_back);
  EXPECT_EQ(end.response_headers, Confirmation("attempt")) << end.error;
  EXPECT_EQ(ObservedCount(), "0");
  EXPECT_EQ(PQtransactionStatus(connection_->get()), PQTRANS_IDLE);
}

INSTANTIATE_TEST_SUITE_P(
    RequestTransaction, CommitAttemptTest,
    ::testing::Values(
        CommitAttempt{"Commit", "COMMIT", kRefusedByLibrary},
        CommitAttempt{"CommitLowerCase", "commit", kRefusedByLibrary},
        CommitAttempt{"CommitAfterComment", "/* x */ COMMIT", kRefusedByLibrary},
        CommitAttempt{"CommitAfterNestedComment", "/* a /* b */ c */ COMMIT", kRefusedByLibrary},
        CommitAttempt{"CommitAfterLineComment", "-- x\nCOMMIT", kRefusedByLibrary},
        CommitAttempt{"CommitAfterEmptyStatement", ";COMMIT", kRefusedByLibrary},
        CommitAttempt{"CommitAndChain", "COMMIT AND CHAIN", kRefusedByLibrary},
        CommitAttempt{"End", "END", kRefusedByLibrary},
        CommitAttempt{"Abort", "ABORT", kRefusedByLibrary},
        CommitAttempt{"Rollback", "ROLLBACK", kRefusedByLibrary},
        CommitAttempt{"RollbackToRequestSavepoint", "ROLLBACK TO SAVEPOINT shadowdiff_request",
                      kRefusedByLibrary},
        CommitAttempt{"ReleaseRequestSavepoint", "RELEASE SAVEPOINT shadowdiff_request",
                      kRefusedByLibrary},
        CommitAttempt{"Savepoint", "SAVEPOINT x", kRefusedByLibrary},
        CommitAttempt{"Begin", "BEGIN", kRefusedByLibrary},
        CommitAttempt{"StartTransaction", "START TRANSACTION", kRefusedByLibrary},
        CommitAttempt{"PrepareTransaction", "PREPARE TRANSACTION 'gid'", kRefusedByLibrary},
        CommitAttempt{"CommitPrepared", "COMMIT PREPARED 'gid'", kRefusedByLibrary},
        // Refused by PostgreSQL: one statement per Exec, no COMMIT inside a transaction block.
        CommitAttempt{"SelectThenCommit", "SELECT 1; COMMIT", "cannot insert multiple commands"},
        CommitAttempt{"InsertThenCommit", "INSERT INTO items (name) VALUES ('x'); COMMIT",
                      "cannot insert multiple commands"},
        CommitAttempt{"DoBlockCommit",
                      "DO $$BEGIN INSERT INTO items (name) VALUES ('do'); COMMIT; END$$",
                      "invalid transaction termination"},
        CommitAttempt{"DoBlockRollback", "DO $$BEGIN ROLLBACK; END$$",
                      "invalid transaction termination"},
        CommitAttempt{"CallProcedureThatCommits", "CALL insert_and_commit('call')",
                      "invalid transaction termination"},
        CommitAttempt{"CallProcedureThatRollsBack", "CALL insert_and_rollback('call')",
                      "invalid transaction termination"}),
    [](const ::testing::TestParamInfo<CommitAttempt>& info) { return info.param.name; });

// ---- the marker: confirm only the transaction Begin opened ----------------------------------

TEST_F(RequestTransactionTest, TransactionCommittedAndRestartedBehindTheBackIsNotConfirmed) {
  auto tx = Begin(Rollback("sneaky"));
  ASSERT_NE(tx, nullptr);
  EXPECT_EQ(Insert(*tx, "leaked"), "");
  ASSERT_EQ(RawExec(*connection_, "COMMIT"), PGRES_COMMAND_OK);
  ASSERT_EQ(RawExec(*connection_, "BEGIN"), PGRES_COMMAND_OK);
  Finished end = tx->Finish(true);
  EXPECT_TRUE(end.response_headers.empty());
  EXPECT_NE(end.error.find("marker"), std::string::npos) << end.error;
  EXPECT_TRUE(end.rolled_back);          // the stranger's transaction is still rolled back
  EXPECT_EQ(ObservedNames(), "leaked");  // the damage the missing header reports
  EXPECT_EQ(PQtransactionStatus(connection_->get()), PQTRANS_IDLE);
}

TEST_F(RequestTransactionTest, TransactionEndedBehindTheBackIsNotConfirmed) {
  for (const char* end_statement : {"COMMIT", "ROLLBACK"}) {
    SCOPED_TRACE(end_statement);
    auto tx = Begin(Rollback("ended"));
    ASSERT_NE(tx, nullptr);
    ASSERT_EQ(RawExec(*connection_, end_statement), PGRES_COMMAND_OK);
    Finished end = tx->Finish(true);
    EXPECT_TRUE(end.response_headers.empty());
    EXPECT_FALSE(end.rolled_back);
    EXPECT_NE(end.error.find("no longer open"), std::string::npos) << end.error;
  }
}

// An aborted transaction cannot be asked for the marker; the request savepoint decides.
TEST_F(RequestTransactionTest, AbortedStrangerTransactionIsNotConfirmed) {
  auto tx = Begin(Rollback("aborted-stranger"));
  ASSERT_NE(tx, nullptr);
  EXPECT_EQ(Insert(*tx, "leaked"), "");
  ASSERT_EQ(RawExec(*connection_, "COMMIT"), PGRES_COMMAND_OK);
  ASSERT_EQ(RawExec(*connection_, "BEGIN"), PGRES_COMMAND_OK);
  ASSERT_EQ(RawExec(*connection_, "SELECT 1/0"), PGRES_FATAL_ERROR);
  ASSERT_EQ(PQtransactionStatus(connection_->get()), PQTRANS_INERROR);
  Finished end = tx->Finish(false);
  EXPECT_TRUE(end.response_headers.empty());
  EXPECT_NE(end.error.find("savepoint"), std::string::npos) << end.error;
  EXPECT_EQ(PQtransactionStatus(connection_->get()), PQTRANS_IDLE);
  EXPECT_EQ(ObservedNames(), "leaked");
}

// A stranger's transaction with a savepoint of the same name still lacks the marker.
TEST_F(RequestTransactionTest, AbortedStrangerWithTheSavepointNameIsNotConfirmed) {
  auto tx = Begin(Rollback("mimic"));
  ASSERT_NE(tx, nullptr);
  ASSERT_EQ(RawExec(*connection_, "COMMIT"), PGRES_COMMAND_OK);
  ASSERT_EQ(RawExec(*connection_, "BEGIN"), PGRES_COMMAND_OK);
  ASSERT_EQ(RawExec(*connection_, "SAVEPOINT shadowdiff_request"), PGRES_COMMAND_OK);
  ASSERT_EQ(RawExec(*connection_, "SELECT 1/0"), PGRES_FATAL_ERROR);
  Finished end = tx->Finish(false);
  EXPECT_TRUE(end.response_headers.empty());
  EXPECT_NE(end.error.find("marker"), std::string::npos) << end.error;
  EXPECT_EQ(PQtransactionStatus(connection_->get()), PQTRANS_IDLE);
}

TEST_F(RequestTransactionTest, TamperedMarkerIsNotConfirmed) {
  auto tx = Begin(Rollback("tampered"));
  ASSERT_NE(tx, nullptr);
  ASSERT_TRUE(tx->Exec("SELECT set_config('shadowdiff.request_marker', 'guess', true)").ok());
  Finished end = tx->Finish(true);
  EXPECT_TRUE(end.response_headers.empty());
  EXPECT_TRUE(end.rolled_back);
  EXPECT_NE(end.error.find("marker"), std::string::npos) << end.error;
}

TEST_F(RequestTransactionTest, BrokenConnectionIsNotConfirmed) {
  auto tx = Begin(Rollback("broken"));
  ASSERT_NE(tx, nullptr);
  EXPECT_EQ(Insert(*tx, "a"), "");
  const std::string pid = std::to_string(PQbackendPID(connection_->get()));
  ASSERT_EQ(ObservedScalar("SELECT pg_terminate_backend(" + pid + ", 5000)"), "t");
  auto after = tx->Exec("SELECT 1");
  ASSERT_FALSE(after.ok());
  EXPECT_NE(after.error().message.find("statement failed"), std::string::npos)
      << after.error().message;
  Finished end = tx->Finish(true);
  EXPECT_TRUE(end.response_headers.empty());
  EXPECT_FALSE(end.error.empty());
  EXPECT_FALSE(connection_->healthy());
  EXPECT_EQ(ObservedCount(), "0");
  auto again = RequestTransaction::Begin(*connection_, Rollback(), ServiceOptions());
  ASSERT_FALSE(again.ok());
  EXPECT_NE(again.error().message.find("broken"), std::string::npos) << again.error().message;
}

// ---- lifecycle -----------------------------------------------------------------------------

TEST_F(RequestTransactionTest, ExecAndNestAfterFinishFail) {
  for (const ShadowContext& shadow : {Live(), Rollback("late")}) {
    auto tx = Begin(shadow);
    ASSERT_NE(tx, nullptr);
    (void)tx->Finish(true);
    auto late = tx->Exec("SELECT 1");
    ASSERT_FALSE(late.ok());
    EXPECT_NE(late.error().message.find("after Finish"), std::string::npos) << late.error().message;
    auto nested = tx->Nest();
    ASSERT_FALSE(nested.ok());
    EXPECT_NE(nested.error().message.find("after Finish"), std::string::npos)
        << nested.error().message;
    Finished twice = tx->Finish(true);
    EXPECT_FALSE(twice.committed);
    EXPECT_FALSE(twice.rolled_back);
    EXPECT_TRUE(twice.response_headers.empty());
    EXPECT_NE(twice.error.find("twice"), std::string::npos) << twice.error;
  }
}

TEST_F(RequestTransactionTest, NestedOutlivingFinishDoesNothing) {
  auto tx = Begin(Live());
  ASSERT_NE(tx, nullptr);
  {
    auto nested = tx->Nest();
    ASSERT_TRUE(nested.ok()) << nested.error().message;
    EXPECT_EQ(Insert(*tx, "a"), "");
    Finished end = tx->Finish(true);  // commits the savepoint's work with the transaction
    EXPECT_TRUE(end.committed) << end.error;
    EXPECT_FALSE(nested->Commit().ok());
  }  // destroys the Nested: it must not touch the connection
  EXPECT_EQ(PQtransactionStatus(connection_->get()), PQTRANS_IDLE);
  EXPECT_EQ(ObservedNames(), "a");
}

TEST_F(RequestTransactionTest, DestructorWithoutFinishRollsBack) {
  for (const ShadowContext& shadow : {Live(), Rollback("dropped")}) {
    {
      auto tx = Begin(shadow);
      ASSERT_NE(tx, nullptr);
      EXPECT_EQ(Insert(*tx, "a"), "");
    }
    EXPECT_EQ(PQtransactionStatus(connection_->get()), PQTRANS_IDLE);
    EXPECT_EQ(ObservedCount(), "0");
  }
}

TEST_F(RequestTransactionTest, BeginRefusesAConnectionAlreadyInATransaction) {
  ASSERT_EQ(RawExec(*connection_, "BEGIN"), PGRES_COMMAND_OK);
  auto tx = RequestTransaction::Begin(*connection_, Live(), ServiceOptions());
  ASSERT_FALSE(tx.ok());
  EXPECT_NE(tx.error().message.find("already inside a transaction"), std::string::npos)
      << tx.error().message;
  EXPECT_EQ(PQtransactionStatus(connection_->get()), PQTRANS_INTRANS);  // left alone
}

// ---- timeouts bound a shadow request's waits -----------------------------------------------

TEST_F(RequestTransactionTest, ShadowLockTimeoutBoundsAWaitOnARowLock) {
  ASSERT_TRUE(db_->Execute("INSERT INTO items (name) VALUES ('locked')").ok());
  auto holder = Connection::Open(db_->conninfo());
  ASSERT_TRUE(holder.ok()) << holder.error().message;
  ASSERT_EQ(RawExec(*holder, "BEGIN"), PGRES_COMMAND_OK);
  ASSERT_EQ(RawExec(*holder, "UPDATE items SET name = 'held' WHERE name = 'locked'"),
            PGRES_COMMAND_OK);

  ServiceOptions options;
  options.shadow_lock_timeout_ms = 200;
  options.shadow_statement_timeout_ms = 10000;  // bounds the test if lock_timeout is ignored
  auto tx = Begin(Rollback("waiter"), options);
  ASSERT_NE(tx, nullptr);
  const auto start = std::chrono::steady_clock::now();
  auto blocked = tx->Exec("UPDATE items SET name = 'shadow' WHERE name = 'locked'");
  const auto waited = std::chrono::steady_clock::now() - start;
  ASSERT_FALSE(blocked.ok());
  EXPECT_NE(blocked.error().message.find("lock timeout"), std::string::npos)
      << blocked.error().message;
  EXPECT_GE(waited, std::chrono::milliseconds(150));
  EXPECT_LT(waited, std::chrono::seconds(5));
  Finished end = tx->Finish(false);
  EXPECT_EQ(end.response_headers, Confirmation("waiter"));
  EXPECT_EQ(RawExec(*holder, "ROLLBACK"), PGRES_COMMAND_OK);
}

TEST_F(RequestTransactionTest, ShadowStatementTimeoutBoundsAStatement) {
  ServiceOptions options;
  options.shadow_statement_timeout_ms = 200;
  auto tx = Begin(Rollback("slow"), options);
  ASSERT_NE(tx, nullptr);
  const auto start = std::chrono::steady_clock::now();
  auto slow = tx->Exec("SELECT pg_sleep(10)");
  ASSERT_FALSE(slow.ok());
  EXPECT_NE(slow.error().message.find("statement timeout"), std::string::npos)
      << slow.error().message;
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  EXPECT_EQ(tx->Finish(false).response_headers, Confirmation("slow"));
}

TEST_F(RequestTransactionTest, TimeoutsApplyToShadowRequestsOnlyAndOnlyWhenSet) {
  const char* settings =
      "SELECT current_setting('lock_timeout') || ',' || current_setting('statement_timeout')";
  auto read = [&](const ShadowContext& shadow, const ServiceOptions& options) {
    auto tx = Begin(shadow, options);
    if (tx == nullptr) return std::string("begin failed");
    auto rows = tx->Exec(settings);
    return rows.ok() ? std::string(rows->get(0, 0)) : rows.error().message;
  };
  EXPECT_EQ(read(Rollback(), ServiceOptions()), "1s,5s");  // the defaults
  ServiceOptions zero;
  zero.shadow_lock_timeout_ms = 0;
  zero.shadow_statement_timeout_ms = 0;
  EXPECT_EQ(read(Rollback(), zero), "0,0");
  ServiceOptions only_lock = zero;
  only_lock.shadow_lock_timeout_ms = 250;
  EXPECT_EQ(read(Rollback(), only_lock), "250ms,0");
  EXPECT_EQ(read(Live(), ServiceOptions()), "0,0");
  // SET LOCAL: the settings ended with the shadow transactions on this connection.
  EXPECT_EQ(read(Live(), ServiceOptions()), "0,0");
}

// ---- Exec, Rows, Connection ----------------------------------------------------------------

TEST_F(RequestTransactionTest, ExecPassesTextParametersAndReturnsRows) {
  auto tx = Begin(Live());
  ASSERT_NE(tx, nullptr);
  auto inserted = tx->Exec("INSERT INTO items (name) VALUES ($1), ($2)", {"x'); DROP--", "b"});
  ASSERT_TRUE(inserted.ok()) << inserted.error().message;
  EXPECT_EQ(inserted->affected(), 2);
  EXPECT_EQ(inserted->size(), 0);

  auto rows = tx->Exec(
      "SELECT name, $1::text AS \"Param\", NULL::int AS nothing FROM items "
      "ORDER BY name",
      {std::nullopt});
  ASSERT_TRUE(rows.ok()) << rows.error().message;
  EXPECT_EQ(rows->size(), 2);
  EXPECT_EQ(rows->columns(), 3);
  EXPECT_EQ(rows->affected(), 2);  // SELECT reports its row count too
  EXPECT_EQ(rows->column("name"), 0);
  EXPECT_EQ(rows->column("Param"), 1);
  EXPECT_EQ(rows->column("param"), -1);  // exact names
  EXPECT_EQ(rows->column("missing"), -1);
  EXPECT_EQ(rows->get(0, 0), "b");
  EXPECT_EQ(rows->get(1, 0), "x'); DROP--");
  EXPECT_TRUE(rows->is_null(0, 1));
  EXPECT_EQ(rows->get(0, 1), "");
  EXPECT_TRUE(rows->is_null(0, 2));
  EXPECT_FALSE(rows->is_null(0, 0));
  EXPECT_TRUE(rows->is_null(5, 0));  // out of range reads as NULL
  EXPECT_EQ(rows->get(0, 9), "");

  Rows moved = std::move(*rows);
  EXPECT_EQ(moved.size(), 2);
  EXPECT_EQ(rows->size(), 0);  // NOLINT(bugprone-use-after-move): moved-from is empty
  EXPECT_TRUE(tx->Finish(true).committed);
}

TEST_F(RequestTransactionTest, ExecReportsPostgresErrors) {
  auto tx = Begin(Live());
  ASSERT_NE(tx, nullptr);
  auto bad = tx->Exec("SELEC 1");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("syntax error"), std::string::npos) << bad.error().message;
  (void)tx->Finish(false);

  tx = Begin(Live());
  ASSERT_NE(tx, nullptr);
  auto empty = tx->Exec(" /* nothing */ ");
  ASSERT_FALSE(empty.ok());
  EXPECT_NE(empty.error().message.find("empty"), std::string::npos) << empty.error().message;
  auto nul = tx->Exec(std::string_view("SELECT 1\0; COMMIT", 17));
  ASSERT_FALSE(nul.ok());
  EXPECT_NE(nul.error().message.find("NUL"), std::string::npos) << nul.error().message;
  auto nul_param = tx->Exec("SELECT $1::text", {std::string("a\0b", 3)});
  ASSERT_FALSE(nul_param.ok());
  EXPECT_NE(nul_param.error().message.find("$1"), std::string::npos) << nul_param.error().message;
  auto arity = tx->Exec("SELECT $1::text, $2::text", {"only one"});
  ASSERT_FALSE(arity.ok());
  EXPECT_NE(arity.error().message.find("bind message supplies 1 parameters"), std::string::npos)
      << arity.error().message;
  (void)tx->Finish(false);
}

TEST_F(RequestTransactionTest, ExecRefusesCopyAndKeepsTheConnectionUsable) {
  ASSERT_TRUE(db_->Execute("INSERT INTO items (name) VALUES ('a'), ('b')").ok());
  auto tx = Begin(Live());
  ASSERT_NE(tx, nullptr);
  auto out = tx->Exec("COPY items TO STDOUT");
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.error().message.find("COPY TO STDOUT"), std::string::npos) << out.error().message;
  EXPECT_EQ(CountInside(*tx), "2");  // the transaction goes on

  auto in = tx->Exec("COPY items (name) FROM STDIN");
  ASSERT_FALSE(in.ok());
  EXPECT_NE(in.error().message.find("COPY FROM STDIN"), std::string::npos) << in.error().message;
  Finished end = tx->Finish(true);  // aborted by the cancelled COPY
  EXPECT_FALSE(end.committed);
  EXPECT_TRUE(end.rolled_back);

  tx = Begin(Live());
  ASSERT_NE(tx, nullptr);
  EXPECT_EQ(CountInside(*tx), "2");
  EXPECT_TRUE(tx->Finish(true).committed);
}

TEST(Connection, OpenReportsWhyItFailed) {
  // Port 1 on loopback: refused at once.
  auto refused = Connection::Open("host=127.0.0.1 port=1 connect_timeout=5");
  ASSERT_FALSE(refused.ok());
  EXPECT_NE(refused.error().message.find("cannot connect to PostgreSQL"), std::string::npos)
      << refused.error().message;
  EXPECT_NE(refused.error().message.find("127.0.0.1"), std::string::npos)
      << refused.error().message;
  auto garbage = Connection::Open("this is not a conninfo");
  ASSERT_FALSE(garbage.ok());
  EXPECT_NE(garbage.error().message.find("cannot connect to PostgreSQL"), std::string::npos);
}

TEST(Connection, MovesOwnership) {
  auto db = TestDatabase::Create("moves");
  ASSERT_TRUE(db.ok()) << db.error().message;
  auto opened = Connection::Open(db->conninfo());
  ASSERT_TRUE(opened.ok()) << opened.error().message;
  Connection a = std::move(*opened);
  EXPECT_TRUE(a.healthy());
  Connection b = std::move(a);
  EXPECT_TRUE(b.healthy());
  EXPECT_FALSE(a.healthy());  // NOLINT(bugprone-use-after-move): moved-from is empty
  EXPECT_EQ(a.get(), nullptr);
  auto other = Connection::Open(db->conninfo());
  ASSERT_TRUE(other.ok()) << other.error().message;
  b = std::move(*other);
  EXPECT_TRUE(b.healthy());
}

}  // namespace
}  // namespace shadowdiff::rollback
