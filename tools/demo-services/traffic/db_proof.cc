#include "db_proof.h"

#include <libpq-fe.h>

#include <memory>
#include <vector>

namespace demo_traffic {
namespace {

using Conn = std::unique_ptr<PGconn, decltype(&PQfinish)>;
using Res = std::unique_ptr<PGresult, decltype(&PQclear)>;

std::string Field(PGresult* r, int row, int col) {
  return PQgetisnull(r, row, col) ? std::string() : std::string(PQgetvalue(r, row, col));
}

std::string Describe(const CustomerRow& c) {
  return c.token + " {" + c.merchant_id + ", " + c.first_name + " " + c.last_name + ", " + c.email +
         ", " + c.phone + (c.deleted ? ", deleted" : "") + "}";
}

std::string Describe(const TransactionRow& t) {
  return t.id + " {" + t.merchant_id + ", " + std::to_string(t.amount_cents) + " " + t.currency +
         ", " + t.status + (t.customer_token.empty() ? "" : ", " + t.customer_token) + "}";
}

// Compares one table; returns the number of problems (and prints up to a few of them).
template <typename Row>
int CompareTable(const char* what, const std::map<std::string, Row>& model,
                 const std::map<std::string, Row>& before, const std::map<std::string, Row>& after,
                 std::vector<std::string>* problems) {
  int count = 0;
  auto report = [&](std::string text) {
    ++count;
    problems->push_back(std::string(what) + ": " + std::move(text));
  };
  for (const auto& [key, row] : model) {
    auto it = after.find(key);
    if (it == after.end()) {
      report("the primary answered " + Describe(row) + " but the row is not in the database");
    } else if (!(it->second == row)) {
      report("database " + Describe(it->second) + " but the primary answered " + Describe(row));
    }
  }
  for (const auto& [key, row] : after) {
    if (model.count(key) != 0) continue;
    auto old = before.find(key);
    if (old == before.end()) {
      report("row " + Describe(row) +
             " was written but no primary answer created it (a shadow write that landed?)");
    } else if (!(old->second == row)) {
      report("pre-existing row changed: " + Describe(old->second) + " -> " + Describe(row));
    }
  }
  for (const auto& [key, row] : before) {
    if (after.count(key) == 0) report("pre-existing row vanished: " + Describe(row));
  }
  return count;
}

}  // namespace

std::optional<Model> ReadDatabase(const std::string& conninfo, int timeout_seconds,
                                  std::string* error) {
  const std::string timeout = std::to_string(timeout_seconds);
  const std::string options = "-c statement_timeout=" + std::to_string(timeout_seconds * 1000);
  const char* keys[] = {"dbname", "connect_timeout", "options", nullptr};
  const char* values[] = {conninfo.c_str(), timeout.c_str(), options.c_str(), nullptr};
  Conn conn(PQconnectdbParams(keys, values, 1), &PQfinish);
  if (!conn || PQstatus(conn.get()) != CONNECTION_OK) {
    *error = std::string("cannot connect to the database: ") +
             (conn ? PQerrorMessage(conn.get()) : "out of memory");
    return std::nullopt;
  }
  Model model;
  Res customers(PQexec(conn.get(),
                       "SELECT token, merchant_id, first_name, last_name, email, phone, "
                       "deleted_at IS NOT NULL FROM customers"),
                &PQclear);
  if (PQresultStatus(customers.get()) != PGRES_TUPLES_OK) {
    *error = std::string("reading customers: ") + PQerrorMessage(conn.get());
    return std::nullopt;
  }
  for (int i = 0; i < PQntuples(customers.get()); ++i) {
    CustomerRow c;
    c.token = Field(customers.get(), i, 0);
    c.merchant_id = Field(customers.get(), i, 1);
    c.first_name = Field(customers.get(), i, 2);
    c.last_name = Field(customers.get(), i, 3);
    c.email = Field(customers.get(), i, 4);
    c.phone = Field(customers.get(), i, 5);
    c.deleted = Field(customers.get(), i, 6) == "t";
    model.customers[c.token] = c;
  }
  Res transactions(PQexec(conn.get(),
                          "SELECT id, merchant_id, customer_token, amount_cents, currency, status "
                          "FROM transactions"),
                   &PQclear);
  if (PQresultStatus(transactions.get()) != PGRES_TUPLES_OK) {
    *error = std::string("reading transactions: ") + PQerrorMessage(conn.get());
    return std::nullopt;
  }
  for (int i = 0; i < PQntuples(transactions.get()); ++i) {
    TransactionRow t;
    t.id = Field(transactions.get(), i, 0);
    t.merchant_id = Field(transactions.get(), i, 1);
    t.customer_token = Field(transactions.get(), i, 2);
    t.amount_cents = std::stoll("0" + Field(transactions.get(), i, 3));
    t.currency = Field(transactions.get(), i, 4);
    t.status = Field(transactions.get(), i, 5);
    model.transactions[t.id] = t;
  }
  return model;
}

bool ProveDatabase(const Model& model, const Model& before, const Model& after, std::ostream& out) {
  std::vector<std::string> problems;
  const int customer_problems =
      CompareTable("customers", model.customers, before.customers, after.customers, &problems);
  const int transaction_problems = CompareTable("transactions", model.transactions,
                                                before.transactions, after.transactions, &problems);

  int deleted = 0, updated = 0, voided = 0, new_customers = 0, new_transactions = 0;
  int db_deleted = 0, db_voided = 0;
  for (const auto& [k, c] : model.customers) {
    deleted += c.deleted ? 1 : 0;
    updated += c.updates > 0 ? 1 : 0;
  }
  for (const auto& [k, t] : model.transactions) voided += t.status == "voided" ? 1 : 0;
  for (const auto& [k, c] : after.customers) {
    if (before.customers.count(k) != 0) continue;
    ++new_customers;
    db_deleted += c.deleted ? 1 : 0;
  }
  for (const auto& [k, t] : after.transactions) {
    if (before.transactions.count(k) != 0) continue;
    ++new_transactions;
    db_voided += t.status == "voided" ? 1 : 0;
  }
  out << "  customers:    database " << new_customers << " new rows (" << db_deleted
      << " deleted)  vs  primary " << model.customers.size() << " creates (" << deleted
      << " deleted, " << updated << " updated)  "
      << (customer_problems == 0 ? "equal" : "DIFFERENT") << "\n";
  out << "  transactions: database " << new_transactions << " new rows (" << db_voided
      << " voided)  vs  primary " << model.transactions.size() << " sales (" << voided
      << " voided)  " << (transaction_problems == 0 ? "equal" : "DIFFERENT") << "\n";
  if (before.customers.size() + before.transactions.size() > 0) {
    out << "  (" << before.customers.size() << " customers and " << before.transactions.size()
        << " transactions were there before the run and are unchanged unless listed)\n";
  }
  for (size_t i = 0; i < problems.size() && i < 10; ++i) out << "    - " << problems[i] << "\n";
  if (problems.size() > 10) out << "    ... and " << problems.size() - 10 << " more\n";
  return problems.empty();
}

}  // namespace demo_traffic
