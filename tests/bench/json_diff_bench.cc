// Benchmarks of JsonDiffer (parse both sides + structural diff), on the pairs of
// pair_generator.h:
//
//   BM_Diff2KB                 64 distinct ~2 KB payment pairs in turn, ordered arrays and
//                              two ignore patterns; bytes = old + new, so MB/s per core
//   BM_DiffKeyed7MB            the ~7.5 MB keyed pair (10,000 records, shuffled, one field
//                              changed), arrays by_key "id"; wall time per pair
//   BM_DiffKeyed7MBIdentical   its old side against a copy of itself (JsonDiffer's fast
//                              path for byte-equal texts: one parse and a memcmp)
//   BM_RapidJsonParse*         RapidJSON parsing both sides and nothing else: the floor
//                              under the differ, to tell parse cost from diff cost
//   BM_JsonParser*             the differ's own parser (JsonParser) alone: the payment pairs'
//                              sides, or the two proxy bodies below, one text per iteration
//
// Before anything is timed, every pair is compared once and the benchmark aborts unless the
// differ reports exactly the pair's expected diffs: a broken differ is never measured.
// docs/PERFORMANCE.md has the numbers and tools/bench/compare-jsondiff reproduces them.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>
#include <rapidjson/document.h>

#include "comparators/compare_rules.h"
#include "comparators/json/json_differ.h"
#include "comparators/json/json_scratch.h"
#include "comparators/json/json_scratch_state.h"
#include "src/core/diff.h"
#include "tests/bench/pair_generator.h"

namespace shadowdiff::bench {
namespace {

constexpr size_t kPaymentPairs = 64;  // distinct pairs, so caches do not flatter

// Two bodies as tools/bench/lib.sh write_bodies makes them for the proxy benchmarks (Python's
// json.dumps: one line, ", " and ": " separators): old /merchants/m1 and new
// /merchants/m1/customers.
constexpr std::string_view kMerchantBody =
    R"({"merchant": {"id": "m1", "name": "Acme Coffee Roasters", )"
    R"("legal_name": "Acme Coffee Roasters LLC", "country": "US", "currency": "USD", )"
    R"("status": "active", "mcc": "5812", "created_at": "2024-06-01T12:00:00Z", )"
    R"("updated_at": "2026-11-22T08:00:00Z", "last_login_at": "2026-11-21T19:20:00Z", )"
    R"("settings": {"statement_descriptor": "ACME COFFEE", "payout_schedule": "daily", )"
    R"("payout_delay_days": 2, "risk_level": "normal", "3ds": "automatic"}, )"
    R"("bank_account": {"bank_name": "First Bank", "last4": "6789", "routing": "110000000", )"
    R"("currency": "USD", "status": "verified"}, "contacts": [{"role": "owner", )"
    R"("name": "Wile E. Coyote", "email": "owner@acme.test"}, {"role": "support", )"
    R"("name": "Road Runner", "email": "help@acme.test"}], )"
    R"("support": {"phone": "+1 415 555 0199", "url": "https://acme.test/help", )"
    R"("address": {"line1": "77 Mission St", "city": "San Francisco", "region": "CA", )"
    R"("zip": "94105", "country": "US"}}, "capabilities": {"card_payments": "active", )"
    R"("transfers": "active", "ach_debits": "pending", "apple_pay": "active"}, )"
    R"("limits": {"daily_volume": 250000.0, "single_charge": 10000.0, )"
    R"("refund_window_days": 90}}, "request_id": "req_7f3a9c2e11"})";
constexpr std::string_view kCustomersBody =
    R"({"customers": [{"token": "cus_0006Qz8XkLp2", "merchant_id": "m1", )"
    R"("name": "Grace Hopper", "email": "customer6@example.com", "phone": "+1 415 555 0106", )"
    R"("status": "active", "balance": 1256.75, "currency": "USD", )"
    R"("created_at": "2025-03-07T10:15:00Z", "updated_at": "2026-11-22T08:00:36Z"}, )"
    R"({"token": "cus_0005Qz8XkLp2", "merchant_id": "m1", "name": "Ada Lovelace", )"
    R"("email": "customer5@example.com", "phone": "+1 415 555 0105", "status": "active", )"
    R"("balance": 1255.75, "currency": "USD", "created_at": "2025-03-06T10:15:00Z", )"
    R"("updated_at": "2026-11-22T08:00:35Z"}, {"token": "cus_0004Qz8XkLp2", )"
    R"("merchant_id": "m1", "name": "Barbara Liskov", "email": "customer4@example.com", )"
    R"("phone": "+1 415 555 0104", "status": "active", "balance": 1254.75, "currency": "USD", )"
    R"("created_at": "2025-03-05T10:15:00Z", "updated_at": "2026-11-22T08:00:34Z"}, )"
    R"({"token": "cus_0003Qz8XkLp2", "merchant_id": "m1", "name": "Edsger Dijkstra", )"
    R"("email": "customer3@example.com", "phone": "+1 415 555 0103", "status": "active", )"
    R"("balance": 1253.75, "currency": "USD", "created_at": "2025-03-04T10:15:00Z", )"
    R"("updated_at": "2026-11-22T08:00:33Z"}, {"token": "cus_0002Qz8XkLp2", )"
    R"("merchant_id": "m1", "name": "Alan Turing", "email": "customer2@example.com", )"
    R"("phone": "+1 415 555 0102", "status": "active", "balance": 1252.75, "currency": "USD", )"
    R"("created_at": "2025-03-03T10:15:00Z", "updated_at": "2026-11-22T08:00:32Z"}, )"
    R"({"token": "cus_0001Qz8XkLp2", "merchant_id": "m1", "name": "Grace Hopper", )"
    R"("email": "customer1@example.com", "phone": "+1 415 555 0101", "status": "active", )"
    R"("balance": 1251.75, "currency": "USD", "created_at": "2025-03-02T10:15:00Z", )"
    R"("updated_at": "2026-11-22T08:00:31Z"}], "page": {"limit": 6, "has_more": true, )"
    R"("next_cursor": "cur_MTIzNDU2"}, "request_id": "req_0b5d8e4f92"})";

[[noreturn]] void Die(const std::string& message) {
  std::fprintf(stderr, "json_diff_bench: %s\n", message.c_str());
  std::abort();
}

JsonPath ParsePathOrDie(std::string_view text) {
  Result<JsonPath> path = JsonPath::Parse(text);
  if (!path.ok()) Die("bad ignore pattern: " + path.error().message);
  return std::move(path).value();
}

CompareRules PaymentRules() {
  CompareRules rules;
  rules.arrays.mode = ArrayMode::kOrdered;
  for (std::string_view pattern : kPaymentIgnorePatterns) {
    rules.ignore.push_back(ParsePathOrDie(pattern));
  }
  return rules;
}

CompareRules KeyedRules() {
  CompareRules rules;
  rules.arrays.mode = ArrayMode::kByKey;
  rules.arrays.key = std::string(kKeyedArrayKey);
  return rules;
}

// One per thread, kept for the whole process like a compare-pool worker's: timed iterations
// see a warm scratch (verification below warms it), not its first growth.
JsonScratch& WorkerScratch() {
  static thread_local JsonScratch scratch;
  return scratch;
}

// Compares every pair once; dies unless each yields exactly its expected diffs.
void VerifyOrDie(const JsonDiffer& differ, const std::vector<JsonPair>& pairs) {
  JsonScratch& scratch = WorkerScratch();
  for (const JsonPair& pair : pairs) {
    Comparison out;
    differ.Compare(pair.old_json, pair.new_json, scratch, &out);
    if (out.problem != BodyProblem::kNone) {
      Die(pair.name + ": differ reported problem " + std::string(BodyProblemName(out.problem)) +
          ": " + out.problem_detail);
    }
    if (std::string mismatch = CheckDiffs(pair, out.diffs); !mismatch.empty()) Die(mismatch);
  }
}

// A differ and its pairs, built and verified once, on first use (outside any timed loop).
struct Fixture {
  Fixture(const CompareRules& rules, std::vector<JsonPair> pairs_in)
      : differ(rules), pairs(std::move(pairs_in)) {
    VerifyOrDie(differ, pairs);
  }
  JsonDiffer differ;
  std::vector<JsonPair> pairs;
};

const Fixture& PaymentFixture() {
  static const Fixture* fixture = new Fixture(PaymentRules(), MakePaymentPairs(kPaymentPairs));
  return *fixture;
}

const JsonPair& KeyedPair() {
  static const JsonPair* pair = new JsonPair(MakeKeyedPair());
  return *pair;
}

const Fixture& KeyedFixture() {
  static const Fixture* fixture = new Fixture(KeyedRules(), {KeyedPair()});
  return *fixture;
}

const Fixture& KeyedIdenticalFixture() {
  static const Fixture* fixture = new Fixture(KeyedRules(), {MakeIdenticalPair(KeyedPair())});
  return *fixture;
}

// Compares the fixture's pairs in turn, one per iteration, as a compare-pool worker would:
// its JsonScratch reused, a fresh Comparison per pair.
void RunDiffer(benchmark::State& state, const Fixture& fixture) {
  JsonScratch& scratch = WorkerScratch();
  const std::vector<JsonPair>& pairs = fixture.pairs;
  size_t next = 0;
  int64_t bytes = 0;
  for (auto _ : state) {
    const JsonPair& pair = pairs[next];
    if (++next == pairs.size()) next = 0;
    Comparison out;
    fixture.differ.Compare(pair.old_json, pair.new_json, scratch, &out);
    benchmark::DoNotOptimize(out);
    bytes += static_cast<int64_t>(pair.bytes());
  }
  state.SetBytesProcessed(bytes);
  state.SetItemsProcessed(state.iterations());
  state.counters["pair_bytes"] =
      static_cast<double>(bytes) / static_cast<double>(state.iterations());
}

void BM_Diff2KB(benchmark::State& state) { RunDiffer(state, PaymentFixture()); }
BENCHMARK(BM_Diff2KB);

void BM_DiffKeyed7MB(benchmark::State& state) { RunDiffer(state, KeyedFixture()); }
BENCHMARK(BM_DiffKeyed7MB)->Unit(benchmark::kMillisecond)->UseRealTime();

void BM_DiffKeyed7MBIdentical(benchmark::State& state) {
  RunDiffer(state, KeyedIdenticalFixture());
}
BENCHMARK(BM_DiffKeyed7MBIdentical)->Unit(benchmark::kMillisecond)->UseRealTime();

// RapidJSON DOM parse of both sides into a reused memory pool: what any RapidJSON-based
// differ pays before it compares anything.
void RunParseOnly(benchmark::State& state, const std::vector<JsonPair>& pairs) {
  using Document = rapidjson::GenericDocument<rapidjson::UTF8<>, rapidjson::MemoryPoolAllocator<>>;
  rapidjson::MemoryPoolAllocator<> pool;
  size_t next = 0;
  int64_t bytes = 0;
  for (auto _ : state) {
    const JsonPair& pair = pairs[next];
    if (++next == pairs.size()) next = 0;
    {
      Document old_doc(&pool);
      Document new_doc(&pool);
      old_doc.Parse(pair.old_json.data(), pair.old_json.size());
      new_doc.Parse(pair.new_json.data(), pair.new_json.size());
      if (old_doc.HasParseError() || new_doc.HasParseError()) Die(pair.name + ": parse error");
      benchmark::DoNotOptimize(old_doc);
      benchmark::DoNotOptimize(new_doc);
    }
    pool.Clear();
    bytes += static_cast<int64_t>(pair.bytes());
  }
  state.SetBytesProcessed(bytes);
}

void BM_RapidJsonParse2KB(benchmark::State& state) { RunParseOnly(state, PaymentFixture().pairs); }
BENCHMARK(BM_RapidJsonParse2KB);

void BM_RapidJsonParseKeyed7MB(benchmark::State& state) {
  RunParseOnly(state, KeyedFixture().pairs);
}
BENCHMARK(BM_RapidJsonParseKeyed7MB)->Unit(benchmark::kMillisecond)->UseRealTime();

// JsonParser::Parse of `texts` in turn, one per iteration, into a warm scratch document.
void RunJsonParser(benchmark::State& state, const std::vector<std::string_view>& texts) {
  JsonScratchState& s = WorkerScratch().state();
  const size_t max_depth = CompareRules().max_depth;
  for (std::string_view text : texts) {
    if (!s.parser.Parse(text, max_depth, &s.old_doc).ok()) Die("JsonParser refused a text");
  }
  size_t next = 0;
  int64_t bytes = 0;
  for (auto _ : state) {
    const std::string_view text = texts[next];
    if (++next == texts.size()) next = 0;
    benchmark::DoNotOptimize(s.parser.Parse(text, max_depth, &s.old_doc));
    bytes += static_cast<int64_t>(text.size());
  }
  state.SetBytesProcessed(bytes);
}

void BM_JsonParser2KB(benchmark::State& state) {
  std::vector<std::string_view> texts;
  for (const JsonPair& pair : PaymentFixture().pairs) {
    texts.push_back(pair.old_json);
    texts.push_back(pair.new_json);
  }
  RunJsonParser(state, texts);
}
BENCHMARK(BM_JsonParser2KB);

void BM_JsonParserProxyBodies(benchmark::State& state) {
  RunJsonParser(state, {kMerchantBody, kCustomersBody});
}
BENCHMARK(BM_JsonParserProxyBodies);

}  // namespace
}  // namespace shadowdiff::bench

BENCHMARK_MAIN();
