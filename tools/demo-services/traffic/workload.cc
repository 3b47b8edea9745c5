#include "workload.h"

#include <algorithm>
#include <cstdio>

#include "json_util.h"

namespace demo_traffic {
namespace {

const std::vector<std::string> kMerchants = {"m_acme", "m_globex", "m_initech"};
const std::vector<std::string> kFirst = {"Ada",   "Grace", "Alan",  "Edsger", "Barbara",
                                         "Linus", "Ken",   "Radia", "Donald", "Frances"};
const std::vector<std::string> kLast = {"Lovelace", "Hopper",   "Turing",  "Dijkstra", "Liskov",
                                        "Torvalds", "Thompson", "Perlman", "Knuth",    "Allen"};
// Luhn-valid test numbers (settle) and one that fails Luhn (declined with 402).
const std::vector<std::string> kCards = {"4242424242424242", "5555555555554444", "378282246310005"};
const char kDeclinedCard[] = "4242424242424241";

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::string Amount(int64_t cents) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%lld.%02lld", static_cast<long long>(cents / 100),
                static_cast<long long>(cents % 100));
  return buffer;
}

}  // namespace

void RunStats::Merge(const RunStats& other) {
  for (const auto& [op, s] : other.by_op) {
    OpStats& mine = by_op[op];
    mine.sent += s.sent;
    mine.unexpected += s.unexpected;
    mine.transport_errors += s.transport_errors;
    for (const auto& sample : s.samples) {
      if (mine.samples.size() < 3) mine.samples.push_back(sample);
    }
  }
  latencies.insert(latencies.end(), other.latencies.begin(), other.latencies.end());
  sent += other.sent;
}

int RunStats::unexpected() const {
  int n = 0;
  for (const auto& [op, s] : by_op) n += s.unexpected;
  return n;
}

int RunStats::transport_errors() const {
  int n = 0;
  for (const auto& [op, s] : by_op) n += s.transport_errors;
  return n;
}

Worker::Worker(int index, const WorkloadOptions& options)
    : index_(index),
      options_(options),
      client_(options.proxy, options.timeout),
      rng_(options.seed * 1000003ULL + static_cast<uint64_t>(index) * 7919ULL + 17ULL) {}

void Worker::Run(int budget, const std::atomic<bool>* stop) {
  budget_left_ = budget;
  while (budget_left_ > 0 && (stop == nullptr || !stop->load())) Step();
}

Worker::Answer Worker::Send(const std::string& op, const std::string& method,
                            const std::string& target, const std::string& body,
                            std::initializer_list<int> expected) {
  Answer answer;
  answer.response = client_.Send(method, target, body);
  --budget_left_;
  ++stats_.sent;
  stats_.latencies.push_back(answer.response.seconds);
  OpStats& s = stats_.by_op[op];
  ++s.sent;
  if (answer.response.status == 0) {
    ++s.transport_errors;
    if (s.samples.size() < 3) {
      s.samples.push_back(method + " " + target + " -> no answer: " + answer.response.error);
    }
    return answer;
  }
  answer.as_expected =
      std::find(expected.begin(), expected.end(), answer.response.status) != expected.end();
  if (!answer.as_expected) {
    ++s.unexpected;
    if (s.samples.size() < 3) {
      s.samples.push_back(method + " " + target + " -> " + std::to_string(answer.response.status) +
                          " " + answer.response.body.substr(0, 160));
    }
  }
  return answer;
}

const std::string& Worker::Merchant() { return kMerchants[rng_() % kMerchants.size()]; }

std::string Worker::Hex16() {
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(rng_()));
  return buffer;
}

CustomerRow* Worker::PickActiveCustomer() {
  if (active_.empty()) return nullptr;
  return &model_.customers[active_[rng_() % active_.size()]];
}

TransactionRow* Worker::PickTransaction() {
  if (transactions_.empty()) return nullptr;
  return &model_.transactions[transactions_[rng_() % transactions_.size()]];
}

std::string Worker::NewEmail(const std::string& first, const std::string& last) {
  return Lower(first + "." + last + "." + options_.run_tag + "-" + std::to_string(index_) + "-" +
               std::to_string(++counter_) + "@example.com");
}

void Worker::Step() {
  const double roll = std::uniform_real_distribution<double>(0, 1)(rng_);
  const int pick = static_cast<int>(rng_() % 100);
  if (roll < options_.write_share) {
    if (options_.customers_only) {
      if (pick < 46) return CreateCustomer();
      if (pick < 76) return UpdateCustomer();
      if (pick < 94) return DeleteCustomer();
      if (pick < 97) return CreateConflict();
      return CreateInvalid();
    }
    if (pick < 40) return CreateCustomer();
    if (pick < 62) return UpdateCustomer();
    if (pick < 72) return DeleteCustomer();
    if (pick < 75) return CreateConflict();
    if (pick < 78) return CreateInvalid();
    if (pick < 93) return Sale();
    return Void();
  }
  if (options_.customers_only) {
    if (pick < 60) return GetCustomer();
    if (pick < 90) return ListCustomers();
    return GetMissingCustomer();
  }
  if (pick < 35) return GetCustomer();
  if (pick < 55) return ListCustomers();
  if (pick < 63) return GetMerchant();
  if (pick < 73) return GetTransaction();
  if (pick < 81) return ListTransactions();
  if (pick < 89) return GetMissingCustomer();
  if (pick < 92) return GetMissingMerchant();
  if (pick < 95) return GetMissingTransaction();
  return GetCustomer();
}

void Worker::CreateCustomer() {
  CustomerRow row;
  row.merchant_id = Merchant();
  row.first_name = kFirst[rng_() % kFirst.size()];
  row.last_name = kLast[rng_() % kLast.size()];
  row.email = NewEmail(row.first_name, row.last_name);
  row.phone = "+1 555 " + std::to_string(1000000 + rng_() % 9000000);
  const std::string body = JsonObject()
                               .Str("first_name", row.first_name)
                               .Str("last_name", row.last_name)
                               .Str("email", row.email)
                               .Str("phone", row.phone)
                               .Build();
  Answer a =
      Send("customers create", "POST", "/merchants/" + row.merchant_id + "/customers", body, {201});
  if (!a.as_expected) return;
  auto doc = ParseJson(a.response.body);
  auto token = doc ? StringAt(*doc, {"customer", "token"}) : std::nullopt;
  if (!token) {
    OpStats& s = stats_.by_op["customers create"];
    ++s.unexpected;
    if (s.samples.size() < 3) s.samples.push_back("201 without customer.token: " + a.response.body);
    return;
  }
  row.token = *token;
  model_.customers[row.token] = row;
  active_.push_back(row.token);
}

void Worker::CreateConflict() {
  CustomerRow* c = PickActiveCustomer();
  if (c == nullptr) return CreateCustomer();
  const std::string body = JsonObject()
                               .Str("first_name", "Dup")
                               .Str("last_name", c->last_name)
                               .Str("email", c->email)
                               .Str("phone", "+1 555 0000000")
                               .Build();
  Send("customers create (duplicate e-mail)", "POST", "/merchants/" + c->merchant_id + "/customers",
       body, {409});
}

void Worker::CreateInvalid() {
  const std::string body = JsonObject()
                               .Str("first_name", "No")
                               .Str("last_name", "Email")
                               .Str("email", "not-an-email")
                               .Build();
  Send("customers create (invalid)", "POST", "/merchants/" + Merchant() + "/customers", body,
       {422});
}

void Worker::GetCustomer() {
  CustomerRow* c = PickActiveCustomer();
  if (c == nullptr) return CreateCustomer();
  Send("customers get", "GET", "/merchants/" + c->merchant_id + "/customers/" + c->token, "",
       {200});
}

void Worker::UpdateCustomer() {
  CustomerRow* c = PickActiveCustomer();
  if (c == nullptr) return CreateCustomer();
  CustomerRow next = *c;
  JsonObject body;
  const int fields = 1 + static_cast<int>(rng_() % 7);  // a non-empty subset of 3 fields
  if (fields & 1) {
    next.phone = "+1 555 " + std::to_string(1000000 + rng_() % 9000000);
    body.Str("phone", next.phone);
  }
  if (fields & 2) {
    next.last_name = kLast[rng_() % kLast.size()];
    body.Str("last_name", next.last_name);
  }
  if (fields & 4) {
    next.email = NewEmail(next.first_name, next.last_name);
    body.Str("email", next.email);
  }
  Answer a = Send("customers update", "PUT",
                  "/merchants/" + c->merchant_id + "/customers/" + c->token, body.Build(), {200});
  if (!a.as_expected) return;
  next.updates = c->updates + 1;
  *c = next;
}

void Worker::DeleteCustomer() {
  CustomerRow* c = PickActiveCustomer();
  if (c == nullptr) return CreateCustomer();
  Answer a = Send("customers delete", "DELETE",
                  "/merchants/" + c->merchant_id + "/customers/" + c->token, "", {200});
  if (!a.as_expected) return;
  c->deleted = true;
  active_.erase(std::find(active_.begin(), active_.end(), c->token));
}

void Worker::ListCustomers() {
  const std::string merchant = Merchant();
  const std::string limit = std::to_string(3 + rng_() % 8);
  std::string after;
  for (int page = 0; page < 3 && budget_left_ > 0; ++page) {
    std::string target = "/merchants/" + merchant + "/customers?limit=" + limit;
    if (!after.empty()) target += "&after=" + after;
    Answer a = Send("customers list", "GET", target, "", {200});
    if (!a.as_expected) return;
    auto doc = ParseJson(a.response.body);
    auto next = doc ? StringAt(*doc, {"next"}) : std::nullopt;
    if (!next || rng_() % 2 == 0) return;  // last page, or the client stops reading
    after = *next;
  }
}

void Worker::GetMissingCustomer() {
  Send("customers get (not found)", "GET", "/merchants/" + Merchant() + "/customers/cus_" + Hex16(),
       "", {404});
}

void Worker::GetMerchant() { Send("merchants get", "GET", "/merchants/" + Merchant(), "", {200}); }

void Worker::GetMissingMerchant() {
  Send("merchants get (not found)", "GET", "/merchants/m_" + Hex16().substr(0, 8), "", {404});
}

void Worker::Sale() {
  TransactionRow row;
  row.merchant_id = Merchant();
  row.amount_cents = 100 + static_cast<int64_t>(rng_() % 50000);
  row.currency = rng_() % 4 == 0 ? "EUR" : "USD";
  const bool declined = rng_() % 10 == 0;
  const std::string card = declined ? kDeclinedCard : kCards[rng_() % kCards.size()];
  JsonObject body;
  body.Str("amount", Amount(row.amount_cents)).Str("currency", row.currency);
  if (rng_() % 3 != 0) {
    // A customer of this merchant, when this worker has one.
    for (const std::string& token : active_) {
      if (model_.customers[token].merchant_id == row.merchant_id) {
        row.customer_token = token;
        body.Str("customer_token", token);
        break;
      }
    }
  }
  body.Raw("card", JsonObject().Str("number", card).Str("cvv", "123").Str("exp", "12/30").Build());
  Answer a =
      Send(declined ? "transactions sale (declined)" : "transactions sale", "POST",
           "/merchants/" + row.merchant_id + "/transactions", body.Build(), {declined ? 402 : 201});
  if (declined || !a.as_expected) return;
  auto doc = ParseJson(a.response.body);
  auto id = doc ? StringAt(*doc, {"transaction", "id"}) : std::nullopt;
  if (!id) {
    OpStats& s = stats_.by_op["transactions sale"];
    ++s.unexpected;
    if (s.samples.size() < 3) s.samples.push_back("201 without transaction.id: " + a.response.body);
    return;
  }
  row.id = *id;
  row.status = "settled";
  model_.transactions[row.id] = row;
  transactions_.push_back(row.id);
}

void Worker::Void() {
  TransactionRow* t = PickTransaction();
  if (t == nullptr) return Sale();
  const bool settled = t->status == "settled";
  Answer a = Send(settled ? "transactions void" : "transactions void (already voided)", "POST",
                  "/merchants/" + t->merchant_id + "/transactions/" + t->id + "/void", "",
                  {settled ? 200 : 409});
  if (settled && a.as_expected) t->status = "voided";
}

void Worker::GetTransaction() {
  TransactionRow* t = PickTransaction();
  if (t == nullptr) return ListTransactions();
  Send("transactions get", "GET", "/merchants/" + t->merchant_id + "/transactions/" + t->id, "",
       {200});
}

void Worker::ListTransactions() {
  Send("transactions list", "GET",
       "/merchants/" + Merchant() + "/transactions?limit=" + std::to_string(5 + rng_() % 10), "",
       {200});
}

void Worker::GetMissingTransaction() {
  Send("transactions get (not found)", "GET",
       "/merchants/" + Merchant() + "/transactions/txn_" + Hex16(), "", {404});
}

}  // namespace demo_traffic
