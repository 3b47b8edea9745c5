// The PostgreSQL example store (src/store/postgres_sink.h, postgres_schema.h,
// postgres_retention.h) against the real PostgreSQL cluster ctest starts, a fresh database per
// test (tests/support/test_database.h): rows and their jsonb columns, schema creation and
// migration, drops when the database is unreachable or the writer is behind, reconnecting,
// retention, bodies that are not JSON, and the queries of docs/SQL.md.
#include "src/store/postgres_sink.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>

#include "src/core/example_record.h"
#include "src/metrics/metrics.h"
#include "src/store/postgres_connection.h"
#include "src/store/postgres_retention.h"
#include "src/store/postgres_schema.h"
#include "tests/support/test_database.h"

namespace shadowdiff::test {
namespace {

using namespace std::chrono_literals;  // NOLINT
using Clock = std::chrono::steady_clock;

// Polls `done` every 10 ms until it holds or `timeout` passes.
bool WaitFor(const std::function<bool()>& done, std::chrono::milliseconds timeout = 10s) {
  const auto until = Clock::now() + timeout;
  while (!done()) {
    if (Clock::now() > until) return false;
    std::this_thread::sleep_for(10ms);
  }
  return true;
}

// A loopback port nothing listens on (bound, then closed).
uint16_t ClosedPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  ::close(fd);
  return ntohs(addr.sin_port);
}

// Sink options for tests: fast back-off, no budget, no retention unless a test sets one.
PostgresSink::Options TestOptions(std::string conninfo) {
  PostgresSink::Options o;
  o.conninfo = std::move(conninfo);
  o.instance = "itest";
  o.backoff_initial = 50ms;
  o.backoff_max = 400ms;
  o.connect_timeout = 2s;
  o.retention = PostgresRetention{};  // off
  o.budget.per_field = 0;
  o.budget.per_endpoint = 0;
  return o;
}

// A record as the proxy builds it (BuildExampleRecord), with JSON bodies that differ at
// $.customer.phone, or with the given bodies and content type.
struct RecordSpec {
  std::string endpoint = "/merchants/{merchant_id}/customers";
  std::string target = "/merchants/m_42/customers?x=1";
  std::string content_type = "application/json";
  std::string old_body = R"({"customer":{"phone":"555-1","name":"Ann"}})";
  std::string new_body = R"({"customer":{"phone":"555-2","name":"Ann"}})";
  std::vector<Diff> diffs = {Diff{"$.customer.phone", DiffKind::kValue, "\"555-1\"", "\"555-2\""}};
  Outcome outcome = Outcome::kMismatch;
  bool new_answered = true;
  std::chrono::system_clock::time_point time = std::chrono::system_clock::now();
};

std::shared_ptr<const ExampleRecord> MakeRecord(const RecordSpec& spec = {}) {
  Request request{"POST", spec.target, {{"Content-Type", "application/json"}}, R"({"q":1})"};
  Response old_response{200, {{"Content-Type", spec.content_type}}, spec.old_body, false, 3.5};
  Response new_response{200, {{"Content-Type", spec.content_type}}, spec.new_body, false, 7.25};
  Comparison comparison{spec.diffs, false, BodyProblem::kNone, "", ""};
  ExampleInput in;
  in.time = spec.time;
  in.endpoint = spec.endpoint;
  in.outcome = spec.outcome;
  in.primary = Side::kOld;
  in.request = &request;
  in.old_response = &old_response;
  in.new_response = spec.new_answered ? &new_response : nullptr;
  in.comparison = spec.new_answered ? &comparison : nullptr;
  in.error = spec.new_answered ? "" : "connect error: connection refused";
  return std::make_shared<ExampleRecord>(BuildExampleRecord(in));
}

// The first value of `sql`, or "error: ..." (so a failed query fails the comparison).
std::string Value(TestDatabase& db, std::string_view sql,
                  const std::vector<std::string>& params = {}) {
  auto v = db.Scalar(sql, params);
  return v.ok() ? *v : "error: " + v.error().message;
}

Result<TestDatabase> Database(std::string_view hint) { return TestDatabase::Create(hint); }

std::string Count(TestDatabase& db, const std::string& where = "true") {
  auto n = db.Scalar("SELECT count(*) FROM shadowdiff_examples WHERE " + where);
  return n.ok() ? *n : "error: " + n.error().message;
}

// All rows of a statement run on a connection of our own (TestDatabase::Scalar gives one).
std::vector<std::string> Column(const std::string& conninfo, const std::string& sql) {
  PostgresConnection c;
  Status s = c.Connect(conninfo, 5s, "itest");
  EXPECT_TRUE(s.ok()) << s.error().message;
  if (!s.ok()) return {};
  PostgresResult r = c.Exec(sql, {}, Clock::now() + 10s);
  EXPECT_TRUE(r.ok) << r.message << "\n" << sql;
  std::vector<std::string> out;
  for (const auto& row : r.rows) out.push_back(row.empty() || !row[0] ? "NULL" : *row[0]);
  return out;
}

TEST(PostgresSinkTest, WritesRecordsWhoseJsonbColumnsMatchTheRecord) {
  auto db = Database("pg_sink_rows");
  ASSERT_TRUE(db.ok()) << db.error().message;
  PostgresSink sink(TestOptions(db->conninfo()), nullptr);
  ASSERT_TRUE(sink.Start().ok());

  auto mismatch = MakeRecord();
  RecordSpec error_spec;
  error_spec.outcome = Outcome::kShadowError;
  error_spec.new_answered = false;
  error_spec.diffs = {};
  auto shadow_error = MakeRecord(error_spec);
  sink.Offer(mismatch);
  sink.Offer(shadow_error);
  ASSERT_TRUE(WaitFor([&] { return sink.stats().written == 2; })) << sink.stats().written;
  EXPECT_TRUE(sink.connected());

  EXPECT_EQ(Count(*db), "2");
  // Every column equals the record's own key, compared as jsonb.
  const std::string same =
      "SELECT count(*) FROM shadowdiff_examples e, (SELECT $1::jsonb AS r) x WHERE "
      "e.time = (x.r->>'time')::timestamptz AND e.endpoint = x.r->>'endpoint' AND "
      "e.method = x.r->>'method' AND e.target = x.r->>'target' AND "
      "e.outcome = x.r->>'outcome' AND e.primary_side = x.r->>'primary' AND "
      "e.request = x.r->'request' AND e.diffs = coalesce(x.r->'diffs', '[]') AND "
      "e.old IS NOT DISTINCT FROM NULLIF(x.r->'old', 'null') AND "
      "e.new IS NOT DISTINCT FROM NULLIF(x.r->'new', 'null') AND e.instance = 'itest'";
  EXPECT_EQ(Value(*db, same, {mismatch->json}), "1") << mismatch->json;
  EXPECT_EQ(Value(*db, same, {shadow_error->json}), "1") << shadow_error->json;

  // And the values an operator queries.
  EXPECT_EQ(Value(*db, "SELECT fields::text FROM shadowdiff_examples WHERE outcome = 'mismatch'"),
            "{$.customer.phone}");
  EXPECT_EQ(Value(*db,
                  "SELECT diffs->0->>'path' || ' ' || (diffs->0->>'old') || '->' || "
                  "(diffs->0->>'new') FROM shadowdiff_examples WHERE outcome = 'mismatch'"),
            "$.customer.phone 555-1->555-2");
  EXPECT_EQ(Value(*db,
                  "SELECT old->'body'->'customer'->>'phone' FROM shadowdiff_examples "
                  "WHERE outcome = 'mismatch'"),
            "555-1");
  EXPECT_EQ(Value(*db,
                  "SELECT (new->>'duration_ms') FROM shadowdiff_examples "
                  "WHERE outcome = 'mismatch'"),
            "7.25");
  EXPECT_EQ(Value(*db,
                  "SELECT (new IS NULL)::text || ' ' || (extra->>'error') "
                  "FROM shadowdiff_examples WHERE outcome = 'shadow_error'"),
            "true connect error: connection refused");
  EXPECT_EQ(Value(*db,
                  "SELECT (extra IS NULL)::text FROM shadowdiff_examples "
                  "WHERE outcome = 'mismatch'"),
            "true");
  sink.Stop();
  EXPECT_EQ(sink.stats().written, 2u);
  EXPECT_EQ(sink.stats().dropped_rejected, 0u);
}

TEST(PostgresSinkTest, CreatesTheSchemaOnAnEmptyDatabaseAndAgainIsANoOp) {
  auto db = Database("pg_sink_schema");
  ASSERT_TRUE(db.ok()) << db.error().message;
  ASSERT_EQ(Value(*db, "SELECT count(*) FROM pg_tables WHERE tablename LIKE 'shadowdiff%'"), "0");
  {
    PostgresSink sink(TestOptions(db->conninfo()), nullptr);
    ASSERT_TRUE(sink.Start().ok());
    ASSERT_TRUE(WaitFor([&] { return sink.connected(); }));
    EXPECT_EQ(sink.stats().schema_version, kPostgresSchemaVersion);
    sink.Offer(MakeRecord());
    ASSERT_TRUE(WaitFor([&] { return sink.stats().written == 1; }));
  }
  EXPECT_EQ(Value(*db,
                  "SELECT string_agg(version::text, ',' ORDER BY version) "
                  "FROM shadowdiff_schema_version"),
            "1,2");
  EXPECT_EQ(Value(*db,
                  "SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes "
                  "WHERE tablename = 'shadowdiff_examples'"),
            "shadowdiff_examples_endpoint_time,shadowdiff_examples_fields,"
            "shadowdiff_examples_pkey,shadowdiff_examples_time");

  // Two more proxies starting at once against the migrated database: both connect, nothing
  // is applied twice, the row is still there.
  PostgresSink a(TestOptions(db->conninfo()), nullptr);
  PostgresSink b(TestOptions(db->conninfo()), nullptr);
  ASSERT_TRUE(a.Start().ok());
  ASSERT_TRUE(b.Start().ok());
  ASSERT_TRUE(WaitFor([&] { return a.connected() && b.connected(); }));
  EXPECT_EQ(a.stats().connect_failures + b.stats().connect_failures, 0u);
  EXPECT_EQ(Value(*db, "SELECT count(*) FROM shadowdiff_schema_version"), "2");
  EXPECT_EQ(Count(*db), "1");
}

TEST(PostgresSinkTest, ConcurrentFirstStartsMigrateOnce) {
  auto db = Database("pg_sink_race");
  ASSERT_TRUE(db.ok()) << db.error().message;
  std::vector<std::unique_ptr<PostgresSink>> sinks;
  for (int i = 0; i < 4; ++i) {
    sinks.push_back(std::make_unique<PostgresSink>(TestOptions(db->conninfo()), nullptr));
  }
  for (auto& s : sinks) ASSERT_TRUE(s->Start().ok());
  ASSERT_TRUE(WaitFor([&] {
    for (auto& s : sinks) {
      if (!s->connected()) return false;
    }
    return true;
  }));
  uint64_t failures = 0;
  for (auto& s : sinks) failures += s->stats().connect_failures;
  EXPECT_EQ(failures, 0u) << "the advisory lock must serialise the first migration";
  EXPECT_EQ(Value(*db, "SELECT count(*) FROM shadowdiff_schema_version"), "2");
}

TEST(PostgresSinkTest, MigratesAVersion1Table) {
  auto db = Database("pg_sink_v1");
  ASSERT_TRUE(db.ok()) << db.error().message;
  {
    PostgresConnection c;
    ASSERT_TRUE(c.Connect(db->conninfo(), 5s, "itest").ok());
    auto v = MigratePostgresSchema(c, Clock::now() + 30s, /*target=*/1);
    ASSERT_TRUE(v.ok()) << v.error().message;
    EXPECT_EQ(*v, 1);
  }
  ASSERT_TRUE(db->Execute("INSERT INTO shadowdiff_examples (time, endpoint, method, target, "
                          "outcome, primary_side, fields, request) VALUES (now(), '/v1', 'GET', "
                          "'/v1', 'mismatch', 'old', '{$.a}', '{}')")
                  .ok());
  EXPECT_EQ(Value(*db,
                  "SELECT count(*) FROM information_schema.columns WHERE "
                  "table_name = 'shadowdiff_examples' AND column_name = 'instance'"),
            "0");

  PostgresSink sink(TestOptions(db->conninfo()), nullptr);
  ASSERT_TRUE(sink.Start().ok());
  ASSERT_TRUE(WaitFor([&] { return sink.connected(); }));
  EXPECT_EQ(sink.stats().schema_version, 2);
  sink.Offer(MakeRecord());
  ASSERT_TRUE(WaitFor([&] { return sink.stats().written == 1; }));
  EXPECT_EQ(Value(*db, "SELECT string_agg(instance, ',' ORDER BY id) FROM shadowdiff_examples"),
            ",itest");
  EXPECT_EQ(Value(*db,
                  "SELECT count(*) FROM pg_indexes WHERE indexname = "
                  "'shadowdiff_examples_fields'"),
            "1");
}

TEST(PostgresSinkTest, OfferNeverBlocksWhileTheDatabaseIsUnreachable) {
  PostgresSink::Options options =
      TestOptions("host=127.0.0.1 port=" + std::to_string(ClosedPort()) +
                  " dbname=nowhere user=postgres connect_timeout=1");
  options.queue_records = 1000;
  Metrics metrics("itest");
  PostgresSink sink(options, &metrics.postgres_store());
  ASSERT_TRUE(sink.Start().ok());
  auto record = MakeRecord();

  const auto start = Clock::now();
  for (int i = 0; i < 10000; ++i) sink.Offer(record);
  const double offer_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  EXPECT_LT(offer_ms, 1000) << "10k offers must not wait on the database";
  std::printf("10000 offers to an unreachable database: %.2f ms\n", offer_ms);

  PostgresSink::Stats s = sink.stats();
  EXPECT_EQ(s.offered, 10000u);
  EXPECT_EQ(s.dropped_database_down, 9000u);
  EXPECT_EQ(s.dropped_queue_full, 0u);
  EXPECT_EQ(sink.queue_depth(), 1000u);
  EXPECT_FALSE(sink.connected());
  EXPECT_TRUE(WaitFor([&] { return sink.stats().connect_failures >= 2; }, 5s))
      << "the writer keeps retrying";

  const auto stop_start = Clock::now();
  sink.Stop();
  EXPECT_LT(Clock::now() - stop_start, 3s);
  s = sink.stats();
  EXPECT_EQ(s.dropped_database_down, 10000u) << "what was queued is dropped at Stop, counted";
  EXPECT_EQ(s.written, 0u);
  const std::string text = metrics.Serialize();
  EXPECT_NE(text.find("shadowdiff_postgres_store_dropped_total{reason=\"database_down\"} 10000"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("shadowdiff_postgres_store_connected 0"), std::string::npos);
  sink.Offer(record);
  EXPECT_EQ(sink.stats().dropped_stopped, 1u);
}

TEST(PostgresSinkTest, AWriterBehindDropsAsQueueFull) {
  auto db = Database("pg_sink_full");
  ASSERT_TRUE(db.ok()) << db.error().message;
  PostgresSink::Options options = TestOptions(db->conninfo());
  options.queue_records = 10;
  PostgresSink sink(options, nullptr);
  ASSERT_TRUE(sink.Start().ok());
  ASSERT_TRUE(WaitFor([&] { return sink.connected(); }));
  auto record = MakeRecord();
  const auto start = Clock::now();
  for (int i = 0; i < 10000; ++i) sink.Offer(record);
  EXPECT_LT(Clock::now() - start, 1s);
  sink.Stop();
  PostgresSink::Stats s = sink.stats();
  EXPECT_GT(s.dropped_queue_full, 0u);
  EXPECT_EQ(s.dropped_database_down, 0u);
  EXPECT_EQ(s.written + s.dropped_queue_full + s.dropped_stopped, 10000u);
  EXPECT_EQ(Count(*db), std::to_string(s.written));
}

TEST(PostgresSinkTest, ConnectsOnceTheDatabaseExistsAndWritesWhatWasQueued) {
  auto db = Database("pg_sink_later");
  ASSERT_TRUE(db.ok()) << db.error().message;
  const std::string later = db->name() + "_later";
  // In a libpq conninfo the last value of a keyword wins.
  const std::string conninfo = db->conninfo() + " dbname='" + later + "'";

  PostgresSink sink(TestOptions(conninfo), nullptr);
  ASSERT_TRUE(sink.Start().ok());
  for (int i = 0; i < 5; ++i) sink.Offer(MakeRecord());
  ASSERT_TRUE(WaitFor([&] { return sink.stats().connect_failures >= 3; }, 5s));
  EXPECT_FALSE(sink.connected());
  EXPECT_EQ(sink.queue_depth(), 5u) << "a short outage is ridden out in the queue";

  ASSERT_TRUE(db->Execute("CREATE DATABASE \"" + later + "\"").ok());
  const auto created = Clock::now();
  // Back-off is capped at 400 ms here: the reconnect comes within about that.
  ASSERT_TRUE(WaitFor([&] { return sink.stats().written == 5; }, 5s)) << sink.stats().written;
  EXPECT_LT(Clock::now() - created, 3s);
  EXPECT_EQ(Column(conninfo, "SELECT count(*) FROM shadowdiff_examples"),
            std::vector<std::string>{"5"});

  // The connection is killed under the sink: the next batch notices, the sink reconnects and
  // retries it.
  ASSERT_TRUE(db->Execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE "
                          "datname = $1 AND application_name = 'shadowdiff'",
                          {later})
                  .ok());
  for (int i = 0; i < 3; ++i) sink.Offer(MakeRecord());
  ASSERT_TRUE(WaitFor([&] { return sink.stats().written == 8; }, 5s)) << sink.stats().written;
  EXPECT_EQ(sink.stats().connects, 2u);
  sink.Stop();
  EXPECT_EQ(Column(conninfo, "SELECT count(*) FROM shadowdiff_examples"),
            std::vector<std::string>{"8"});
  EXPECT_TRUE(db->Execute("DROP DATABASE \"" + later + "\" WITH (FORCE)").ok());
}

// Rows inserted directly: `count` rows of `endpoint`, the i-th `age_minutes + i` minutes old.
void InsertRows(TestDatabase& db, const std::string& endpoint, int count, int age_minutes) {
  ASSERT_TRUE(db.Execute("INSERT INTO shadowdiff_examples (time, endpoint, method, target, "
                         "outcome, primary_side, request) SELECT now() - make_interval(mins => "
                         "$2::int + i), $1, 'GET', $1, 'mismatch', 'old', '{}' "
                         "FROM generate_series(0, $3::int - 1) i",
                         {endpoint, std::to_string(age_minutes), std::to_string(count)})
                  .ok());
}

TEST(PostgresSinkTest, RetentionPassIsBoundedAndKeepsTheNewestRows) {
  auto db = Database("pg_sink_retention");
  ASSERT_TRUE(db.ok()) << db.error().message;
  PostgresConnection c;
  ASSERT_TRUE(c.Connect(db->conninfo(), 5s, "itest").ok());
  ASSERT_TRUE(MigratePostgresSchema(c, Clock::now() + 30s).ok());
  InsertRows(*db, "/a", 20, 0);            // 20 recent rows
  InsertRows(*db, "/b", 8, 0);             // 8 recent rows
  InsertRows(*db, "/c", 4, 60 * 24 * 30);  // 4 rows a month old
  PostgresRetention retention{std::chrono::hours(24 * 7), 5, 3};

  // One pass: at most 3 by age and 3 by count.
  RetentionPassResult pass = RunRetentionPass(c, retention, Clock::now() + 10s);
  ASSERT_TRUE(pass.ok) << pass.failure.message;
  EXPECT_EQ(pass.deleted_by_age, 3u);
  EXPECT_EQ(pass.deleted_by_count, 3u);
  EXPECT_TRUE(pass.more);
  EXPECT_EQ(Count(*db), "26");

  // The sink runs passes after connecting until caught up.
  PostgresSink::Options options = TestOptions(db->conninfo());
  options.retention = retention;
  options.retention_interval = 1h;
  Metrics metrics("itest");
  PostgresSink sink(options, &metrics.postgres_store());
  ASSERT_TRUE(sink.Start().ok());
  ASSERT_TRUE(WaitFor([&] { return Count(*db) == "10"; })) << Count(*db);
  EXPECT_EQ(Count(*db, "endpoint = '/a'"), "5");
  EXPECT_EQ(Count(*db, "endpoint = '/b'"), "5");
  EXPECT_EQ(Count(*db, "endpoint = '/c'"), "0");
  // The newest five of /a are kept: ages 0..4 minutes.
  EXPECT_EQ(Value(*db,
                  "SELECT count(*) FROM shadowdiff_examples WHERE endpoint = '/a' AND "
                  "time > now() - interval '5 minutes 30 seconds'"),
            "5");
  ASSERT_TRUE(WaitFor([&] {
    auto s = sink.stats();
    return s.retention_deleted_age == 1 && s.retention_deleted_count == 15;
  })) << sink.stats().retention_deleted_age
      << " " << sink.stats().retention_deleted_count;
  EXPECT_NE(metrics.Serialize().find(
                "shadowdiff_postgres_store_retention_deleted_total{reason=\"age\"} 1"),
            std::string::npos);
}

TEST(PostgresSinkTest, BodiesThatAreNotJsonAreStoredAndABadRecordIsRejectedAlone) {
  auto db = Database("pg_sink_bodies");
  ASSERT_TRUE(db.ok()) << db.error().message;
  PostgresSink sink(TestOptions(db->conninfo()), nullptr);
  ASSERT_TRUE(sink.Start().ok());
  ASSERT_TRUE(WaitFor([&] { return sink.connected(); }));

  RecordSpec text;
  text.endpoint = "/text";
  text.content_type = "text/plain";
  text.old_body = "plain old text";
  text.new_body = "plain new text";
  RecordSpec binary;
  binary.endpoint = "/binary";
  binary.content_type = "application/octet-stream";
  binary.old_body = std::string("\x00\xff\x01\x02", 4);
  binary.new_body = std::string("\x00\xfe", 2);
  RecordSpec nul;  // JSON with a NUL character, which jsonb cannot hold
  nul.endpoint = "/nul";
  nul.old_body = R"({"name":"a\u0000b"})";
  nul.new_body = R"({"name":"ab"})";
  // Not something BuildExampleRecord makes: a lone surrogate, which PostgreSQL refuses.
  auto bad = std::make_shared<ExampleRecord>(*MakeRecord());
  bad->endpoint = "/bad";
  bad->json = R"({"time":"2026-11-22T20:01:02.123Z","endpoint":"/bad","method":"GET",)"
              R"("target":"/bad","outcome":"mismatch","primary":"old","diffs":[],)"
              R"("request":{"body":"\udc00"},"old":null,"new":null})";

  // One batch: the bad record must not take the others with it.
  sink.Offer(MakeRecord(text));
  sink.Offer(bad);
  sink.Offer(MakeRecord(binary));
  sink.Offer(MakeRecord(nul));
  ASSERT_TRUE(WaitFor([&] {
    auto s = sink.stats();
    return s.written + s.dropped_rejected == 4;
  }));
  EXPECT_EQ(sink.stats().written, 3u);
  EXPECT_EQ(sink.stats().dropped_rejected, 1u);
  EXPECT_TRUE(sink.connected()) << "a bad record is not a database outage";

  EXPECT_EQ(Value(*db,
                  "SELECT old->>'body' || '|' || (new->>'body') FROM shadowdiff_examples "
                  "WHERE endpoint = '/text'"),
            "plain old text|plain new text");
  EXPECT_EQ(Value(*db,
                  "SELECT old->>'body_base64' FROM shadowdiff_examples "
                  "WHERE endpoint = '/binary'"),
            "AP8BAg==");
  EXPECT_EQ(Value(*db,
                  "SELECT old->'body'->>'name' FROM shadowdiff_examples "
                  "WHERE endpoint = '/nul'"),
            "a\xEF\xBF\xBD"
            "b");
  EXPECT_EQ(Count(*db, "endpoint = '/bad'"), "0");
}

TEST(PostgresSinkTest, JsonForJsonbReplacesOnlyNulEscapes) {
  EXPECT_EQ(JsonForJsonb(R"({"a":"x\u0000y"})"), R"({"a":"x\ufffdy"})");
  EXPECT_EQ(JsonForJsonb(R"({"a":"x\\u0000y"})"), R"({"a":"x\\u0000y"})");  // literal text
  EXPECT_EQ(JsonForJsonb(R"({"a":"\"\u00001"})"), R"({"a":"\"\ufffd1"})");
  EXPECT_EQ(JsonForJsonb(R"(["\u0001"])"), R"(["\u0001"])");
}

TEST(PostgresSinkTest, StopWritesWhatIsQueued) {
  auto db = Database("pg_sink_stop");
  ASSERT_TRUE(db.ok()) << db.error().message;
  PostgresSink sink(TestOptions(db->conninfo()), nullptr);
  ASSERT_TRUE(sink.Start().ok());
  ASSERT_TRUE(WaitFor([&] { return sink.connected(); }));
  auto record = MakeRecord();
  for (int i = 0; i < 2000; ++i) sink.Offer(record);
  sink.Stop();
  EXPECT_EQ(sink.stats().written, 2000u);
  EXPECT_EQ(Count(*db), "2000");
}

TEST(PostgresSinkTest, AMalformedConninfoIsAStartError) {
  PostgresSink sink(TestOptions("host=db dbname"), nullptr);
  Status s = sink.Start();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.error().message.find("store.postgres is not a valid libpq connection string"),
            std::string::npos)
      << s.error().message;
  sink.Offer(MakeRecord());
  EXPECT_EQ(sink.stats().dropped_stopped, 1u);
}

// Inserts per second of the batch writer (printed; a loose floor so the test can fail).
TEST(PostgresSinkTest, MeasuresBatchInsertThroughput) {
  auto db = Database("pg_sink_speed");
  ASSERT_TRUE(db.ok()) << db.error().message;
  PostgresSink::Options options = TestOptions(db->conninfo());
  options.queue_records = 20000;
  options.queue_bytes = size_t{256} << 20;
  PostgresSink sink(options, nullptr);
  ASSERT_TRUE(sink.Start().ok());
  ASSERT_TRUE(WaitFor([&] { return sink.connected(); }));
  auto record = MakeRecord();
  constexpr int kRecords = 20000;
  const auto start = Clock::now();
  for (int i = 0; i < kRecords; ++i) sink.Offer(record);
  ASSERT_TRUE(WaitFor([&] { return sink.stats().written == kRecords; }, 60s))
      << sink.stats().written;
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  std::printf("batch writer: %d records (%zu bytes each) in %.3f s = %.0f records/s\n", kRecords,
              record->json.size(), seconds, kRecords / seconds);
  EXPECT_GT(kRecords / seconds, 500);
}

// ---- docs/SQL.md -----------------------------------------------------------------------------

// The ```sql blocks of docs/SQL.md.
std::vector<std::string> DocQueries() {
  std::ifstream in(std::string(SHADOWDIFF_SOURCE_DIR) + "/docs/SQL.md");
  std::vector<std::string> queries;
  std::string line;
  std::string current;
  bool inside = false;
  while (std::getline(in, line)) {
    if (!inside && line.starts_with("```sql")) {
      inside = true;
      current.clear();
    } else if (inside && line.starts_with("```")) {
      inside = false;
      queries.push_back(current);
    } else if (inside) {
      current += line + "\n";
    }
  }
  return queries;
}

TEST(PostgresSinkTest, EveryQueryOfTheSqlDocRunsAndTheFieldQueryUsesItsIndex) {
  auto db = Database("pg_sink_doc");
  ASSERT_TRUE(db.ok()) << db.error().message;
  PostgresSink sink(TestOptions(db->conninfo()), nullptr);
  ASSERT_TRUE(sink.Start().ok());
  for (int i = 0; i < 30; ++i) {
    RecordSpec spec;
    spec.target = "/merchants/m_" + std::to_string(i % 3) + "/customers?page=" + std::to_string(i);
    if (i % 2 == 1) {
      spec.diffs = {Diff{"$.items[" + std::to_string(i) + "].price", DiffKind::kValue, "1", "2"}};
    }
    sink.Offer(MakeRecord(spec));
  }
  for (int i = 0; i < 2; ++i) {
    RecordSpec failed;
    failed.outcome = Outcome::kShadowError;
    failed.new_answered = false;
    failed.diffs = {};
    sink.Offer(MakeRecord(failed));
  }
  ASSERT_TRUE(WaitFor([&] { return sink.stats().written == 32; }));
  // Other fields' rows around them, as in a real table, so the planner's choice is real.
  ASSERT_TRUE(db->Execute("INSERT INTO shadowdiff_examples (time, endpoint, method, target, "
                          "outcome, primary_side, fields, request) SELECT now() - "
                          "make_interval(secs => i), '/filler', 'GET', '/filler', 'mismatch', "
                          "'old', ARRAY['$.other' || (i % 50)], '{}' "
                          "FROM generate_series(1, 20000) i")
                  .ok());
  ASSERT_TRUE(db->Execute("ANALYZE shadowdiff_examples").ok());

  std::vector<std::string> queries = DocQueries();
  ASSERT_GE(queries.size(), 5u) << "docs/SQL.md lost its queries";
  PostgresConnection c;
  ASSERT_TRUE(c.Connect(db->conninfo(), 5s, "itest").ok());
  size_t with_rows = 0;
  for (const std::string& q : queries) {
    PostgresResult r = c.Exec(q, {}, Clock::now() + 10s);
    EXPECT_TRUE(r.ok) << r.message << "\n" << q;
    if (!r.rows.empty()) ++with_rows;
  }
  EXPECT_EQ(with_rows, queries.size()) << "every query should find the test's rows";

  // The "examples for one field" query (the one filtering on fields @>) uses the GIN index.
  std::string field_query;
  for (const std::string& q : queries) {
    if (q.find("fields @>") != std::string::npos) field_query = q;
  }
  ASSERT_FALSE(field_query.empty());
  PostgresResult plan = c.Exec("EXPLAIN " + field_query, {}, Clock::now() + 10s);
  ASSERT_TRUE(plan.ok) << plan.message;
  std::string text;
  for (const auto& row : plan.rows) text += row[0].value_or("") + "\n";
  EXPECT_NE(text.find("shadowdiff_examples_fields"), std::string::npos) << text;
}

}  // namespace
}  // namespace shadowdiff::test
