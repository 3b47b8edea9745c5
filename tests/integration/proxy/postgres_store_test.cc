// The PostgreSQL example store through the whole proxy (store.postgres): a mismatch becomes a
// row of shadowdiff_examples in a fresh database of the ctest cluster
// (tests/support/test_database.h); a database that is down does not keep the proxy from
// starting or serving; a malformed conninfo does.
#include <string>
#include <string_view>
#include <vector>

#include <gtest/gtest.h>

#include "tests/integration/proxy/proxy_fixture.h"
#include "tests/support/test_database.h"

namespace shadowdiff::test {
namespace {

// The fixture writes `store:\n  jsonl: ...\n` just before the test's YAML, so a YAML that
// starts with an indented `postgres:` line continues that mapping.
std::string StoreAndEndpoints(const std::string& conninfo) {
  std::string quoted;
  for (char c : conninfo) {
    if (c == '"' || c == '\\') quoted.push_back('\\');
    quoted.push_back(c);
  }
  return "  postgres: \"" + quoted + R"("
endpoints:
  - path: /merchants/{merchant_id}/customers/{token}
    methods: [GET]
    shadow: compare
)";
}

// The first value of `sql`, or "error: ..." (so a failed query fails the comparison).
std::string Value(TestDatabase& db, std::string_view sql,
                  const std::vector<std::string>& params = {}) {
  auto v = db.Scalar(sql, params);
  return v.ok() ? *v : "error: " + v.error().message;
}

class PostgresStoreTest : public ProxyFixture {};

TEST_F(PostgresStoreTest, AMismatchBecomesARow) {
  auto db = TestDatabase::Create("proxy_pg_store");
  ASSERT_TRUE(db.ok()) << db.error().message;
  old_->SetReply(FakeReply::Json(200, R"({"customer":{"phone":"555-1","name":"Ann"}})"));
  new_->SetReply(FakeReply::Json(200, R"({"customer":{"phone":"555-2","name":"Ann"}})"));
  ASSERT_TRUE(StartProxy(StoreAndEndpoints(db->conninfo())));
  ASSERT_EQ(Get("/merchants/m_7/customers/c_1?x=1", {{"Authorization", "Bearer s3cret"}}).status,
            200);
  ASSERT_TRUE(WaitForOutcome("/merchants/{merchant_id}/customers/{token}", "GET", "mismatch"));
  ASSERT_TRUE(WaitForCounter("shadowdiff_postgres_store_written_total", {}, 1, 10s));
  EXPECT_EQ(Counter("shadowdiff_postgres_store_connected"), 1);

  EXPECT_EQ(Value(*db, "SELECT count(*) FROM shadowdiff_examples"), "1");
  EXPECT_EQ(Value(*db,
                  "SELECT endpoint || ' ' || method || ' ' || target || ' ' || outcome || "
                  "' ' || primary_side || ' ' || fields::text FROM shadowdiff_examples"),
            "/merchants/{merchant_id}/customers/{token} GET /merchants/m_7/customers/c_1?x=1 "
            "mismatch old {$.customer.phone}");
  EXPECT_EQ(Value(*db,
                  "SELECT (diffs->0->>'old') || '->' || (diffs->0->>'new') || ' ' || "
                  "(new->'body'->'customer'->>'phone') FROM shadowdiff_examples"),
            "555-1->555-2 555-2");
  // Redaction happened before the row was written.
  EXPECT_EQ(Value(*db,
                  "SELECT count(*) FROM shadowdiff_examples WHERE request::text LIKE "
                  "'%s3cret%'"),
            "0");
  // And the JSONL store got the same record.
  EXPECT_EQ(WaitForStoreLines(1).size(), 1u);
}

TEST_F(PostgresStoreTest, ADatabaseThatIsDownDoesNotStopTheProxy) {
  // A port nothing listens on: bind one, then close it.
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  old_->SetReply(FakeReply::Json(200, R"({"a":1})"));
  new_->SetReply(FakeReply::Json(200, R"({"a":2})"));
  ASSERT_TRUE(
      StartProxy(StoreAndEndpoints("host=127.0.0.1 port=" + std::to_string(ntohs(addr.sin_port)) +
                                   " dbname=none connect_timeout=1")));
  HttpResponse r = Get("/merchants/m_1/customers/c_1");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"a":1})");
  ASSERT_TRUE(WaitForOutcome("/merchants/{merchant_id}/customers/{token}", "GET", "mismatch"));
  EXPECT_EQ(Counter("shadowdiff_postgres_store_connected"), 0);
  EXPECT_EQ(WaitForStoreLines(1).size(), 1u) << "the other stores keep working";
  StopProxy();  // drops the queued record as database_down, quickly
}

TEST_F(PostgresStoreTest, AMalformedConninfoIsAStartupError) {
  ::testing::AssertionResult started = StartProxy(StoreAndEndpoints("host=db dbname"));
  ASSERT_FALSE(started);
  EXPECT_NE(std::string(started.message()).find("store.postgres is not a valid libpq"),
            std::string::npos)
      << started.message();
}

}  // namespace
}  // namespace shadowdiff::test
