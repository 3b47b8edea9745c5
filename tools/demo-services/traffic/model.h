// The model of what the PRIMARY answered during a run: every customer it created (with the
// last field values it accepted and whether it deleted it) and every sale it settled (and
// whether it voided it). The database must hold exactly this (db_proof.h).
#ifndef SHADOWDIFF_DEMO_TRAFFIC_MODEL_H_
#define SHADOWDIFF_DEMO_TRAFFIC_MODEL_H_

#include <cstdint>
#include <map>
#include <string>

namespace demo_traffic {

struct CustomerRow {
  std::string token;
  std::string merchant_id;
  std::string first_name;
  std::string last_name;
  std::string email;
  std::string phone;
  bool deleted = false;
  int updates = 0;  // accepted PUTs

  bool operator==(const CustomerRow& o) const {
    return token == o.token && merchant_id == o.merchant_id && first_name == o.first_name &&
           last_name == o.last_name && email == o.email && phone == o.phone && deleted == o.deleted;
  }
};

struct TransactionRow {
  std::string id;
  std::string merchant_id;
  std::string customer_token;  // empty when none
  int64_t amount_cents = 0;
  std::string currency;
  std::string status;  // settled | voided

  bool operator==(const TransactionRow& o) const {
    return id == o.id && merchant_id == o.merchant_id && customer_token == o.customer_token &&
           amount_cents == o.amount_cents && currency == o.currency && status == o.status;
  }
};

struct Model {
  std::map<std::string, CustomerRow> customers;        // by token
  std::map<std::string, TransactionRow> transactions;  // by id

  void Merge(const Model& other) {
    customers.insert(other.customers.begin(), other.customers.end());
    transactions.insert(other.transactions.begin(), other.transactions.end());
  }
};

}  // namespace demo_traffic

#endif  // SHADOWDIFF_DEMO_TRAFFIC_MODEL_H_
