// demo-traffic: the demo's client. Drives a deterministic mix of requests through the
// shadowdiff proxy to the demo services, then prints what the proxy saw per endpoint (from
// /metrics) and the proof that the database holds only the primary's writes.
// See flags.cc for the command line; exit 0 PASS, 1 FAIL, 2 usage or setup error.
#include <algorithm>
#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <thread>
#include <vector>

#include "db_proof.h"
#include "flags.h"
#include "metrics_report.h"
#include "workload.h"

namespace demo_traffic {
namespace {

std::atomic<bool> g_stop{false};

extern "C" void OnSignal(int) { g_stop.store(true); }

double Percentile(std::vector<double> values, double p) {
  if (values.empty()) return 0;
  std::sort(values.begin(), values.end());
  const size_t index = std::min(values.size() - 1, static_cast<size_t>(p * values.size()));
  return values[index];
}

std::string Ms(double seconds) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.1f ms", seconds * 1000);
  return buffer;
}

// Waits (bounded) until the proxy has counted an outcome for every request sent: the
// comparison runs on a worker pool after the client's answer.
std::optional<MetricsSnapshot> SettledMetrics(const Flags& flags, const MetricsSnapshot& before,
                                              int sent, std::string* error) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  std::optional<MetricsSnapshot> now;
  do {
    now = FetchMetrics(flags.admin, std::chrono::milliseconds(flags.timeout_ms), error);
    if (now && now->TotalRequests() - before.TotalRequests() >= sent) return now;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  } while (std::chrono::steady_clock::now() < deadline);
  if (now) *error = "the proxy counted fewer outcomes than requests sent after 15 s";
  return now;
}

struct RunResult {
  Model model;
  RunStats stats;
  double seconds = 0;
};

RunResult Drive(const Flags& flags, const WorkloadOptions& options, int requests, int concurrency,
                int index_base) {
  std::vector<std::unique_ptr<Worker>> workers;
  for (int i = 0; i < concurrency; ++i) {
    workers.push_back(std::make_unique<Worker>(index_base + i, options));
  }
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  for (int i = 0; i < concurrency; ++i) {
    const int budget = requests / concurrency + (i < requests % concurrency ? 1 : 0);
    threads.emplace_back([&, i, budget] { workers[i]->Run(budget, &g_stop); });
  }
  for (auto& t : threads) t.join();
  RunResult result;
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  for (auto& w : workers) {
    result.model.Merge(w->model());
    result.stats.Merge(w->stats());
  }
  (void)flags;
  return result;
}

void PrintClientView(const RunStats& stats, std::ostream& out) {
  out << "  " << stats.sent << " requests; answers as API.md promises: "
      << stats.sent - stats.unexpected() - stats.transport_errors()
      << ", unexpected: " << stats.unexpected() << ", no answer: " << stats.transport_errors()
      << "\n";
  out << "  latency through the proxy: p50 " << Ms(Percentile(stats.latencies, 0.50)) << ", p99 "
      << Ms(Percentile(stats.latencies, 0.99)) << ", max " << Ms(Percentile(stats.latencies, 1.0))
      << "\n";
  for (const auto& [op, s] : stats.by_op) {
    for (const auto& sample : s.samples) out << "    ! " << op << ": " << sample << "\n";
  }
}

int Main(int argc, char** argv) {
  Flags flags;
  if (!ParseFlags(argc, argv, &flags, std::cerr)) return 2;
  if (flags.help) {
    std::cout << kUsage;
    return 0;
  }
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGPIPE, SIG_IGN);
  const auto timeout = std::chrono::milliseconds(flags.timeout_ms);
  const int db_timeout = std::max(1, flags.timeout_ms / 1000);

  std::string error;
  auto db_before = ReadDatabase(flags.db, db_timeout, &error);
  if (!db_before) {
    std::cerr << "demo-traffic: " << error << "\n";
    return 2;
  }
  auto metrics_before = FetchMetrics(flags.admin, timeout, &error);
  if (!metrics_before) {
    std::cerr << "demo-traffic: cannot read http://" << flags.admin << "/metrics: " << error
              << " (is the proxy's admin server there? see --admin)\n";
    return 2;
  }

  WorkloadOptions options;
  options.proxy = flags.proxy;
  options.timeout = timeout;
  options.write_share = flags.write_share;
  options.seed = flags.seed;
  options.run_tag =
      "s" + std::to_string(flags.seed) + "r" + std::to_string(db_before->customers.size());
  options.customers_only = flags.customers_only;

  std::cout << "Sending " << flags.requests << " requests through http://" << flags.proxy << " ("
            << flags.concurrency << " clients, " << static_cast<int>(flags.write_share * 100)
            << "% writes, seed " << flags.seed << (flags.customers_only ? ", customers only" : "")
            << ")..." << std::endl;
  RunResult run = Drive(flags, options, flags.requests, flags.concurrency, 0);
  std::cout << "  done in " << Ms(run.seconds) << "\n";

  auto metrics_after = SettledMetrics(flags, *metrics_before, run.stats.sent, &error);
  std::cout << "\nWhat the proxy saw, per endpoint (from http://" << flags.admin << "/metrics)\n";
  if (metrics_after) {
    PrintEndpointTable(metrics_after->Minus(*metrics_before), std::cout);
  }
  if (!error.empty()) std::cout << "  note: " << error << "\n";

  std::cout << "\nWhat the clients saw (the primary's answers, relayed by the proxy)\n";
  PrintClientView(run.stats, std::cout);

  bool pass = run.stats.unexpected() == 0 && run.stats.transport_errors() == 0;
  if (flags.max_p99_ms > 0 && Percentile(run.stats.latencies, 0.99) * 1000 > flags.max_p99_ms) {
    std::cout << "  p99 latency above the bound of " << flags.max_p99_ms << " ms\n";
    pass = false;
  }

  std::cout << "\nProof: the database holds only the primary's writes\n";
  auto db_after = ReadDatabase(flags.db, db_timeout, &error);
  if (!db_after) {
    std::cout << "  cannot read the database: " << error << "\n  FAIL\n";
    return 1;
  }
  const bool proven = ProveDatabase(run.model, *db_before, *db_after, std::cout);
  pass = pass && proven;
  std::cout << "  " << (pass ? "PASS" : "FAIL")
            << (proven
                    ? " - every shadow write was rolled back; only the primary's writes are stored"
                    : " - the database does not match the primary's answers")
            << (proven && !pass ? " (but see the client-side problems above)" : "") << "\n";

  std::cout << "\nWhere to look next\n"
            << "  metrics:   curl -s http://" << flags.admin << "/metrics | grep shadowdiff_\n"
            << "  examples:  " << flags.examples
            << " (one JSON object per mismatch, redacted; e.g. jq . " << flags.examples
            << " | less)\n";

  if (flags.serve && !g_stop.load()) {
    std::cout << "\nServing gentle live traffic (about 4 requests/s) until Ctrl-C..." << std::endl;
    auto live_before = FetchMetrics(flags.admin, timeout, &error);
    Worker live(100, options);
    int sent = 0;
    auto last_report = std::chrono::steady_clock::now();
    while (!g_stop.load()) {
      live.Run(1, &g_stop);
      ++sent;
      for (int i = 0; i < 5 && !g_stop.load(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
      }
      if (std::chrono::steady_clock::now() - last_report > std::chrono::seconds(15)) {
        last_report = std::chrono::steady_clock::now();
        std::cout << "  live: " << sent << " requests sent so far" << std::endl;
      }
    }
    std::cout << "\nStopping live traffic after " << sent << " requests.\n";
    if (live_before) {
      if (auto live_after = FetchMetrics(flags.admin, timeout, &error)) {
        PrintEndpointTable(live_after->Minus(*live_before), std::cout);
      }
    }
    run.model.Merge(live.model());
    if (auto db_end = ReadDatabase(flags.db, db_timeout, &error)) {
      std::cout << "Proof over the whole session:\n";
      const bool ok = ProveDatabase(run.model, *db_before, *db_end, std::cout);
      std::cout << "  " << (ok ? "PASS" : "FAIL") << "\n";
      pass = pass && ok;
    }
  }
  return pass ? 0 : 1;
}

}  // namespace
}  // namespace demo_traffic

int main(int argc, char** argv) { return demo_traffic::Main(argc, argv); }
