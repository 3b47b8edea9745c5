// TestDatabase: a fresh, uniquely named PostgreSQL database for one test, in the throwaway
// cluster that ctest starts (tests/CMakeLists.txt, shadowdiff_requires_postgres; the
// cluster is tools/pg-cluster). Dropped (WITH (FORCE)) when the TestDatabase is destroyed.
//
//   auto db = TestDatabase::Create("orders");
//   ASSERT_TRUE(db.ok()) << db.error().message;   // fail, never skip, without PostgreSQL
//   connect your code to db->conninfo();
//   EXPECT_EQ(db->Scalar("SELECT count(*) FROM orders").value(), "0");
//
// The cluster's conninfo is read from the file named by SHADOWDIFF_PG_CONNINFO_FILE, which
// the ctest fixture sets. Without it, Create fails with a message saying how to run.
//
// Ownership: a TestDatabase owns its database and one connection to it (the "observer",
// used by Execute and Scalar: a second session next to the code under test). Movable, not
// copyable, not thread-safe. Links libpq only.
#ifndef SHADOWDIFF_TESTS_SUPPORT_TEST_DATABASE_H_
#define SHADOWDIFF_TESTS_SUPPORT_TEST_DATABASE_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "src/core/result.h"

struct pg_conn;

namespace shadowdiff::test {

// The environment variable naming the file that holds the cluster's conninfo.
inline constexpr char kConninfoFileEnv[] = "SHADOWDIFF_PG_CONNINFO_FILE";

class TestDatabase {
 public:
  // Creates a database named "t_<hint>_<pid>_<random>" (hint: letters, digits and '_' kept,
  // lower-cased, shortened) and connects the observer to it.
  static Result<TestDatabase> Create(std::string_view name_hint = "test");

  TestDatabase(TestDatabase&& other) noexcept;
  TestDatabase& operator=(TestDatabase&&) = delete;
  TestDatabase(const TestDatabase&) = delete;
  TestDatabase& operator=(const TestDatabase&) = delete;
  // Closes the observer and drops the database, disconnecting any session still in it.
  // A failure is printed to stderr (the cluster is thrown away after the run anyway).
  ~TestDatabase();

  // libpq conninfo ("host=... port=... dbname=...") of this database.
  const std::string& conninfo() const { return conninfo_; }
  const std::string& name() const { return name_; }

  // Runs one SQL statement (or several, without parameters) on the observer connection,
  // outside any transaction the code under test holds. Fails with PostgreSQL's message.
  Status Execute(std::string_view sql, const std::vector<std::string>& params = {});

  // Runs one query on the observer and returns the first column of its first row as text.
  // Fails when the query fails, returns no row, or that value is NULL.
  Result<std::string> Scalar(std::string_view sql, const std::vector<std::string>& params = {});

 private:
  TestDatabase(std::string admin_conninfo, std::string name, std::string conninfo,
               pg_conn* observer)
      : admin_conninfo_(std::move(admin_conninfo)),
        name_(std::move(name)),
        conninfo_(std::move(conninfo)),
        observer_(observer) {}

  std::string admin_conninfo_;  // the cluster's conninfo, from the file
  std::string name_;
  std::string conninfo_;
  pg_conn* observer_ = nullptr;  // owned
};

}  // namespace shadowdiff::test

#endif  // SHADOWDIFF_TESTS_SUPPORT_TEST_DATABASE_H_
