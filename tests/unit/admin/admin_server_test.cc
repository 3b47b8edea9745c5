// AdminServer over real loopback HTTP on port 0: what an operator's curl and Prometheus see.
// The client is plain POSIX sockets with receive timeouts, so a hung server fails the test
// instead of hanging it.
#include "src/admin/admin_server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>

#include "src/admin/admin_routes.h"
#include "src/metrics/metrics.h"

namespace shadowdiff {
namespace {

// A connected loopback socket to `port` with 5 s send/receive timeouts; -1 on failure.
int Connect(uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return -1;
  timeval tv{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  ::setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

void SendAll(int fd, std::string_view bytes) {
  while (!bytes.empty()) {
    ssize_t n = ::send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return;
    bytes.remove_prefix(static_cast<size_t>(n));
  }
}

// Everything the server sends until it closes (or the 5 s timeout).
std::string ReadToEnd(int fd) {
  std::string out;
  char buf[4096];
  for (;;) {
    ssize_t n = ::recv(fd, buf, sizeof(buf), 0);
    if (n <= 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

// Sends `raw` on a new connection and returns the raw response bytes.
std::string Exchange(uint16_t port, std::string_view raw) {
  int fd = Connect(port);
  if (fd < 0) return "<connect failed>";
  SendAll(fd, raw);
  std::string response = ReadToEnd(fd);
  ::close(fd);
  return response;
}

struct HttpResponse {
  int status = 0;
  std::string head;  // status line + headers
  std::string body;
};

HttpResponse Parse(const std::string& raw) {
  HttpResponse r;
  size_t end = raw.find("\r\n\r\n");
  if (raw.rfind("HTTP/1.", 0) != 0 || end == std::string::npos) return r;
  r.head = raw.substr(0, end + 2);
  r.body = raw.substr(end + 4);
  r.status = std::stoi(raw.substr(9, 3));
  return r;
}

HttpResponse Request(uint16_t port, std::string_view method, std::string_view target,
                     std::string_view extra_headers = "", std::string_view body = "") {
  std::string raw = std::string(method) + " " + std::string(target) +
                    " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n" +
                    std::string(extra_headers);
  if (!body.empty() || method == "POST") {
    raw += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  raw += "\r\n";
  raw += body;
  return Parse(Exchange(port, raw));
}

class AdminServerTest : public ::testing::Test {
 protected:
  // Starts a server on 127.0.0.1:0 with the operations routes; `token` as the bearer token.
  void StartServer(std::string token = "", AdminServerOptions options = {}) {
    AdminRouter router;
    AddMetricsRoute(&router, &metrics_);
    AddHealthRoute(&router);
    AddReloadRoute(&router, [this]() -> Status {
      ++reloads_;
      if (reload_fails_) return Error{"e.yaml:2:1: unknown key `targetz`, did you mean `targets`?"};
      return {};
    });
    router.SetBearerToken(std::move(token));
    options.listen = HostPort{"127.0.0.1", 0};
    server_ = std::make_unique<AdminServer>(options, std::move(router));
    Status status = server_->Start();
    ASSERT_TRUE(status.ok()) << status.error().message;
    port_ = server_->local_address().port;
    ASSERT_NE(port_, 0);
  }

  Metrics metrics_{"0.1.0-test"};
  std::atomic<int> reloads_{0};
  std::atomic<bool> reload_fails_{false};
  std::unique_ptr<AdminServer> server_;
  uint16_t port_ = 0;
};

TEST_F(AdminServerTest, ServesMetricsInTheTextFormat) {
  StartServer();
  metrics_.CountDropped(ShadowSkip::kQueueFull);
  HttpResponse r = Request(port_, "GET", "/metrics");
  EXPECT_EQ(r.status, 200);
  EXPECT_NE(r.head.find("Content-Type: text/plain; version=0.0.4; charset=utf-8\r\n"),
            std::string::npos)
      << r.head;
  EXPECT_NE(r.body.find("# TYPE shadowdiff_shadow_dropped_total counter\n"), std::string::npos);
  EXPECT_NE(r.body.find("\nshadowdiff_shadow_dropped_total{reason=\"queue_full\"} 1\n"),
            std::string::npos);
  EXPECT_NE(r.body.find("\nprocess_open_fds "), std::string::npos);
}

TEST_F(AdminServerTest, HealthzAndHead) {
  StartServer();
  HttpResponse r = Request(port_, "GET", "/healthz");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"ok":true})");
  HttpResponse head = Request(port_, "HEAD", "/healthz");
  EXPECT_EQ(head.status, 200);
  EXPECT_NE(head.head.find("Content-Length: 11\r\n"), std::string::npos) << head.head;
  EXPECT_EQ(head.body, "");
}

TEST_F(AdminServerTest, UnknownPathIs404AndWrongMethodIs405) {
  StartServer();
  HttpResponse missing = Request(port_, "GET", "/nope?x=1");
  EXPECT_EQ(missing.status, 404);
  EXPECT_NE(missing.head.find("Content-Type: application/json\r\n"), std::string::npos);
  EXPECT_EQ(missing.body, R"({"ok":false,"error":"no such admin resource: /nope"})");
  HttpResponse wrong = Request(port_, "POST", "/metrics");
  EXPECT_EQ(wrong.status, 405);
  EXPECT_NE(wrong.head.find("Allow: GET, HEAD\r\n"), std::string::npos) << wrong.head;
}

TEST_F(AdminServerTest, WithoutATokenReloadIsOpen) {
  StartServer();
  HttpResponse r = Request(port_, "POST", "/api/reload");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"ok":true})");
  EXPECT_EQ(reloads_, 1);
}

TEST_F(AdminServerTest, AFailedReloadIs400WithTheLoaderError) {
  StartServer();
  reload_fails_ = true;
  HttpResponse r = Request(port_, "POST", "/api/reload");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(r.body,
            R"({"ok":false,"error":"e.yaml:2:1: unknown key `targetz`, did you mean `targets`?"})");
}

TEST_F(AdminServerTest, WithATokenReloadNeedsIt) {
  StartServer("t0ken");
  EXPECT_EQ(Request(port_, "POST", "/api/reload").status, 401);
  HttpResponse wrong = Request(port_, "POST", "/api/reload", "Authorization: Bearer nope\r\n");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_NE(wrong.head.find("WWW-Authenticate: Bearer\r\n"), std::string::npos);
  EXPECT_EQ(reloads_, 0);
  EXPECT_EQ(Request(port_, "POST", "/api/reload", "Authorization: Bearer t0ken\r\n").status, 200);
  EXPECT_EQ(reloads_, 1);
  EXPECT_EQ(Request(port_, "GET", "/metrics").status, 200);  // scrapes need no token
}

TEST_F(AdminServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  StartServer();
  std::string raw = Exchange(port_,
                             "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                             "GET /nope HTTP/1.1\r\nHost: x\r\n\r\n"
                             "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  size_t count = 0;
  for (size_t pos = 0; (pos = raw.find("HTTP/1.1 ", pos)) != std::string::npos; ++pos) ++count;
  EXPECT_EQ(count, 3u) << raw;
  EXPECT_NE(raw.find("HTTP/1.1 404"), std::string::npos);
}

TEST_F(AdminServerTest, OversizedHeadIs431AndOversizedBodyIs413) {
  AdminServerOptions options;
  options.max_header_bytes = 1024;
  options.max_body_bytes = 16;
  StartServer("", options);
  HttpResponse big_head =
      Request(port_, "GET", "/healthz", "X-Big: " + std::string(4000, 'a') + "\r\n");
  EXPECT_EQ(big_head.status, 431);
  HttpResponse big_body = Request(port_, "POST", "/api/reload", "", std::string(100, 'b'));
  EXPECT_EQ(big_body.status, 413);
  EXPECT_EQ(reloads_, 0);
}

TEST_F(AdminServerTest, MalformedRequestIs400) {
  StartServer();
  HttpResponse r = Parse(Exchange(port_, "GET /healthz HTTP/9.9 nonsense\r\n\r\n"));
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(r.body.find("malformed HTTP request"), std::string::npos);
}

TEST_F(AdminServerTest, ASlowClientIsCutOffAfterTheReadTimeout) {
  AdminServerOptions options;
  options.read_timeout = std::chrono::milliseconds(200);
  StartServer("", options);
  int fd = Connect(port_);
  ASSERT_GE(fd, 0);
  SendAll(fd, "GET /healthz HTTP/1.1\r\nHost: x\r\n");  // never finishes the head
  auto start = std::chrono::steady_clock::now();
  std::string rest = ReadToEnd(fd);  // returns when the server closes
  auto elapsed = std::chrono::steady_clock::now() - start;
  ::close(fd);
  EXPECT_EQ(rest, "");
  EXPECT_LT(elapsed, std::chrono::seconds(3));
}

TEST_F(AdminServerTest, ConnectionsBeyondTheCapAreClosed) {
  AdminServerOptions options;
  options.max_connections = 2;
  StartServer("", options);
  int a = Connect(port_);
  int b = Connect(port_);
  ASSERT_GE(a, 0);
  ASSERT_GE(b, 0);
  // Make sure both are being served before the third arrives.
  SendAll(a, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  SendAll(b, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  char buf[256];
  EXPECT_GT(::recv(a, buf, sizeof(buf), 0), 0);
  EXPECT_GT(::recv(b, buf, sizeof(buf), 0), 0);
  std::string third = Exchange(port_, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  EXPECT_EQ(third, "");
  ::close(a);
  ::close(b);
  // Once they are gone, new connections are served again.
  for (int i = 0; i < 50; ++i) {
    if (Request(port_, "GET", "/healthz").status == 200) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ADD_FAILURE() << "no connection served after the others closed";
}

TEST_F(AdminServerTest, StopClosesTheListenerAndOpenConnections) {
  StartServer();
  int idle = Connect(port_);
  ASSERT_GE(idle, 0);
  server_->Stop();
  EXPECT_EQ(ReadToEnd(idle), "");  // closed by Stop, not by the 5 s timeout
  ::close(idle);
  EXPECT_EQ(Connect(port_), -1);
  server_->Stop();  // idempotent
}

TEST(AdminServerStartTest, ABusyPortIsAnErrorNamingTheAddress) {
  AdminServerOptions options;
  options.listen = HostPort{"127.0.0.1", 0};
  AdminServer first(options, AdminRouter());
  ASSERT_TRUE(first.Start().ok());
  options.listen = first.local_address();
  AdminServer second(options, AdminRouter());
  Status status = second.Start();
  ASSERT_FALSE(status.ok());
  EXPECT_NE(
      status.error().message.find("admin.listen " + options.listen.ToString() + ": cannot bind"),
      std::string::npos)
      << status.error().message;
  EXPECT_NE(status.error().message.find("pick a free one"), std::string::npos);
}

TEST(AdminServerStartTest, BindingBeyondLoopbackLogsAWarning) {
  AdminServerOptions options;
  options.listen = HostPort{"127.0.0.1", 0};
  ::testing::internal::CaptureStderr();
  {
    AdminServer loopback(options, AdminRouter());
    ASSERT_TRUE(loopback.Start().ok());
  }
  std::string quiet = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(quiet.find("\"event\":\"admin_listening\""), std::string::npos) << quiet;
  EXPECT_NE(quiet.find("\"loopback_only\":\"true\""), std::string::npos) << quiet;
  EXPECT_EQ(quiet.find("admin_exposed"), std::string::npos) << quiet;

  options.listen = HostPort{"0.0.0.0", 0};
  ::testing::internal::CaptureStderr();
  {
    AdminServer exposed(options, AdminRouter());
    ASSERT_TRUE(exposed.Start().ok());
  }
  std::string loud = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(loud.find("\"loopback_only\":\"false\""), std::string::npos) << loud;
  EXPECT_NE(loud.find("\"level\":\"error\",\"event\":\"admin_exposed_without_token\""),
            std::string::npos)
      << loud;
  EXPECT_NE(loud.find("NO admin token is set"), std::string::npos) << loud;

  AdminRouter with_token;
  with_token.SetBearerToken("s3cret");
  ::testing::internal::CaptureStderr();
  {
    AdminServer exposed(options, std::move(with_token));
    ASSERT_TRUE(exposed.Start().ok());
  }
  std::string warned = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(warned.find("\"level\":\"warn\",\"event\":\"admin_exposed\""), std::string::npos)
      << warned;
  EXPECT_EQ(warned.find("admin_exposed_without_token"), std::string::npos) << warned;
}

}  // namespace
}  // namespace shadowdiff
