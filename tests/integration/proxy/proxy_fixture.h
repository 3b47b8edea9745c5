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

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

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
#include "tests/unit/metrics/exposition.h"

namespace shadowdiff::test {

using namespace std::chrono_literals;  // NOLINT
using Clock = std::chrono::steady_clock;
using Labels = std::map<std::string, std::string>;

inline std::string ToLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// One response as a client received it.
struct HttpResponse {
  bool ok = false;  // a complete response was read
  std::string raw;  // every byte of the response (head and framed body)
  int status = 0;
  std::string reason;
  std::vector<std::pair<std::string, std::string>> headers;  // wire order, names as received
  std::string body;                                          // de-chunked
  bool chunked = false;
  double elapsed_ms = 0;  // from the request's first byte to the response's last

  std::optional<std::string> Header(std::string_view name) const {
    for (const auto& [n, v] : headers) {
      if (ToLower(n) == ToLower(name)) return v;
    }
    return std::nullopt;
  }
  std::vector<std::string> HeaderNames() const {
    std::vector<std::string> names;
    for (const auto& [n, v] : headers) names.push_back(n);
    return names;
  }
};

// A blocking loopback client speaking raw bytes, every read and write bounded by `timeout`.
class RawClient {
 public:
  explicit RawClient(uint16_t port, std::chrono::milliseconds timeout = 5s) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    timeval tv{static_cast<time_t>(timeout.count() / 1000),
               static_cast<suseconds_t>((timeout.count() % 1000) * 1000)};
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
  }
  ~RawClient() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawClient(const RawClient&) = delete;
  RawClient& operator=(const RawClient&) = delete;

  bool connected() const { return connected_; }

  bool Send(std::string_view bytes) {
    sent_at_ = Clock::now();
    while (!bytes.empty()) {
      ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      bytes.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  // Reads one complete response (Content-Length, chunked or close-delimited body; none for
  // HEAD, 1xx, 204, 304). `ok` is false on a timeout or a connection closed early.
  HttpResponse ReadResponse(bool head_request = false) {
    HttpResponse r;
    size_t head_end;
    while ((head_end = buffer_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill()) return r;
    }
    const std::string head = buffer_.substr(0, head_end + 4);
    size_t pos = head.find("\r\n");
    const std::string status_line = head.substr(0, pos);
    if (status_line.size() < 12 || !status_line.starts_with("HTTP/1.")) return r;
    r.status = std::atoi(status_line.substr(9, 3).c_str());
    r.reason = status_line.size() > 13 ? status_line.substr(13) : "";
    std::optional<uint64_t> length;
    pos += 2;
    while (pos < head_end) {
      size_t eol = head.find("\r\n", pos);
      std::string line = head.substr(pos, eol - pos);
      pos = eol + 2;
      size_t colon = line.find(':');
      if (colon == std::string::npos) continue;
      std::string name = line.substr(0, colon);
      std::string value = line.substr(colon + 1);
      while (!value.empty() && (value.front() == ' ' || value.front() == '\t')) value.erase(0, 1);
      while (!value.empty() && (value.back() == ' ' || value.back() == '\t')) value.pop_back();
      if (ToLower(name) == "content-length") length = std::stoull(value);
      if (ToLower(name) == "transfer-encoding" &&
          ToLower(value).find("chunked") != std::string::npos) {
        r.chunked = true;
      }
      r.headers.emplace_back(std::move(name), std::move(value));
    }
    size_t offset = head.size();
    const bool bodiless = head_request || r.status / 100 == 1 || r.status == 204 || r.status == 304;
    if (bodiless) {
      // nothing
    } else if (r.chunked) {
      for (;;) {
        size_t eol;
        while ((eol = buffer_.find("\r\n", offset)) == std::string::npos) {
          if (!Fill()) return r;
        }
        uint64_t size = std::stoull(buffer_.substr(offset, eol - offset), nullptr, 16);
        offset = eol + 2;
        if (size == 0) {
          // Trailers (none expected) then the final CRLF.
          while ((eol = buffer_.find("\r\n", offset)) == std::string::npos) {
            if (!Fill()) return r;
          }
          while (eol != offset) {
            offset = eol + 2;
            while ((eol = buffer_.find("\r\n", offset)) == std::string::npos) {
              if (!Fill()) return r;
            }
          }
          offset += 2;
          break;
        }
        while (buffer_.size() < offset + size + 2) {
          if (!Fill()) return r;
        }
        r.body.append(buffer_, offset, size);
        offset += size + 2;
      }
    } else if (length) {
      while (buffer_.size() < offset + *length) {
        if (!Fill()) return r;
      }
      r.body = buffer_.substr(offset, *length);
      offset += *length;
    } else {
      while (FillOrEof() > 0) {
      }
      r.body = buffer_.substr(offset);
      offset = buffer_.size();
    }
    r.raw = buffer_.substr(0, offset);
    buffer_.erase(0, offset);
    r.ok = true;
    r.elapsed_ms = std::chrono::duration<double, std::milli>(Clock::now() - sent_at_).count();
    return r;
  }

  // True when the peer closes (EOF or reset) within `within`; bytes before stay buffered.
  bool WaitClosed(std::chrono::milliseconds within) {
    auto until = Clock::now() + within;
    while (Clock::now() < until) {
      pollfd p{fd_, POLLIN, 0};
      int left = static_cast<int>(
          std::chrono::duration_cast<std::chrono::milliseconds>(until - Clock::now()).count());
      if (::poll(&p, 1, std::max(1, left)) <= 0) continue;
      char chunk[65536];
      ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n == 0) return true;
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) continue;
        return true;
      }
      buffer_.append(chunk, static_cast<size_t>(n));
    }
    return false;
  }

  // Half-closes the connection (FIN): the peer sees the end of the request stream.
  void ShutdownWrite() { ::shutdown(fd_, SHUT_WR); }

  const std::string& buffered() const { return buffer_; }

 private:
  bool Fill() { return FillOrEof() > 0; }
  ssize_t FillOrEof() {
    char chunk[65536];
    ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
    if (n > 0) buffer_.append(chunk, static_cast<size_t>(n));
    return n;
  }

  int fd_ = -1;
  bool connected_ = false;
  std::string buffer_;
  Clock::time_point sent_at_ = Clock::now();
};

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
