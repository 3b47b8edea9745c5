#include "tests/support/test_database.h"

#include <libpq-fe.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <sstream>
#include <utility>

namespace shadowdiff::test {
namespace {

std::string Trimmed(std::string text) {
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.pop_back();
  }
  size_t start = 0;
  while (start < text.size() && (text[start] == ' ' || text[start] == '\t')) ++start;
  return text.substr(start);
}

Result<std::string> ReadClusterConninfo() {
  const char* file = std::getenv(kConninfoFileEnv);
  if (file == nullptr || *file == '\0') {
    return Error{std::string(kConninfoFileEnv) +
                 " is not set: this test needs the throwaway PostgreSQL cluster. Run it through "
                 "ctest (which starts the cluster with the pg_cluster_start fixture), or start "
                 "one with `tools/pg-cluster start DIR` and set " +
                 kConninfoFileEnv + "=DIR/conninfo"};
  }
  std::ifstream in(file);
  if (!in) {
    return Error{std::string("cannot read ") + file + " (named by " + kConninfoFileEnv +
                 "): did the pg_cluster_start fixture run and succeed?"};
  }
  std::stringstream text;
  text << in.rdbuf();
  std::string conninfo = Trimmed(text.str());
  if (conninfo.empty()) {
    return Error{std::string(file) + " (named by " + kConninfoFileEnv +
                 ") is empty: pg_cluster_start did not print a conninfo (see its output)"};
  }
  return conninfo;
}

// `conninfo` with dbname replaced (works for key=value strings and URIs alike).
Result<std::string> WithDatabase(const std::string& conninfo, const std::string& dbname) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(conninfo.c_str(), &error);
  if (options == nullptr) {
    std::string message = error != nullptr ? Trimmed(error) : "out of memory";
    PQfreemem(error);
    return Error{"cannot parse the cluster conninfo \"" + conninfo + "\": " + message};
  }
  auto quoted = [](std::string_view value) {
    std::string out = "'";
    for (char c : value) {
      if (c == '\'' || c == '\\') out.push_back('\\');
      out.push_back(c);
    }
    return out + "'";
  };
  std::string result;
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (o->val == nullptr || std::string_view(o->keyword) == "dbname") continue;
    result += std::string(o->keyword) + "=" + quoted(o->val) + " ";
  }
  PQconninfoFree(options);
  return result + "dbname=" + quoted(dbname);
}

std::string ConnectionError(PGconn* conn) {
  return conn == nullptr ? "out of memory" : Trimmed(PQerrorMessage(conn));
}

Result<PGconn*> Connect(const std::string& conninfo) {
  PGconn* conn = PQconnectdb(conninfo.c_str());
  if (conn == nullptr || PQstatus(conn) != CONNECTION_OK) {
    std::string message = ConnectionError(conn);
    PQfinish(conn);
    return Error{"cannot connect to the test cluster (" + conninfo + "): " + message};
  }
  return conn;
}

// Runs `sql` on `conn`; when `value` is given, also returns the first column of the first row.
Status Run(PGconn* conn, std::string_view sql, const std::vector<std::string>& params,
           std::string* value) {
  const std::string statement(sql);
  PGresult* result;
  if (params.empty()) {
    result = PQexec(conn, statement.c_str());
  } else {
    std::vector<const char*> values;
    values.reserve(params.size());
    for (const std::string& p : params) values.push_back(p.c_str());
    result = PQexecParams(conn, statement.c_str(), static_cast<int>(values.size()), nullptr,
                          values.data(), nullptr, nullptr, 0);
  }
  const ExecStatusType status = result != nullptr ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  Status outcome;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    std::string message = result != nullptr ? Trimmed(PQresultErrorMessage(result)) : "";
    if (message.empty()) message = ConnectionError(conn);
    outcome = Error{"\"" + statement + "\" failed: " + message};
  } else if (value != nullptr) {
    if (PQntuples(result) < 1 || PQnfields(result) < 1) {
      outcome = Error{"\"" + statement + "\" returned no value"};
    } else if (PQgetisnull(result, 0, 0)) {
      outcome = Error{"\"" + statement + "\" returned NULL"};
    } else {
      *value = PQgetvalue(result, 0, 0);
    }
  }
  PQclear(result);
  return outcome;
}

std::string UniqueName(std::string_view hint) {
  std::string name = "t_";
  for (char c : hint) {
    if (name.size() >= 30) break;
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_') name.push_back(c);
  }
  static std::atomic<unsigned> counter{0};
  std::random_device random;
  return name + "_" + std::to_string(getpid()) + "_" + std::to_string(counter++) + "_" +
         std::to_string(random() % 1000000);
}

}  // namespace

Result<TestDatabase> TestDatabase::Create(std::string_view name_hint) {
  Result<std::string> admin_conninfo = ReadClusterConninfo();
  if (!admin_conninfo.ok()) return std::move(admin_conninfo).error();
  Result<PGconn*> admin = Connect(*admin_conninfo);
  if (!admin.ok()) return std::move(admin).error();

  std::string name = UniqueName(name_hint);
  Status created = Run(*admin, "CREATE DATABASE \"" + name + "\"", {}, nullptr);
  PQfinish(*admin);
  if (!created.ok()) return Error{"cannot create the test database: " + created.error().message};

  Result<std::string> conninfo = WithDatabase(*admin_conninfo, name);
  Result<PGconn*> observer =
      conninfo.ok() ? Connect(*conninfo) : Result<PGconn*>(Error{conninfo.error().message});
  // From here the TestDatabase owns the database (its destructor drops it), even on error.
  TestDatabase db(std::move(*admin_conninfo), std::move(name),
                  conninfo.ok() ? std::move(*conninfo) : std::string(),
                  observer.ok() ? *observer : nullptr);
  if (!observer.ok()) return std::move(observer).error();
  return db;
}

TestDatabase::TestDatabase(TestDatabase&& other) noexcept
    : admin_conninfo_(std::move(other.admin_conninfo_)),
      name_(std::exchange(other.name_, std::string())),
      conninfo_(std::move(other.conninfo_)),
      observer_(std::exchange(other.observer_, nullptr)) {}

TestDatabase::~TestDatabase() {
  if (observer_ != nullptr) PQfinish(observer_);
  if (name_.empty()) return;  // moved from
  Result<PGconn*> admin = Connect(admin_conninfo_);
  Status dropped =
      admin.ok()
          ? Run(*admin, "DROP DATABASE IF EXISTS \"" + name_ + "\" WITH (FORCE)", {}, nullptr)
          : Status(Error{admin.error().message});
  if (admin.ok()) PQfinish(*admin);
  if (!dropped.ok()) {
    std::fprintf(stderr, "TestDatabase: cannot drop %s: %s\n", name_.c_str(),
                 dropped.error().message.c_str());
  }
}

Status TestDatabase::Execute(std::string_view sql, const std::vector<std::string>& params) {
  return Run(observer_, sql, params, nullptr);
}

Result<std::string> TestDatabase::Scalar(std::string_view sql,
                                         const std::vector<std::string>& params) {
  std::string value;
  if (Status ran = Run(observer_, sql, params, &value); !ran.ok()) return ran.error();
  return value;
}

}  // namespace shadowdiff::test
