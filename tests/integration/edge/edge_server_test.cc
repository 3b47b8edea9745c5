// Integration tests of the edge (EdgeServer + client sessions + guard) over real loopback
// sockets with exact bytes. A recording handler stands in for the fan-out: it records what
// reached it and echoes. Every wait is bounded (socket receive timeouts, deadlines).

#include <atomic>
#include <cerrno>
#include <chrono>
#include <future>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "src/proxy/edge_server.h"
#include "tests/integration/raw_client.h"

namespace shadowdiff {
namespace {

using namespace std::chrono_literals;  // NOLINT
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::Pair;
using ::testing::StartsWith;
using Clock = std::chrono::steady_clock;
using test::RawClient;

// ---- the handler ------------------------------------------------------------------------------

// What reached the handlers, from every I/O thread.
class Recorder {
 public:
  void Add(const InboundRequest& request) {
    std::lock_guard lock(mu_);
    requests_.push_back(request);
  }
  std::vector<InboundRequest> requests() const {
    std::lock_guard lock(mu_);
    return requests_;
  }
  size_t count() const {
    std::lock_guard lock(mu_);
    return requests_.size();
  }

 private:
  mutable std::mutex mu_;
  std::vector<InboundRequest> requests_;
};

// Echoes "METHOD TARGET BODY". A target starting with /slow waits 400 ms first.
class EchoHandler : public RequestHandler {
 public:
  explicit EchoHandler(Recorder& recorder) : recorder_(recorder) {}

  boost::asio::awaitable<HandlerResult> Handle(InboundRequest& request,
                                               boost::beast::tcp_stream& client) override {
    recorder_.Add(request);
    if (request.target.starts_with("/slow")) {
      boost::asio::steady_timer timer(client.get_executor(), 400ms);
      co_await timer.async_wait(boost::asio::as_tuple(boost::asio::use_awaitable));
    }
    std::string body = request.method + " " + request.target + " " + request.body;
    std::string response =
        "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n";
    if (!request.keep_alive) {
      response += "Connection: close\r\n";
    } else if (request.version == 10) {
      response += "Connection: keep-alive\r\n";
    }
    response += "\r\n" + body;
    client.expires_after(5s);
    auto [ec, n] = co_await boost::asio::async_write(
        client, boost::asio::buffer(response), boost::asio::as_tuple(boost::asio::use_awaitable));
    (void)n;
    co_return HandlerResult{!ec};
  }

 private:
  Recorder& recorder_;
};

// ---- fixture ------------------------------------------------------------------------------------

class EdgeServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    options_.max_header_bytes = 4096;
    options_.max_request_body_bytes = 1000;
    options_.header_timeout = 500ms;
    options_.idle_timeout = 2000ms;
    options_.body_timeout = 1000ms;
    options_.linger_timeout = 300ms;
  }
  void Start() {
    auto port =
        edge_.Start(HostPort{"127.0.0.1", 0}, options_, [this](size_t, boost::asio::io_context&) {
          return std::make_shared<EchoHandler>(recorder_);
        });
    ASSERT_TRUE(port.ok()) << port.error().message;
    port_ = *port;
    io_.Start();
  }
  void TearDown() override {
    if (io_.running()) edge_.Drain(1000ms);
    io_.Stop();
  }

  // Sends `bytes` on a new connection and expects the edge to answer `status` itself, close,
  // and never call the handler.
  void ExpectRefusedAndClosed(const std::string& bytes, int status) {
    SCOPED_TRACE(bytes);
    RawClient client(port_);
    ASSERT_TRUE(client.connected());
    ASSERT_TRUE(client.Send(bytes));
    std::string response = client.ReadResponse().raw;
    EXPECT_THAT(response, StartsWith("HTTP/1.1 " + std::to_string(status) + " "));
    EXPECT_THAT(response, HasSubstr("\r\nConnection: close\r\n"));
    EXPECT_TRUE(client.WaitClosed(2000ms));
    EXPECT_EQ(recorder_.count(), 0u);
  }

  EdgeOptions options_;
  Recorder recorder_;
  IoThreads io_{2};
  EdgeServer edge_{io_};
  uint16_t port_ = 0;
};

constexpr const char* kGet = "GET /one HTTP/1.1\r\nHost: x\r\n\r\n";

TEST_F(EdgeServerTest, KeepAliveServesThreeRequestsOnOneConnection) {
  Start();
  RawClient client(port_);
  ASSERT_TRUE(client.connected());
  for (int i = 0; i < 3; ++i) {
    std::string target = "/r" + std::to_string(i);
    ASSERT_TRUE(client.Send("GET " + target + " HTTP/1.1\r\nHost: x\r\n\r\n"));
    std::string response = client.ReadResponse().raw;
    EXPECT_THAT(response, StartsWith("HTTP/1.1 200 OK\r\n"));
    EXPECT_THAT(response, testing::EndsWith("GET " + target + " "));
  }
  EXPECT_EQ(recorder_.count(), 3u);
  EXPECT_EQ(edge_.sessions(), 1u);
}

TEST_F(EdgeServerTest, PipelinedRequestsAreAnsweredInOrder) {
  Start();
  RawClient client(port_);
  ASSERT_TRUE(
      client.Send("GET /slow-first HTTP/1.1\r\nHost: x\r\n\r\n"
                  "POST /second HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc"));
  std::string first = client.ReadResponse().raw;
  std::string second = client.ReadResponse().raw;
  EXPECT_THAT(first, testing::EndsWith("GET /slow-first "));
  EXPECT_THAT(second, testing::EndsWith("POST /second abc"));
  EXPECT_EQ(recorder_.count(), 2u);
}

TEST_F(EdgeServerTest, RequestReachesHandlerSanitised) {
  Start();
  RawClient client(port_);
  ASSERT_TRUE(client.Send(
      "POST /a?b=1 HTTP/1.1\r\nHost: svc\r\nContent-Length: 2\r\nShadow-Mode: rollback\r\n"
      "shadow-id: forged\r\nX-Forwarded-For: 10.1.1.1\r\nConnection: X-Hop\r\nX-Hop: 1\r\n"
      "Proxy-Authorization: Basic x\r\nUpgrade: h2c\r\n\r\nhi"));
  EXPECT_THAT(client.ReadResponse().raw, testing::EndsWith("POST /a?b=1 hi"));
  auto requests = recorder_.requests();
  ASSERT_EQ(requests.size(), 1u);
  const InboundRequest& r = requests[0];
  EXPECT_EQ(r.client_ip, "127.0.0.1");
  EXPECT_EQ(r.version, 11u);
  EXPECT_THAT(r.headers, testing::ElementsAre(Pair("Host", "svc"), Pair("Content-Length", "2"),
                                              Pair("X-Forwarded-For", "10.1.1.1, 127.0.0.1"),
                                              Pair("Forwarded", "for=127.0.0.1")));
}

TEST_F(EdgeServerTest, ChunkedBodyIsDechunked) {
  Start();
  RawClient client(port_);
  ASSERT_TRUE(
      client.Send("POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                  "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n"));
  EXPECT_THAT(client.ReadResponse().raw, testing::EndsWith("POST /c hello world"));
  auto requests = recorder_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].body, "hello world");
  for (const auto& [name, value] : requests[0].headers) {
    EXPECT_FALSE(EqualsIgnoreCase(name, "transfer-encoding"));
    EXPECT_FALSE(EqualsIgnoreCase(name, "x-trailer"));  // trailers are dropped
  }
  // The connection stays usable.
  ASSERT_TRUE(client.Send(kGet));
  EXPECT_THAT(client.ReadResponse().raw, StartsWith("HTTP/1.1 200 OK"));
}

TEST_F(EdgeServerTest, Http10ClosesUnlessKeepAlive) {
  Start();
  {
    RawClient client(port_);
    ASSERT_TRUE(client.Send("GET /ten HTTP/1.0\r\n\r\n"));
    EXPECT_THAT(client.ReadResponse().raw, StartsWith("HTTP/1.1 200 OK"));
    EXPECT_TRUE(client.WaitClosed(2000ms));
  }
  {
    RawClient client(port_);
    ASSERT_TRUE(client.Send("GET /ka1 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
    EXPECT_THAT(client.ReadResponse().raw, HasSubstr("Connection: keep-alive"));
    ASSERT_TRUE(client.Send("GET /ka2 HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
    EXPECT_THAT(client.ReadResponse().raw, testing::EndsWith("GET /ka2 "));
  }
  EXPECT_EQ(recorder_.count(), 3u);
}

TEST_F(EdgeServerTest, ConnectionCloseClosesAfterResponse) {
  Start();
  RawClient client(port_);
  ASSERT_TRUE(
      client.Send("GET /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" + std::string(kGet)));
  EXPECT_THAT(client.ReadResponse().raw, StartsWith("HTTP/1.1 200 OK"));
  EXPECT_TRUE(client.WaitClosed(2000ms));
  EXPECT_EQ(recorder_.count(), 1u);  // the pipelined request after `close` is not served
}

TEST_F(EdgeServerTest, ExpectContinueIsAnsweredBeforeTheBody) {
  Start();
  RawClient client(port_);
  ASSERT_TRUE(client.Send(
      "PUT /e HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n"));
  EXPECT_EQ(client.ReadResponse().raw, "HTTP/1.1 100 Continue\r\n\r\n");
  ASSERT_TRUE(client.Send("body"));
  EXPECT_THAT(client.ReadResponse().raw, testing::EndsWith("PUT /e body"));
  auto requests = recorder_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_THAT(requests[0].headers, Not(Contains(Pair("Expect", "100-continue"))));
}

TEST_F(EdgeServerTest, ExpectContinueWithTooLargeBodyIs413WithoutContinue) {
  Start();
  ExpectRefusedAndClosed(
      "PUT /e HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\nExpect: 100-continue\r\n\r\n", 413);
}

// Every smuggling opening: 400, Connection: close, closed, and the handler never called.
TEST_F(EdgeServerTest, SmugglingAttemptsAreRefusedAndNeverReachTheHandler) {
  Start();
  const std::string p = "POST / HTTP/1.1\r\nHost: x\r\n";
  const std::vector<std::string> attempts = {
      p + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n",
      p + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
      p + "Transfer-Encoding: gzip\r\nContent-Length: 5\r\n\r\nhello",
      p + "Transfer-Encoding: gzip\r\n\r\nhello",
      p + "Transfer-Encoding: chunked, gzip\r\n\r\n0\r\n\r\n",
      p + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n",
      p + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
      p + "Transfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
      "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
      p + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
      p + "Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello",
      p + "Content-Length: 5, 5\r\n\r\nhello",
      p + "Content-Length: abc\r\n\r\n",
      p + "Content-Length: -5\r\n\r\n",
      p + "Content-Length: 18446744073709551616\r\n\r\n",
      p + "Content Length: 5\r\n\r\nhello",
      p + "Content-Length : 5\r\n\r\nhello",
      p + "X-A: a\r\n folded\r\nContent-Length: 0\r\n\r\n",
      p + "Transfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n",
      "POST / HTTP/1.1\nHost: x\nContent-Length: 0\n\n",
      "GET / HTTP/1.1\r\n\r\n",  // missing Host
      p + "Host: y\r\n\r\n",     // repeated Host
  };
  for (const std::string& attempt : attempts) ExpectRefusedAndClosed(attempt, 400);
}

TEST_F(EdgeServerTest, SmugglingAfterAGoodRequestClosesTheConnection) {
  Start();
  RawClient client(port_);
  ASSERT_TRUE(client.Send(std::string(kGet) +
                          "POST /evil HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n"
                          "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /hidden HTTP/1.1\r\n"
                          "Host: x\r\n\r\n"));
  EXPECT_THAT(client.ReadResponse().raw, StartsWith("HTTP/1.1 200 OK"));
  EXPECT_THAT(client.ReadResponse().raw, StartsWith("HTTP/1.1 400 "));
  EXPECT_TRUE(client.WaitClosed(2000ms));
  auto requests = recorder_.requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].target, "/one");
}

TEST_F(EdgeServerTest, MalformedRequestLineIs400) {
  Start();
  ExpectRefusedAndClosed("GARBAGE\r\n\r\n", 400);
  ExpectRefusedAndClosed("GET /\r\nHost: x\r\n\r\n", 400);
  ExpectRefusedAndClosed("GET / HTTP/1.1 x\r\nHost: x\r\n\r\n", 400);
  ExpectRefusedAndClosed("GET nopath HTTP/1.1\r\nHost: x\r\n\r\n", 400);
  ExpectRefusedAndClosed(" GET / HTTP/1.1\r\nHost: x\r\n\r\n", 400);
}

TEST_F(EdgeServerTest, OversizedHeaderIs431) {
  Start();
  ExpectRefusedAndClosed(
      "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(5000, 'a') + "\r\n\r\n", 431);
}

TEST_F(EdgeServerTest, OversizedHeaderWithoutEndIs431) {
  Start();
  ExpectRefusedAndClosed("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(5000, 'a'), 431);
}

TEST_F(EdgeServerTest, BodyTooLargeIs413) {
  Start();
  ExpectRefusedAndClosed(
      "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1001\r\n\r\n" + std::string(1001, 'b'), 413);
  std::string chunked = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 3; ++i) chunked += "190\r\n" + std::string(400, 'c') + "\r\n";
  chunked += "0\r\n\r\n";
  ExpectRefusedAndClosed(chunked, 413);
}

TEST_F(EdgeServerTest, MalformedChunkIs400) {
  Start();
  ExpectRefusedAndClosed(
      "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n",
      400);
}

TEST_F(EdgeServerTest, SlowlorisIsCutAtTheHeaderDeadline) {
  Start();  // header_timeout = 500 ms
  RawClient client(port_);
  ASSERT_TRUE(client.connected());
  const std::string head = "GET / HTTP/1.1\r\nHost: x\r\nX-Slow: 0123456789\r\n\r\n";
  auto start = Clock::now();
  bool closed = false;
  for (char c : head) {
    if (!client.Send(std::string_view(&c, 1))) break;
    if (client.WaitClosed(200ms)) {
      closed = true;
      break;
    }
    if (Clock::now() - start > 3s) break;
  }
  if (!closed) closed = client.WaitClosed(1500ms);
  auto elapsed = Clock::now() - start;
  EXPECT_TRUE(closed);
  EXPECT_LT(elapsed, 1200ms);
  EXPECT_GE(elapsed, 400ms);
  EXPECT_EQ(recorder_.count(), 0u);
}

TEST_F(EdgeServerTest, IdleKeepAliveConnectionIsClosedAfterIdleTimeout) {
  options_.idle_timeout = 300ms;
  Start();
  RawClient client(port_);
  ASSERT_TRUE(client.Send(kGet));
  EXPECT_THAT(client.ReadResponse().raw, StartsWith("HTTP/1.1 200 OK"));
  auto start = Clock::now();
  EXPECT_TRUE(client.WaitClosed(2000ms));
  EXPECT_LT(Clock::now() - start, 1000ms);
}

TEST_F(EdgeServerTest, DrainFinishesInFlightRequestsAndRefusesNewConnections) {
  Start();
  RawClient idle(port_);
  ASSERT_TRUE(idle.Send(kGet));
  ASSERT_THAT(idle.ReadResponse().raw, StartsWith("HTTP/1.1 200 OK"));

  RawClient busy(port_);
  ASSERT_TRUE(busy.Send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"));
  // Wait until the slow request is in the handler.
  auto until = Clock::now() + 2s;
  while (recorder_.count() < 2 && Clock::now() < until) std::this_thread::sleep_for(5ms);
  ASSERT_EQ(recorder_.count(), 2u);

  auto drained = std::async(std::launch::async, [this] { return edge_.Drain(3000ms); });
  // The idle keep-alive connection is closed at once, without an answer.
  EXPECT_TRUE(idle.WaitClosed(1000ms));
  EXPECT_EQ(idle.buffered(), "");
  // New connections are refused once the listeners are closed.
  bool refused = false;
  until = Clock::now() + 2s;
  while (!refused && Clock::now() < until) {
    RawClient late(port_);
    refused = !late.connected();
    if (!refused) std::this_thread::sleep_for(10ms);
  }
  EXPECT_TRUE(refused);
  // The in-flight request completes, then its connection closes.
  EXPECT_THAT(busy.ReadResponse().raw, testing::EndsWith("GET /slow "));
  EXPECT_TRUE(busy.WaitClosed(2000ms));
  ASSERT_EQ(drained.wait_for(4s), std::future_status::ready);
  EXPECT_TRUE(drained.get());
  EXPECT_EQ(edge_.sessions(), 0u);
}

TEST_F(EdgeServerTest, DrainForceClosesAtTheDeadline) {
  Start();
  RawClient busy(port_);
  ASSERT_TRUE(busy.Send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto until = Clock::now() + 2s;
  while (recorder_.count() < 1 && Clock::now() < until) std::this_thread::sleep_for(5ms);
  auto start = Clock::now();
  EXPECT_FALSE(edge_.Drain(100ms));  // the handler needs 400 ms
  EXPECT_LT(Clock::now() - start, 1500ms);
  EXPECT_TRUE(busy.WaitClosed(1000ms));
  EXPECT_EQ(edge_.sessions(), 0u);
}

}  // namespace
}  // namespace shadowdiff
