// TestDatabase against the ctest cluster: fresh, isolated, dropped, and failing loudly
// without the cluster.
#include "tests/support/test_database.h"

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <cstdlib>
#include <optional>
#include <string>

namespace shadowdiff::test {
namespace {

TEST(TestDatabase, CreatesAFreshDatabaseAndConnectsToIt) {
  auto db = TestDatabase::Create("Fresh-One!");
  ASSERT_TRUE(db.ok()) << db.error().message;
  EXPECT_EQ(db->name().rfind("t_freshone_", 0), 0u) << db->name();
  EXPECT_NE(db->conninfo().find(db->name()), std::string::npos) << db->conninfo();
  auto current = db->Scalar("SELECT current_database()");
  ASSERT_TRUE(current.ok()) << current.error().message;
  EXPECT_EQ(*current, db->name());
  auto tables = db->Scalar("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'");
  ASSERT_TRUE(tables.ok()) << tables.error().message;
  EXPECT_EQ(*tables, "0");
}

TEST(TestDatabase, DatabasesAreIsolated) {
  auto a = TestDatabase::Create("a");
  auto b = TestDatabase::Create("b");
  ASSERT_TRUE(a.ok()) << a.error().message;
  ASSERT_TRUE(b.ok()) << b.error().message;
  EXPECT_NE(a->name(), b->name());
  ASSERT_TRUE(a->Execute("CREATE TABLE t (x int); INSERT INTO t VALUES (7)").ok());
  EXPECT_EQ(a->Scalar("SELECT x FROM t").value(), "7");
  auto in_b = b->Scalar("SELECT count(*) FROM t");
  ASSERT_FALSE(in_b.ok());
  EXPECT_NE(in_b.error().message.find("does not exist"), std::string::npos) << in_b.error().message;
}

TEST(TestDatabase, DestructionDropsTheDatabaseEvenWithSessionsInIt) {
  auto witness = TestDatabase::Create("witness");
  ASSERT_TRUE(witness.ok()) << witness.error().message;
  std::string name;
  PGconn* lingering = nullptr;
  {
    auto db = TestDatabase::Create("dropped");
    ASSERT_TRUE(db.ok()) << db.error().message;
    name = db->name();
    lingering = PQconnectdb(db->conninfo().c_str());
    ASSERT_EQ(PQstatus(lingering), CONNECTION_OK) << PQerrorMessage(lingering);
    EXPECT_EQ(
        witness->Scalar("SELECT count(*) FROM pg_database WHERE datname = $1", {name}).value(),
        "1");
  }
  EXPECT_EQ(witness->Scalar("SELECT count(*) FROM pg_database WHERE datname = $1", {name}).value(),
            "0");
  PQfinish(lingering);
}

TEST(TestDatabase, ScalarReportsNullEmptyAndFailedQueries) {
  auto db = TestDatabase::Create("scalar");
  ASSERT_TRUE(db.ok()) << db.error().message;
  EXPECT_EQ(db->Scalar("SELECT $1::text || 'b'", {"a"}).value(), "ab");
  auto null = db->Scalar("SELECT NULL");
  ASSERT_FALSE(null.ok());
  EXPECT_NE(null.error().message.find("NULL"), std::string::npos) << null.error().message;
  auto none = db->Scalar("SELECT 1 WHERE false");
  ASSERT_FALSE(none.ok());
  EXPECT_NE(none.error().message.find("no value"), std::string::npos) << none.error().message;
  auto bad = db->Execute("SELEC 1");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.error().message.find("syntax error"), std::string::npos) << bad.error().message;
}

// Without the cluster a test must fail (not skip), and say how to run it.
TEST(TestDatabase, CreateFailsWithInstructionsWithoutTheCluster) {
  const char* saved = std::getenv(kConninfoFileEnv);
  std::optional<std::string> restore;
  if (saved != nullptr) restore = saved;
  unsetenv(kConninfoFileEnv);
  auto db = TestDatabase::Create("orphan");
  if (restore) setenv(kConninfoFileEnv, restore->c_str(), 1);
  ASSERT_FALSE(db.ok());
  EXPECT_NE(db.error().message.find("ctest"), std::string::npos) << db.error().message;
  EXPECT_NE(db.error().message.find("tools/pg-cluster start"), std::string::npos)
      << db.error().message;

  setenv(kConninfoFileEnv, "/nonexistent/pg-conninfo", 1);
  auto missing = TestDatabase::Create("orphan");
  if (restore) {
    setenv(kConninfoFileEnv, restore->c_str(), 1);
  } else {
    unsetenv(kConninfoFileEnv);
  }
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.error().message.find("/nonexistent/pg-conninfo"), std::string::npos)
      << missing.error().message;
}

}  // namespace
}  // namespace shadowdiff::test
