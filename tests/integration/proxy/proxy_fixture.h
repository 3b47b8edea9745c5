// ProxyFixture: the whole proxy (ProxyServer) in-process, in front of FakeUpstreams for old,
// new and (when asked) secondary, all on 127.0.0.1 and port 0, plus the helpers the proxy's
// integration tests share:
//
//   class MyTest : public ProxyFixture {};
//   TEST_F(MyTest, X) {
//     old_->SetReply(FakeReply::Json(200, R"({"a":1})"));
//     ASSERT_TRUE(StartProxy(R"(
//   endpoints:
//     - path: /a
//       methods: [GET]
//   )"));
//     HttpResponse r = Get("/a");
//     EXPECT_TRUE(WaitForCounter("shadowdiff_requests_total",
//                                {{"endpoint", "/a"}, {"method", "GET"}, {"outcome", "match"}},
//                                1));
//   }
//
// The config is written to a temp file (so POST /api/reload and Reload() re-read it): the
// fixture writes `targets:`, `admin:` (a token variable that is never set) and `store:` (a
// store.jsonl in the temp dir), then the test's YAML (defaults, rollback, endpoints, limits,
// ...). RewriteConfig() replaces the test's part for a reload.
//
// Every wait is bounded: sockets have receive/send timeouts, metric waits have deadlines.
// Comparisons complete asynchronously after the client got its answer: wait for counters,
// never sleep.
//
// Tear-down: the proxy is drained, then the fakes stop.
#ifndef SHADOWDIFF_TESTS_INTEGRATION_PROXY_PROXY_FIXTURE_H_
#define SHADOWDIFF_TESTS_INTEGRATION_PROXY_PROXY_FIXTURE_H_

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "src/core/config_loader.h"
#include "src/proxy/exchange_observer.h"
#include "src/proxy/proxy_server.h"
#include "src/store/memory_ring.h"
#include "tests/integration/fake_upstream.h"
#include "tests/integration/raw_client.h"
#include "tests/unit/metrics/exposition.h"

namespace shadowdiff::test {

using namespace std::chrono_literals;  // NOLINT
using Labels = std::map<std::string, std::string>;

// "GET /x HTTP/1.1\r\nHost: proxy\r\n<headers>\r\n" + body (Content-Length when a body is given
// or the method is POST/PUT/PATCH).
inline std::string RequestBytes(
    std::string_view method, std::string_view target,
    const std::vector<std::pair<std::string, std::string>>& headers = {},
    std::string_view body = "", bool close = false) {
  std::string out =
      std::string(method) + " " + std::string(target) + " HTTP/1.1\r\nHost: proxy\r\n";
  for (const auto& [n, v] : headers) out += n + ": " + v + "\r\n";
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    out += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  if (close) out += "Connection: close\r\n";
  out += "\r\n";
  out += body;
  return out;
}

struct ProxyStartOptions {
  bool secondary = false;  // start a FakeUpstream for targets.secondary
  size_t io_threads = 2;
  std::shared_ptr<ExchangeObserver> observer = nullptr;  // ProxyServerOptions::observer
};

class ProxyFixture : public ::testing::Test {
 protected:
  ProxyFixture() {
    old_ = std::make_unique<FakeUpstream>(FakeReply::Json(200, R"({"side":"any"})"));
    new_ = std::make_unique<FakeUpstream>(FakeReply::Json(200, R"({"side":"any"})"));
    char tmpl[] = "/tmp/shadowdiff-proxy-itest-XXXXXX";
    dir_ = ::mkdtemp(tmpl);
    config_path_ = dir_ + "/endpoints.yaml";
    store_path_ = dir_ + "/store.jsonl";
  }

  ~ProxyFixture() override {
    StopProxy();
    if (secondary_) secondary_->Stop();
    new_->Stop();
    old_->Stop();
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
  }

  // Writes the config (targets, admin, store, then `yaml`) and starts the proxy on port 0.
  // `yaml` may hold any top-level keys but targets/admin/store.
  ::testing::AssertionResult StartProxy(std::string_view yaml, ProxyStartOptions options = {}) {
    if (options.secondary && !secondary_) {
      secondary_ = std::make_unique<FakeUpstream>(FakeReply::Json(200, R"({"side":"any"})"));
    }
    WriteConfig(yaml);
    auto config = LoadConfigFile(config_path_);
    if (!config.ok()) {
      return ::testing::AssertionFailure() << "config: " << config.error().message;
    }
    ProxyServerOptions server_options;
    server_options.io_threads = options.io_threads;
    server_options.listen = HostPort{"127.0.0.1", 0};
    server_options.admin_listen = HostPort{"127.0.0.1", 0};
    server_options.observer = options.observer;
    auto server = ProxyServer::Start(*config, server_options);
    if (!server.ok()) {
      return ::testing::AssertionFailure() << "start: " << server.error().message;
    }
    server_ = std::move(*server);
    return ::testing::AssertionSuccess();
  }

  // Replaces the test's part of the config file (for a reload).
  void WriteConfig(std::string_view yaml) {
    std::ostringstream out;
    out << "targets:\n"
        << "  old: " << old_->url() << "\n"
        << "  new: " << new_->url() << "\n";
    if (secondary_) out << "  secondary: " << secondary_->url() << "\n";
    out << "admin:\n  token_env: SHADOWDIFF_ITEST_ADMIN_TOKEN_NEVER_SET\n"
        << "store:\n  jsonl: " << store_path_ << "\n"
        << yaml << "\n";
    WriteFile(out.str());
  }
  // Writes `text` as the whole config file (for broken files).
  void WriteFile(const std::string& text) {
    std::ofstream file(config_path_, std::ios::trunc);
    file << text;
  }

  void StopProxy() {
    if (server_) {
      server_->Drain();
      server_.reset();
    }
  }

  uint16_t port() const { return server_->port(); }
  uint16_t admin_port() const { return server_->admin_address().port; }

  // One request on a fresh connection (closed after), the whole response read.
  HttpResponse Send(std::string_view bytes, bool head_request = false,
                    std::chrono::milliseconds timeout = 10s) {
    RawClient client(port(), timeout);
    if (!client.connected() || !client.Send(bytes)) return {};
    return client.ReadResponse(head_request);
  }
  HttpResponse Get(std::string_view target,
                   const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    return Send(RequestBytes("GET", target, headers, "", /*close=*/true));
  }
  HttpResponse Post(std::string_view target, std::string_view body,
                    const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    return Send(RequestBytes("POST", target, headers, body, /*close=*/true));
  }
  // A request to the admin server.
  HttpResponse Admin(std::string_view method, std::string_view target, std::string_view body = "") {
    RawClient client(admin_port());
    std::string bytes = std::string(method) + " " + std::string(target) +
                        " HTTP/1.1\r\nHost: admin\r\nConnection: close\r\nContent-Length: " +
                        std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
    if (!client.connected() || !client.Send(bytes)) return {};
    return client.ReadResponse();
  }

  // ---- metrics ----
  ::shadowdiff::testing::Exposition Scrape() const {
    return ::shadowdiff::testing::ParseExposition(server_->metrics().Serialize());
  }
  // The sample with exactly `labels`, 0 when absent.
  double Counter(std::string_view name, const Labels& labels = {}) const {
    return Scrape().Value(name, labels).value_or(0);
  }
  // The sum of the samples whose labels include `subset`.
  double CounterSum(std::string_view name, const Labels& subset = {}) const {
    double sum = 0;
    for (const auto& s : Scrape().Matching(name, subset)) sum += s.value;
    return sum;
  }
  // Waits until Counter(name, labels) >= value; false (with the last scrape logged) on
  // timeout.
  bool WaitForCounter(std::string_view name, const Labels& labels, double value,
                      std::chrono::milliseconds timeout = 5s) const {
    const auto until = Clock::now() + timeout;
    for (;;) {
      if (Counter(name, labels) >= value) return true;
      if (Clock::now() > until) {
        ADD_FAILURE() << "timed out waiting for " << name << LabelText(labels) << " >= " << value
                      << "; have:\n"
                      << Outcomes();
        return false;
      }
      std::this_thread::sleep_for(5ms);
    }
  }
  // Waits for one shadowdiff_requests_total{endpoint,method,outcome} to reach `value`.
  bool WaitForOutcome(std::string_view endpoint, std::string_view method, std::string_view outcome,
                      double value = 1, std::chrono::milliseconds timeout = 5s) const {
    return WaitForCounter("shadowdiff_requests_total",
                          {{"endpoint", std::string(endpoint)},
                           {"method", std::string(method)},
                           {"outcome", std::string(outcome)}},
                          value, timeout);
  }
  // Every request once counted under some outcome: waits until the total over outcomes for
  // `endpoint` reaches `value`.
  bool WaitForRequestsCounted(std::string_view endpoint, double value,
                              std::chrono::milliseconds timeout = 5s) const {
    const auto until = Clock::now() + timeout;
    while (CounterSum("shadowdiff_requests_total", {{"endpoint", std::string(endpoint)}}) < value) {
      if (Clock::now() > until) {
        ADD_FAILURE() << "timed out waiting for " << value << " requests on " << endpoint
                      << "; have:\n"
                      << Outcomes();
        return false;
      }
      std::this_thread::sleep_for(5ms);
    }
    return true;
  }
  // Non-zero shadowdiff_requests_total samples, one a line, for failure messages.
  std::string Outcomes() const {
    std::string out;
    for (const auto& s : Scrape().Matching("shadowdiff_requests_total")) {
      if (s.value == 0) continue;
      out += "  " + LabelText(s.labels) + " " + std::to_string(s.value) + "\n";
    }
    return out;
  }
  static std::string LabelText(const Labels& labels) {
    std::string out = "{";
    for (const auto& [k, v] : labels) out += k + "=\"" + v + "\",";
    if (out.size() > 1) out.pop_back();
    return out + "}";
  }

  // ---- the stores ----
  // The lines of store.jsonl written so far.
  std::vector<std::string> StoreLines() const {
    std::vector<std::string> lines;
    std::ifstream in(store_path_);
    std::string line;
    while (std::getline(in, line)) {
      if (!line.empty()) lines.push_back(line);
    }
    return lines;
  }
  // Waits until store.jsonl has at least `count` lines.
  std::vector<std::string> WaitForStoreLines(size_t count, std::chrono::milliseconds timeout = 5s) {
    const auto until = Clock::now() + timeout;
    auto lines = StoreLines();
    while (lines.size() < count && Clock::now() < until) {
      std::this_thread::sleep_for(10ms);
      lines = StoreLines();
    }
    return lines;
  }
  MemoryRing& recent_examples() { return server_->recent_examples(); }

  std::unique_ptr<FakeUpstream> old_;
  std::unique_ptr<FakeUpstream> new_;
  std::unique_ptr<FakeUpstream> secondary_;
  std::unique_ptr<ProxyServer> server_;
  std::string dir_;
  std::string config_path_;
  std::string store_path_;
};

// Shorthand for the outcome label set.
inline Labels OutcomeLabels(std::string endpoint, std::string method, std::string outcome) {
  return {{"endpoint", std::move(endpoint)},
          {"method", std::move(method)},
          {"outcome", std::move(outcome)}};
}

}  // namespace shadowdiff::test

#endif  // SHADOWDIFF_TESTS_INTEGRATION_PROXY_PROXY_FIXTURE_H_
