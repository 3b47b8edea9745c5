// The request mix of demo-traffic. A Worker (one per client thread) sends a deterministic
// sequence of operations (from its seed) through the proxy: customers create/get/update/
// delete/list with paging, transactions sale/void/get/list, merchants get, and a few
// not-found and invalid requests. Each worker writes only to the customers and transactions
// it created itself, so its Model of what the primary answered is exact under concurrency.
// Every answer is checked against the status API.md promises for that request.
#ifndef SHADOWDIFF_DEMO_TRAFFIC_WORKLOAD_H_
#define SHADOWDIFF_DEMO_TRAFFIC_WORKLOAD_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "http_client.h"
#include "model.h"

namespace demo_traffic {

struct OpStats {
  int sent = 0;
  int unexpected = 0;                // answered with a status API.md does not promise
  int transport_errors = 0;          // no answer (connect/timeout/reset)
  std::vector<std::string> samples;  // a few unexpected answers, for the report
};

struct RunStats {
  std::map<std::string, OpStats> by_op;  // by operation name
  std::vector<double> latencies;         // seconds, every request
  int sent = 0;

  void Merge(const RunStats& other);
  int unexpected() const;
  int transport_errors() const;
};

struct WorkloadOptions {
  std::string proxy;  // HOST:PORT
  std::chrono::milliseconds timeout{10000};
  double write_share = 0.3;
  uint64_t seed = 1;
  std::string run_tag;          // makes e-mails unique across runs on one database
  bool customers_only = false;  // only the customers endpoints (the shadowed ones)
};

class Worker {
 public:
  Worker(int index, const WorkloadOptions& options);

  // Sends requests until `budget` requests are used or `stop` becomes true.
  void Run(int budget, const std::atomic<bool>* stop);
  // One operation (one or a few requests).
  void Step();

  const Model& model() const { return model_; }
  const RunStats& stats() const { return stats_; }

 private:
  struct Answer {
    HttpResponse response;
    bool as_expected = false;
  };
  Answer Send(const std::string& op, const std::string& method, const std::string& target,
              const std::string& body, std::initializer_list<int> expected);

  // Operations.
  void CreateCustomer();
  void CreateConflict();
  void CreateInvalid();
  void GetCustomer();
  void UpdateCustomer();
  void DeleteCustomer();
  void ListCustomers();
  void GetMissingCustomer();
  void GetMerchant();
  void GetMissingMerchant();
  void Sale();
  void Void();
  void GetTransaction();
  void ListTransactions();
  void GetMissingTransaction();

  // Helpers over the RNG and the model.
  const std::string& Merchant();
  std::string Hex16();
  CustomerRow* PickActiveCustomer();  // nullptr when none
  TransactionRow* PickTransaction();  // nullptr when none
  std::string NewEmail(const std::string& first, const std::string& last);

  int index_;
  WorkloadOptions options_;
  HttpClient client_;
  std::mt19937_64 rng_;
  Model model_;
  std::vector<std::string> active_;        // tokens of own customers not deleted
  std::vector<std::string> transactions_;  // ids of own transactions
  RunStats stats_;
  int counter_ = 0;
  int budget_left_ = 0;
};

}  // namespace demo_traffic

#endif  // SHADOWDIFF_DEMO_TRAFFIC_WORKLOAD_H_
