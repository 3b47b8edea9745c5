#include "tests/bench/pair_generator.h"

#include <algorithm>
#include <array>
#include <cinttypes>
#include <cstdio>
#include <utility>

#include <rapidjson/document.h>
#include <rapidjson/pointer.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

namespace shadowdiff::bench {
namespace {

using Allocator = rapidjson::Document::AllocatorType;
using rapidjson::Document;
using rapidjson::Value;

// SplitMix64: tiny, fast, and fully specified, unlike <random>'s distributions whose output
// differs between standard libraries.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}

  uint64_t Next() {
    uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform enough in [0, n) for test data; n > 0.
  uint64_t Below(uint64_t n) { return Next() % n; }
  int64_t Between(int64_t lo, int64_t hi) {
    return lo + static_cast<int64_t>(Below(static_cast<uint64_t>(hi - lo + 1)));
  }
  template <typename T, size_t N>
  const T& Pick(const std::array<T, N>& items) {
    return items[Below(N)];
  }

 private:
  uint64_t state_;
};

constexpr std::array<const char*, 12> kFirstNames = {"Ada",    "Grace",   "Linus",  "Margaret",
                                                     "Ken",    "Barbara", "Dennis", "Frances",
                                                     "Edsger", "Radia",   "Donald", "Hedy"};
constexpr std::array<const char*, 12> kLastNames = {"Lovelace", "Hopper",  "Torvalds", "Hamilton",
                                                    "Thompson", "Liskov",  "Ritchie",  "Allen",
                                                    "Dijkstra", "Perlman", "Knuth",    "Lamarr"};
constexpr std::array<const char*, 8> kStreets = {
    "Market Street",    "Rue de Rivoli",    "Friedrichstrasse", "Gran Via",
    "King Street West", "Elizabeth Street", "Nevsky Prospekt",  "Calle Florida"};
constexpr std::array<const char*, 8> kCities = {"San Francisco", "Paris",  "Berlin", "Madrid",
                                                "Toronto",       "Sydney", "Lisbon", "Dublin"};
constexpr std::array<const char*, 8> kCountries = {"US", "FR", "DE", "ES", "CA", "AU", "PT", "IE"};
constexpr std::array<const char*, 4> kCurrencies = {"usd", "eur", "gbp", "cad"};
constexpr std::array<const char*, 4> kBrands = {"visa", "mastercard", "amex", "discover"};
constexpr std::array<const char*, 5> kStatuses = {"succeeded", "pending", "failed", "refunded",
                                                  "disputed"};
constexpr std::array<const char*, 4> kSegments = {"smb", "enterprise", "consumer", "platform"};
constexpr std::array<const char*, 4> kChannels = {"web", "ios", "android", "pos"};

std::string Hex(Rng& rng, size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out(n, '0');
  for (char& c : out) c = kDigits[rng.Below(16)];
  return out;
}

std::string Digits(Rng& rng, size_t n) {
  std::string out(n, '0');
  for (char& c : out) c = static_cast<char>('0' + rng.Below(10));
  return out;
}

std::string Timestamp(Rng& rng) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "2024-%02d-%02dT%02d:%02d:%02d.%03dZ",
                static_cast<int>(rng.Between(1, 12)), static_cast<int>(rng.Between(1, 28)),
                static_cast<int>(rng.Between(0, 23)), static_cast<int>(rng.Between(0, 59)),
                static_cast<int>(rng.Between(0, 59)), static_cast<int>(rng.Between(0, 999)));
  return buf;
}

std::string Decimal(int64_t cents) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%" PRId64 ".%02" PRId64, cents / 100, cents % 100);
  return buf;
}

// Members are added in a fixed order; keys are literals (RapidJSON keeps a reference).
class Obj {
 public:
  explicit Obj(Allocator& alloc) : value_(rapidjson::kObjectType), alloc_(alloc) {}

  Obj& Str(const char* key, const std::string& s) {
    return Add(key, Value(s.data(), static_cast<rapidjson::SizeType>(s.size()), alloc_));
  }
  Obj& Int(const char* key, int64_t i) { return Add(key, Value(i)); }
  Obj& Num(const char* key, double d) { return Add(key, Value(d)); }
  Obj& Bool(const char* key, bool b) { return Add(key, Value(b)); }
  Obj& Null(const char* key) { return Add(key, Value(rapidjson::kNullType)); }
  Obj& Add(const char* key, Value v) {
    value_.AddMember(rapidjson::StringRef(key), v, alloc_);
    return *this;
  }
  Value Take() { return std::move(value_); }

 private:
  Value value_;
  Allocator& alloc_;
};

std::string Serialize(const Value& v) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  v.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

Value* At(Document& doc, const std::string& pointer) {
  Value* v = rapidjson::Pointer(pointer.c_str()).Get(doc);
  if (v == nullptr) {
    std::fprintf(stderr, "pair_generator: no value at %s\n", pointer.c_str());
    std::abort();
  }
  return v;
}

const char* OtherThan(Rng& rng, const char* current) {
  for (;;) {
    const char* s = rng.Pick(kStatuses);
    if (std::string_view(s) != current) return s;
  }
}

// ---- payment pairs -------------------------------------------------------------------------

constexpr int kAddresses = 2;
constexpr int kPaymentMethods = 2;
constexpr int kTransactions = 3;

Value MakeAddress(Rng& rng, const char* type, Allocator& a) {
  size_t city = rng.Below(kCities.size());
  return Obj(a)
      .Str("type", type)
      .Str("line1", std::to_string(rng.Between(1, 999)) + " " + rng.Pick(kStreets))
      .Null("line2")
      .Str("city", kCities[city])
      .Str("postal_code", Digits(rng, 5))
      .Str("country", kCountries[city])
      .Bool("verified", rng.Below(2) == 0)
      .Str("updated_at", Timestamp(rng))
      .Take();
}

Value MakePaymentMethod(Rng& rng, bool is_default, Allocator& a) {
  Value card = Obj(a)
                   .Str("brand", rng.Pick(kBrands))
                   .Str("last4", Digits(rng, 4))
                   .Int("exp_month", rng.Between(1, 12))
                   .Int("exp_year", rng.Between(2025, 2031))
                   .Str("fingerprint", Hex(rng, 16))
                   .Str("funding", rng.Below(3) == 0 ? "debit" : "credit")
                   .Take();
  return Obj(a)
      .Str("id", "pm_" + Hex(rng, 24))
      .Str("type", "card")
      .Add("card", std::move(card))
      .Bool("default", is_default)
      .Str("created_at", Timestamp(rng))
      .Take();
}

Value MakePaymentTransaction(Rng& rng, const char* currency, Allocator& a) {
  int64_t cents = rng.Between(100, 250'000);
  return Obj(a)
      .Str("id", "txn_" + Hex(rng, 24))
      .Num("amount", static_cast<double>(cents) / 100.0)
      .Str("amount_decimal", Decimal(cents))
      .Int("amount_minor", cents)
      .Str("currency", currency)
      .Str("status", rng.Pick(kStatuses))
      .Num("fee", static_cast<double>(cents * 29 / 1000 + 30) / 100.0)
      .Str("description", std::string("Order ") + Digits(rng, 6))
      .Str("created_at", Timestamp(rng))
      .Str("updated_at", Timestamp(rng))
      .Take();
}

Document MakeCustomer(Rng& rng) {
  Document doc(rapidjson::kObjectType);
  Allocator& a = doc.GetAllocator();
  std::string first = rng.Pick(kFirstNames);
  std::string last = rng.Pick(kLastNames);
  const char* currency = rng.Pick(kCurrencies);

  Value addresses(rapidjson::kArrayType);
  addresses.PushBack(MakeAddress(rng, "billing", a), a);
  addresses.PushBack(MakeAddress(rng, "shipping", a), a);
  Value methods(rapidjson::kArrayType);
  for (int i = 0; i < kPaymentMethods; ++i) methods.PushBack(MakePaymentMethod(rng, i == 0, a), a);
  Value transactions(rapidjson::kArrayType);
  for (int i = 0; i < kTransactions; ++i) {
    transactions.PushBack(MakePaymentTransaction(rng, currency, a), a);
  }
  Value metadata = Obj(a)
                       .Str("crm_id", "crm-" + Digits(rng, 8))
                       .Str("segment", rng.Pick(kSegments))
                       .Str("signup_channel", rng.Pick(kChannels))
                       .Take();

  Obj root(a);
  root.Str("request_id", "req_" + Hex(rng, 20))
      .Str("object", "customer")
      .Str("id", "cus_" + Hex(rng, 14))
      .Str("name", first + " " + last)
      .Str("email", first + "." + last + "@example.com")
      .Str("phone", "+1415" + Digits(rng, 7))
      .Bool("livemode", false)
      .Int("balance", -rng.Between(0, 50'000))
      .Str("currency", currency)
      .Bool("delinquent", false)
      .Str("created_at", Timestamp(rng))
      .Str("updated_at", Timestamp(rng))
      .Add("metadata", std::move(metadata))
      .Add("addresses", std::move(addresses))
      .Add("payment_methods", std::move(methods))
      .Add("transactions", std::move(transactions));
  Value v = root.Take();
  static_cast<Value&>(doc) = v;  // moves: RapidJSON assignment transfers ownership
  return doc;
}

// Changes that each make exactly one difference under the payment rules.
enum class Mutation {
  kTransactionStatus,
  kTransactionAmount,
  kTransactionDecimal,
  kEmail,
  kPhoneRemoved,
  kWalletAdded,
  kBalanceAsString,
  kPostalCode,
  kSegment,
  kCount,
};

ExpectedDiff Mutate(Rng& rng, Mutation m, Document& doc) {
  Allocator& a = doc.GetAllocator();
  const std::string txn = "/transactions/" + std::to_string(rng.Below(kTransactions));
  const std::string txn_path = "$.transactions[" + txn.substr(txn.rfind('/') + 1) + "]";
  switch (m) {
    case Mutation::kTransactionStatus: {
      Value* status = At(doc, txn + "/status");
      status->SetString(rapidjson::StringRef(OtherThan(rng, status->GetString())));
      return {txn_path + ".status", DiffKind::kValue};
    }
    case Mutation::kTransactionAmount: {
      Value* amount = At(doc, txn + "/amount");
      amount->SetDouble(amount->GetDouble() + 0.01);
      return {txn_path + ".amount", DiffKind::kValue};
    }
    case Mutation::kTransactionDecimal: {
      Value* decimal = At(doc, txn + "/amount_decimal");
      std::string longer = std::string(decimal->GetString()) + "0";  // "12.30" -> "12.300"
      decimal->SetString(longer.data(), static_cast<rapidjson::SizeType>(longer.size()), a);
      return {txn_path + ".amount_decimal", DiffKind::kValue};
    }
    case Mutation::kEmail: {
      Value* email = At(doc, "/email");
      std::string upper = email->GetString();
      for (char& c : upper) c = static_cast<char>(c >= 'a' && c <= 'z' ? c - 32 : c);
      email->SetString(upper.data(), static_cast<rapidjson::SizeType>(upper.size()), a);
      return {"$.email", DiffKind::kValue};
    }
    case Mutation::kPhoneRemoved:
      doc.RemoveMember("phone");
      return {"$.phone", DiffKind::kMissing};
    case Mutation::kWalletAdded: {
      size_t i = rng.Below(kPaymentMethods);
      At(doc, "/payment_methods/" + std::to_string(i) + "/card")
          ->AddMember("wallet", "apple_pay", a);
      return {"$.payment_methods[" + std::to_string(i) + "].card.wallet", DiffKind::kExtra};
    }
    case Mutation::kBalanceAsString: {
      Value* balance = At(doc, "/balance");
      std::string text = std::to_string(balance->GetInt64());
      balance->SetString(text.data(), static_cast<rapidjson::SizeType>(text.size()), a);
      return {"$.balance", DiffKind::kType};
    }
    case Mutation::kPostalCode: {
      size_t i = rng.Below(kAddresses);
      Value* zip = At(doc, "/addresses/" + std::to_string(i) + "/postal_code");
      std::string changed = zip->GetString();
      changed.back() = changed.back() == '9' ? '0' : static_cast<char>(changed.back() + 1);
      zip->SetString(changed.data(), static_cast<rapidjson::SizeType>(changed.size()), a);
      return {"$.addresses[" + std::to_string(i) + "].postal_code", DiffKind::kValue};
    }
    case Mutation::kSegment: {
      Value* segment = At(doc, "/metadata/segment");
      const char* now = segment->GetString();
      const char* next = now;
      while (std::string_view(next) == now) next = rng.Pick(kSegments);
      segment->SetString(rapidjson::StringRef(next));
      return {"$.metadata.segment", DiffKind::kValue};
    }
    case Mutation::kCount:
      break;
  }
  std::abort();
}

// What changes on every response and the rules ignore: request ids and update times.
void TouchVolatileFields(Rng& rng, Document& doc) {
  Allocator& a = doc.GetAllocator();
  std::string request_id = "req_" + Hex(rng, 20);
  doc["request_id"].SetString(request_id.data(),
                              static_cast<rapidjson::SizeType>(request_id.size()), a);
  auto touch = [&](Value& object) {
    std::string now = Timestamp(rng);
    object["updated_at"].SetString(now.data(), static_cast<rapidjson::SizeType>(now.size()), a);
  };
  touch(doc);
  for (Value& address : doc["addresses"].GetArray()) touch(address);
  for (Value& txn : doc["transactions"].GetArray()) touch(txn);
}

// ---- keyed pair ----------------------------------------------------------------------------

Value MakeKeyedRecord(Rng& rng, size_t index, Allocator& a) {
  char id[40];
  std::snprintf(id, sizeof id, "txn_%07zu_%s", index, Hex(rng, 12).c_str());
  int64_t cents = rng.Between(100, 500'000);
  const char* currency = rng.Pick(kCurrencies);
  size_t city = rng.Below(kCities.size());
  std::string first = rng.Pick(kFirstNames);
  std::string last = rng.Pick(kLastNames);

  Value customer = Obj(a)
                       .Str("email", first + "." + last + "@example.com")
                       .Str("name", first + " " + last)
                       .Take();
  Value method = Obj(a)
                     .Str("type", "card")
                     .Str("brand", rng.Pick(kBrands))
                     .Str("last4", Digits(rng, 4))
                     .Int("exp_month", rng.Between(1, 12))
                     .Int("exp_year", rng.Between(2025, 2031))
                     .Take();
  Value address = Obj(a)
                      .Str("line1", std::to_string(rng.Between(1, 999)) + " " + rng.Pick(kStreets))
                      .Str("city", kCities[city])
                      .Str("postal_code", Digits(rng, 5))
                      .Str("country", kCountries[city])
                      .Take();
  Value fee = Obj(a)
                  .Num("amount", static_cast<double>(cents * 29 / 1000 + 30) / 100.0)
                  .Str("currency", currency)
                  .Take();
  Value items(rapidjson::kArrayType);
  for (int i = 0; i < 2; ++i) {
    int64_t unit = rng.Between(150, 9'999);
    items.PushBack(Obj(a)
                       .Str("id", "li_" + Hex(rng, 14))
                       .Str("sku", "SKU-" + Digits(rng, 6))
                       .Int("quantity", rng.Between(1, 5))
                       .Num("unit_amount", static_cast<double>(unit) / 100.0)
                       .Take(),
                   a);
  }
  Value metadata =
      Obj(a).Str("order_id", "ord_" + Hex(rng, 12)).Str("channel", rng.Pick(kChannels)).Take();
  return Obj(a)
      .Str("id", id)
      .Num("amount", static_cast<double>(cents) / 100.0)
      .Str("amount_decimal", Decimal(cents))
      .Int("amount_minor", cents)
      .Str("currency", currency)
      .Str("status", rng.Pick(kStatuses))
      .Str("created_at", Timestamp(rng))
      .Str("updated_at", Timestamp(rng))
      .Add("customer", std::move(customer))
      .Add("payment_method", std::move(method))
      .Add("billing_address", std::move(address))
      .Add("fee", std::move(fee))
      .Add("line_items", std::move(items))
      .Add("metadata", std::move(metadata))
      .Take();
}

std::string Key(const ExpectedDiff& d) {
  return std::string(DiffKindName(d.kind)) + " " + FieldKey(d.path);
}

}  // namespace

std::vector<JsonPair> MakePaymentPairs(size_t count, uint64_t seed) {
  Rng rng(seed);
  std::vector<JsonPair> pairs;
  pairs.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    Document old_doc = MakeCustomer(rng);
    Document new_doc;
    new_doc.CopyFrom(old_doc, new_doc.GetAllocator());
    TouchVolatileFields(rng, new_doc);

    JsonPair pair;
    char name[32];
    std::snprintf(name, sizeof name, "payment-%02zu", i);
    pair.name = name;
    // One or two distinct mutations (the table's order makes their paths distinct too).
    constexpr auto kKinds = static_cast<uint64_t>(Mutation::kCount);
    uint64_t first = rng.Below(kKinds);
    pair.expected.push_back(Mutate(rng, static_cast<Mutation>(first), new_doc));
    if (rng.Below(2) == 0) {
      uint64_t second = (first + 1 + rng.Below(kKinds - 1)) % kKinds;
      ExpectedDiff d = Mutate(rng, static_cast<Mutation>(second), new_doc);
      pair.expected.push_back(std::move(d));
    }
    pair.old_json = Serialize(old_doc);
    pair.new_json = Serialize(new_doc);
    pairs.push_back(std::move(pair));
  }
  return pairs;
}

JsonPair MakeKeyedPair(size_t records, uint64_t seed) {
  Rng rng(seed ^ 0x6b65'7965'6400'0000);  // "keyed"
  Document old_doc(rapidjson::kObjectType);
  {
    Allocator& a = old_doc.GetAllocator();
    Value list(rapidjson::kArrayType);
    list.Reserve(static_cast<rapidjson::SizeType>(records), a);
    for (size_t i = 0; i < records; ++i) list.PushBack(MakeKeyedRecord(rng, i, a), a);
    old_doc.AddMember("transactions", list, a);
  }

  Document new_doc;
  new_doc.CopyFrom(old_doc, new_doc.GetAllocator());
  Value& list = new_doc["transactions"];
  // Fisher-Yates; origin[p] is the old index of the record now at position p.
  std::vector<size_t> origin(records);
  for (size_t i = 0; i < records; ++i) origin[i] = i;
  for (size_t i = records; i > 1; --i) {
    size_t j = rng.Below(i);
    list[static_cast<rapidjson::SizeType>(i - 1)].Swap(list[static_cast<rapidjson::SizeType>(j)]);
    std::swap(origin[i - 1], origin[j]);
  }

  JsonPair pair;
  pair.name = "keyed-" + std::to_string(records);
  if (records > 0) {
    size_t p = rng.Below(records);
    Value& status = list[static_cast<rapidjson::SizeType>(p)]["status"];
    status.SetString(rapidjson::StringRef(OtherThan(rng, status.GetString())));
    pair.expected.push_back(
        {"$.transactions[" + std::to_string(origin[p]) + "].status", DiffKind::kValue});
  }
  pair.old_json = Serialize(old_doc);
  pair.new_json = Serialize(new_doc);
  return pair;
}

JsonPair MakeIdenticalPair(const JsonPair& pair) {
  JsonPair same;
  same.name = pair.name + "-identical";
  same.old_json = pair.old_json;
  same.new_json = std::string(pair.old_json.data(), pair.old_json.size());  // own buffer
  return same;
}

std::string CheckDiffs(const JsonPair& pair, const std::vector<Diff>& diffs) {
  std::vector<std::string> want;
  for (const ExpectedDiff& d : pair.expected) want.push_back(Key(d));
  std::vector<std::string> got;
  for (const Diff& d : diffs) got.push_back(Key({d.path, d.kind}));
  std::sort(want.begin(), want.end());
  std::sort(got.begin(), got.end());
  if (want == got) return "";

  std::string message = pair.name + ": expected " + std::to_string(want.size()) + " diff(s) [";
  for (const ExpectedDiff& d : pair.expected) {
    message += " " + std::string(DiffKindName(d.kind)) + " " + d.path;
  }
  message += " ] but the differ reported " + std::to_string(diffs.size()) + " [";
  for (size_t i = 0; i < diffs.size() && i < 10; ++i) {
    message += " " + std::string(DiffKindName(diffs[i].kind)) + " " + diffs[i].path;
  }
  if (diffs.size() > 10) message += " ...";
  message += " ]";
  return message;
}

}  // namespace shadowdiff::bench
