// UpstreamPool::ExchangePipelined (the shadow side, HTTP/1.1 pipelining) against FakeUpstream
// and, where the exact bytes on the wire matter (several responses in one segment, a partial
// answer, unrequested bytes), against RawUpstream below: batching per turn and depth,
// responses matched to their own requests in order, framing kept in sync across responses,
// the resend of unanswered requests (and when a call fails instead), deadlines, and `done`
// running exactly once and never inside the call.
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "src/proxy/upstream_pool.h"
#include "src/proxy/upstream_wire.h"
#include "tests/integration/fake_upstream.h"

namespace shadowdiff {
namespace {

namespace asio = boost::asio;
using namespace std::chrono_literals;
using asio::ip::tcp;
using test::FakeReply;
using test::FakeUpstream;
using test::RecordedRequest;
using Clock = std::chrono::steady_clock;

double MillisBetween(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

UpstreamRequest Get(std::string target) { return {"GET", std::move(target), {}, ""}; }

// Answers every request with its own target as the body, so a result shows which request it
// answers.
FakeReply Echo(const RecordedRequest& r) { return FakeReply::Text(200, r.target); }

// "/0", "/1", ... "/<n-1>".
std::vector<std::string> Targets(int n, int first = 0) {
  std::vector<std::string> targets;
  for (int i = first; i < first + n; ++i) targets.push_back("/" + std::to_string(i));
  return targets;
}

// A 200 response with `body` and a Content-Length.
std::string Response(std::string_view body) {
  return "HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(body.size()) + "\r\n\r\n" +
         std::string(body);
}

// ---- RawUpstream ---------------------------------------------------------------------------

// A loopback server for the cases that need exact control of the bytes on the wire. The i-th
// accepted connection is handed to scripts[i] on a thread of its own (blocking calls, each
// bounded by kWait); once its script returns, a connection still open is held until the client
// closes it or the server stops. Connections beyond the scripts are closed at once.
class RawUpstream {
 public:
  static constexpr auto kWait = 5s;

  class Connection {
   public:
    Connection(RawUpstream& server, size_t index, tcp::socket socket)
        : server_(server), index_(index), socket_(std::move(socket)) {
      socket_.non_blocking(true);
    }

    // Reads until `count` more request heads (requests without a body, as CanPipeline allows)
    // have arrived; their targets in order. Fewer when kWait passes or the client closes.
    std::vector<std::string> ReadRequests(size_t count) {
      std::vector<std::string> targets;
      auto deadline = Clock::now() + kWait;
      while (targets.size() < count) {
        size_t end = buffer_.find("\r\n\r\n");
        if (end != std::string::npos) {
          std::string head = buffer_.substr(0, end);
          buffer_.erase(0, end + 4);
          size_t from = head.find(' ') + 1;
          targets.push_back(head.substr(from, head.find(' ', from) - from));
          server_.Record(index_, targets.back());
          continue;
        }
        if (!ReadSome(deadline)) break;
      }
      return targets;
    }

    void Write(std::string_view bytes) {
      auto deadline = Clock::now() + kWait;
      while (!bytes.empty() && Clock::now() < deadline && !server_.stop_) {
        boost::system::error_code ec;
        size_t n = socket_.write_some(asio::buffer(bytes.data(), bytes.size()), ec);
        if (ec == asio::error::would_block || ec == asio::error::try_again) {
          std::this_thread::sleep_for(1ms);
        } else if (ec) {
          return;
        }
        bytes.remove_prefix(n);
      }
    }

    // FIN (nothing unread is left behind: the requests were read first).
    void Close() {
      boost::system::error_code ignored;
      socket_.shutdown(tcp::socket::shutdown_both, ignored);
      socket_.close(ignored);
    }

    // Waits until the client closes the connection or the server stops, then closes it.
    void Hold() {
      auto deadline = Clock::now() + 2 * kWait;
      while (socket_.is_open() && ReadSome(deadline)) buffer_.clear();
      Close();
    }

   private:
    // Reads what is there into buffer_; false on end of file, error, kWait or stop.
    bool ReadSome(Clock::time_point deadline) {
      char chunk[4096];
      while (Clock::now() < deadline && !server_.stop_) {
        boost::system::error_code ec;
        size_t n = socket_.read_some(asio::buffer(chunk), ec);
        if (ec == asio::error::would_block || ec == asio::error::try_again) {
          std::this_thread::sleep_for(1ms);
          continue;
        }
        if (ec) return false;
        buffer_.append(chunk, n);
        return true;
      }
      return false;
    }

    RawUpstream& server_;
    size_t index_;
    tcp::socket socket_;
    std::string buffer_;
  };
  using Script = std::function<void(Connection&)>;

  explicit RawUpstream(std::vector<Script> scripts)
      : scripts_(std::move(scripts)),
        acceptor_(io_, tcp::endpoint(asio::ip::address_v4::loopback(), 0)) {
    acceptor_.non_blocking(true);
    accept_thread_ = std::thread([this] { AcceptLoop(); });
  }
  ~RawUpstream() {
    stop_ = true;
    accept_thread_.join();
    for (std::thread& worker : workers_) worker.join();
  }

  std::string url() const {
    return "http://127.0.0.1:" + std::to_string(acceptor_.local_endpoint().port());
  }
  size_t connections_accepted() const {
    std::lock_guard lock(mutex_);
    return targets_.size();
  }
  // The targets read on each connection, connections in accept order.
  std::vector<std::vector<std::string>> targets() const {
    std::lock_guard lock(mutex_);
    return targets_;
  }

 private:
  void AcceptLoop() {
    auto deadline = Clock::now() + 6 * kWait;
    while (!stop_ && Clock::now() < deadline) {
      boost::system::error_code ec;
      tcp::socket socket(io_);
      acceptor_.accept(socket, ec);
      if (ec) {
        std::this_thread::sleep_for(1ms);
        continue;
      }
      size_t index;
      {
        std::lock_guard lock(mutex_);
        index = targets_.size();
        targets_.emplace_back();
      }
      if (index >= scripts_.size()) continue;  // closed as `socket` goes
      workers_.emplace_back([this, index, socket = std::move(socket)]() mutable {
        Connection connection(*this, index, std::move(socket));
        scripts_[index](connection);
        connection.Hold();
      });
    }
  }
  void Record(size_t index, std::string target) {
    std::lock_guard lock(mutex_);
    targets_[index].push_back(std::move(target));
  }

  std::vector<Script> scripts_;
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  std::vector<std::vector<std::string>> targets_;  // guarded by mutex_
  asio::io_context io_;                            // for the sockets; never run
  tcp::acceptor acceptor_;
  std::thread accept_thread_;
  std::vector<std::thread> workers_;  // accept_thread_ only, until it is joined
};

// ---- The fixture ---------------------------------------------------------------------------

class PipelineTest : public ::testing::Test {
 protected:
  // One ExchangePipelined call and what came back.
  struct Call {
    std::string target;
    int done_calls = 0;  // how many times `done` ran
    int order = -1;      // the how-manieth `done` of the test this was
    UpstreamResult result;
    Clock::time_point submitted;
    Clock::time_point answered;
  };

  std::shared_ptr<UpstreamPool> MakePool(const std::string& url, size_t depth,
                                         UpstreamOptions options = {}) {
    options.pipeline_depth = depth;
    return std::make_shared<UpstreamPool>(io_.get_executor(), ParseTargetUrl(url).value(), options);
  }

  // Submits `request` (a copy that dies on return: the call must not need it afterwards).
  Call* Submit(UpstreamPool& pool, UpstreamRequest request,
               std::chrono::milliseconds timeout = 5s) {
    Call* call = &calls_.emplace_back();
    call->target = request.target;
    call->submitted = Clock::now();
    pool.ExchangePipelined(request, call->submitted + timeout, [this, call](UpstreamResult r) {
      ++call->done_calls;
      call->order = answered_++;
      call->result = std::move(r);
      call->answered = Clock::now();
    });
    return call;
  }
  // GETs of `targets`, submitted in this order in one turn.
  std::vector<Call*> SubmitGets(UpstreamPool& pool, const std::vector<std::string>& targets,
                                std::chrono::milliseconds timeout = 5s) {
    std::vector<Call*> calls;
    for (const std::string& target : targets) calls.push_back(Submit(pool, Get(target), timeout));
    return calls;
  }

  // Runs io_ until every one of `calls` has its result, for at most `limit`, then a little
  // longer so that a second run of a `done` would be seen. False when some result is missing.
  bool Wait(const std::vector<Call*>& calls, std::chrono::milliseconds limit = 5s) {
    auto all_done = [&] {
      return std::all_of(calls.begin(), calls.end(), [](Call* c) { return c->done_calls > 0; });
    };
    RunUntil(all_done, limit);
    io_.restart();
    io_.run_for(30ms);
    return all_done();
  }
  // Runs io_ until `predicate` holds, for at most `limit`.
  void RunUntil(const std::function<bool()>& predicate, std::chrono::milliseconds limit) {
    auto deadline = Clock::now() + limit;
    io_.restart();
    while (!predicate() && Clock::now() < deadline) {
      io_.run_one_for(10ms);
      if (io_.stopped()) io_.restart();
    }
  }

  // Every `done` of the test ran exactly once.
  void ExpectEachDoneOnce() {
    for (const Call& call : calls_) EXPECT_EQ(call.done_calls, 1) << call.target;
  }
  // The upstream read a request and ended the connection without a byte of response, on
  // every connection: each call was sent once more, then failed.
  void ExpectEveryCallRetriedOnceThenFailed(const std::vector<Call*>& calls,
                                            const FakeUpstream& server, Clock::time_point start) {
    ExpectEachDoneOnce();
    for (Call* call : calls) {
      EXPECT_EQ(call->result.status, UpstreamStatus::kIoError)
          << call->target << ": " << call->result.detail;
      EXPECT_TRUE(call->result.retried) << call->target;
    }
    EXPECT_LT(MillisBetween(start, Clock::now()), 1500);
    EXPECT_EQ(server.connections_accepted(), 2u);  // the first and the one resend, no more
    EXPECT_EQ(server.request_count(), 2u);         // the fake reads one request on each
  }
  // The requests the server saw on its connection `connection`, their targets in arrival order,
  // and checks their index_on_connection counts up from `first_index`.
  static std::vector<std::string> TargetsOn(const FakeUpstream& server, uint64_t connection,
                                            uint64_t first_index = 0) {
    std::vector<std::string> targets;
    for (const RecordedRequest& r : server.requests()) {
      if (r.connection != connection) continue;
      EXPECT_EQ(r.index_on_connection, first_index + targets.size()) << r.target;
      targets.push_back(r.target);
    }
    return targets;
  }

  std::deque<Call> calls_;  // stable addresses; declared before io_, which goes first
  int answered_ = 0;
  asio::io_context io_;
};

// ---- Batching --------------------------------------------------------------------------------

TEST_F(PipelineTest, OneTurnsCallsShareOneConnectionInSubmissionOrder) {
  FakeUpstream server(Echo);
  auto pool = MakePool(server.url(), 8);
  std::vector<Call*> calls = SubmitGets(*pool, Targets(8));
  EXPECT_EQ(pool->connections_opened(), 0u);  // nothing happens before the loop runs
  ASSERT_TRUE(Wait(calls));
  ExpectEachDoneOnce();
  for (int i = 0; i < 8; ++i) {
    const UpstreamResult& result = calls[i]->result;
    ASSERT_TRUE(result.ok()) << i << ": " << result.detail;
    EXPECT_EQ(result.response.status, 200);
    EXPECT_EQ(result.response.body, "/" + std::to_string(i));
    EXPECT_TRUE(result.body_complete);
    EXPECT_FALSE(result.retried);
    EXPECT_FALSE(result.reused_connection);
    EXPECT_EQ(calls[i]->order, i);  // answered in order
  }
  EXPECT_EQ(server.connections_accepted(), 1u);
  EXPECT_EQ(TargetsOn(server, 1), Targets(8));
  EXPECT_EQ(pool->connections_opened(), 1u);
  EXPECT_EQ(pool->idle_connections(), 1u);
  EXPECT_EQ(pool->active_connections(), 0u);

  // The idle connection carries the next batch.
  std::vector<Call*> again = SubmitGets(*pool, Targets(8, 8));
  ASSERT_TRUE(Wait(again));
  ExpectEachDoneOnce();
  for (int i = 0; i < 8; ++i) {
    const UpstreamResult& result = again[i]->result;
    ASSERT_TRUE(result.ok()) << i << ": " << result.detail;
    EXPECT_EQ(result.response.body, "/" + std::to_string(8 + i));
    EXPECT_TRUE(result.reused_connection);
    EXPECT_FALSE(result.retried);
  }
  EXPECT_EQ(server.connections_accepted(), 1u);
  EXPECT_EQ(TargetsOn(server, 1), Targets(16));  // index_on_connection 0..15
  EXPECT_EQ(pool->connections_opened(), 1u);
  EXPECT_EQ(pool->idle_connections(), 1u);
}

TEST_F(PipelineTest, SendsHostOfTheTargetAndPrefixesTheBasePath) {
  FakeUpstream server(Echo);
  auto pool = MakePool(server.url("/v2"), 4);
  std::vector<Call*> calls = {
      Submit(*pool, {"GET", "/a?x=1", {{"Host", "client.example"}, {"X-A", "1"}}, ""}),
      Submit(*pool, {"OPTIONS", "/b", {{"X-B", "2"}}, ""})};
  ASSERT_TRUE(Wait(calls));
  EXPECT_EQ(calls[0]->result.response.body, "/v2/a?x=1");
  EXPECT_EQ(calls[1]->result.response.body, "/v2/b");
  std::vector<RecordedRequest> seen = server.requests();
  ASSERT_EQ(seen.size(), 2u);
  const std::string host = "127.0.0.1:" + std::to_string(server.port());
  EXPECT_EQ(seen[0].method, "GET");
  EXPECT_EQ(seen[0].Header("host").value_or(""), host);
  EXPECT_EQ(seen[0].Header("x-a").value_or(""), "1");
  EXPECT_EQ(seen[1].method, "OPTIONS");
  EXPECT_EQ(seen[1].Header("host").value_or(""), host);
  EXPECT_EQ(seen[1].Header("x-b").value_or(""), "2");
  EXPECT_EQ(server.connections_accepted(), 1u);
}

TEST_F(PipelineTest, CallsBeyondTheDepthGetConnectionsOfTheirOwn) {
  FakeUpstream server(Echo);
  auto pool = MakePool(server.url(), 2);
  std::vector<Call*> calls = SubmitGets(*pool, Targets(6));
  ASSERT_TRUE(Wait(calls));
  ExpectEachDoneOnce();
  for (int i = 0; i < 6; ++i) {
    ASSERT_TRUE(calls[i]->result.ok()) << i << ": " << calls[i]->result.detail;
    EXPECT_EQ(calls[i]->result.response.body, "/" + std::to_string(i));
  }
  ASSERT_EQ(server.connections_accepted(), 3u);
  EXPECT_EQ(pool->connections_opened(), 3u);
  for (uint64_t connection = 1; connection <= 3; ++connection) {
    std::vector<std::string> targets = TargetsOn(server, connection);
    ASSERT_EQ(targets.size(), 2u) << "connection " << connection;      // depth 2 each
    EXPECT_LT(targets[0], targets[1]) << "connection " << connection;  // in submission order
  }
  EXPECT_EQ(pool->idle_connections(), 3u);

  // The next turn's six calls take the three idle connections.
  std::vector<Call*> again = SubmitGets(*pool, Targets(6, 6));
  ASSERT_TRUE(Wait(again));
  ExpectEachDoneOnce();
  for (int i = 0; i < 6; ++i) {
    ASSERT_TRUE(again[i]->result.ok()) << i << ": " << again[i]->result.detail;
    EXPECT_EQ(again[i]->result.response.body, "/" + std::to_string(6 + i));
    EXPECT_TRUE(again[i]->result.reused_connection);
  }
  EXPECT_EQ(server.connections_accepted(), 3u);
  EXPECT_EQ(server.request_count(), 12u);
  for (uint64_t connection = 1; connection <= 3; ++connection) {
    EXPECT_EQ(TargetsOn(server, connection).size(), 4u) << "connection " << connection;
  }
}

TEST_F(PipelineTest, DepthOneSendsOneRequestPerConnection) {
  FakeUpstream server(Echo);
  auto pool = MakePool(server.url(), 1);
  std::vector<Call*> calls = SubmitGets(*pool, Targets(3));
  ASSERT_TRUE(Wait(calls));
  for (int i = 0; i < 3; ++i) EXPECT_EQ(calls[i]->result.response.body, "/" + std::to_string(i));
  EXPECT_EQ(server.connections_accepted(), 3u);
  for (const RecordedRequest& r : server.requests()) EXPECT_EQ(r.index_on_connection, 0u);
}

TEST_F(PipelineTest, ACallOfALaterTurnNeverWaitsBehindAnEarlierOne) {
  FakeUpstream server([](const RecordedRequest& r) {
    if (r.target == "/slow") return FakeReply::Text(200, "slow").WithDelay(600ms);
    return Echo(r);
  });
  auto pool = MakePool(server.url(), 8);
  Call* slow = Submit(*pool, Get("/slow"));
  RunUntil([&] { return server.request_count() == 1; }, 2s);  // /slow is in flight
  ASSERT_EQ(server.request_count(), 1u);
  Call* fast = Submit(*pool, Get("/fast"));
  ASSERT_TRUE(Wait({fast}, 2s));
  ASSERT_TRUE(fast->result.ok()) << fast->result.detail;
  EXPECT_EQ(fast->result.response.body, "/fast");
  EXPECT_EQ(slow->done_calls, 0);  // /fast did not wait for it
  EXPECT_LT(fast->result.response.duration_ms, 400);
  ASSERT_TRUE(Wait({slow}, 3s));
  ASSERT_TRUE(slow->result.ok()) << slow->result.detail;
  EXPECT_EQ(slow->result.response.body, "slow");
  EXPECT_EQ(server.connections_accepted(), 2u);
  ExpectEachDoneOnce();
}

TEST_F(PipelineTest, DurationIncludesTheWaitBehindEarlierResponses) {
  FakeUpstream server([](const RecordedRequest& r) {
    if (r.target == "/slow") return FakeReply::Text(200, "slow").WithDelay(300ms);
    return Echo(r);
  });
  auto pool = MakePool(server.url(), 4);
  std::vector<Call*> calls = SubmitGets(*pool, {"/slow", "/a", "/b"});
  ASSERT_TRUE(Wait(calls));
  ExpectEachDoneOnce();
  for (Call* call : calls) {
    ASSERT_TRUE(call->result.ok()) << call->target << ": " << call->result.detail;
    EXPECT_GE(call->result.response.duration_ms, 295) << call->target;
    EXPECT_LT(call->result.response.duration_ms, 2000) << call->target;
  }
  EXPECT_EQ(calls[1]->result.response.body, "/a");
  EXPECT_EQ(calls[2]->result.response.body, "/b");
  EXPECT_EQ(server.connections_accepted(), 1u);
}

// ---- Framing across responses ----------------------------------------------------------------

TEST_F(PipelineTest, BodilessAndChunkedResponsesKeepThePipelineInSync) {
  FakeUpstream server([](const RecordedRequest& r) {
    if (r.target == "/204") return FakeReply::Text(204, "");
    if (r.target == "/304") return FakeReply::Text(304, "").WithHeader("ETag", "\"a\"");
    if (r.target == "/chunked") return FakeReply::Text(200, "in three chunks").WithChunked(5);
    if (r.target == "/head") return FakeReply::Text(200, "0123456789");  // HEAD: no body sent
    return Echo(r);
  });
  auto pool = MakePool(server.url(), 8);
  std::vector<Call*> calls = {Submit(*pool, Get("/a")),
                              Submit(*pool, {"HEAD", "/head", {}, ""}),
                              Submit(*pool, Get("/204")),
                              Submit(*pool, Get("/b")),
                              Submit(*pool, Get("/304")),
                              Submit(*pool, Get("/chunked")),
                              Submit(*pool, {"HEAD", "/head", {}, ""}),
                              Submit(*pool, Get("/c"))};
  ASSERT_TRUE(Wait(calls));
  ExpectEachDoneOnce();
  for (Call* call : calls) {
    ASSERT_TRUE(call->result.ok()) << call->target << ": " << call->result.detail;
    EXPECT_TRUE(call->result.body_complete) << call->target;
    EXPECT_FALSE(call->result.retried) << call->target;
  }
  EXPECT_EQ(calls[0]->result.response.body, "/a");
  EXPECT_EQ(calls[1]->result.response.status, 200);
  EXPECT_EQ(calls[1]->result.response.body, "");
  EXPECT_EQ(FindHeader(calls[1]->result.response.headers, "content-length").value_or(""), "10");
  EXPECT_EQ(calls[2]->result.response.status, 204);
  EXPECT_EQ(calls[2]->result.response.body, "");
  EXPECT_EQ(calls[3]->result.response.body, "/b");
  EXPECT_EQ(calls[4]->result.response.status, 304);
  EXPECT_EQ(FindHeader(calls[4]->result.response.headers, "etag").value_or(""), "\"a\"");
  EXPECT_EQ(calls[5]->result.response.body, "in three chunks");
  EXPECT_EQ(calls[6]->result.response.body, "");
  EXPECT_EQ(calls[7]->result.response.body, "/c");
  EXPECT_EQ(server.connections_accepted(), 1u);
  EXPECT_EQ(pool->idle_connections(), 1u);
}

// One byte per write: every split of a response, and of the boundary between two responses.
TEST_F(PipelineTest, ResponsesArrivingByteByByteAreMatchedToTheirRequests) {
  FakeUpstream server([](const RecordedRequest& r) {
    FakeReply reply =
        FakeReply::Raw("HTTP/1.1 200 OK\r\nContent-Length: " + std::to_string(r.target.size()) +
                       "\r\n\r\n" + r.target);
    reply.close_after = false;
    reply.trickle = 1ms;
    if (r.target == "/c") {  // chunked: "/c" in two chunks
      reply.raw =
          "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\n/\r\n1\r\nc\r\n0\r\n\r\n";
    }
    return reply;
  });
  auto pool = MakePool(server.url(), 4);
  std::vector<Call*> calls = SubmitGets(*pool, {"/a", "/c", "/bb"});
  ASSERT_TRUE(Wait(calls));
  ExpectEachDoneOnce();
  for (Call* call : calls) {
    ASSERT_TRUE(call->result.ok()) << call->target << ": " << call->result.detail;
    EXPECT_EQ(call->result.response.body, call->target);
  }
  EXPECT_EQ(server.connections_accepted(), 1u);
}

TEST_F(PipelineTest, BodyOverTheCaptureCapIsDrainedAndTheNextResponsesStayIntact) {
  const std::string big = FakeUpstream::HugeBody(1000);
  FakeUpstream server([&](const RecordedRequest& r) {
    if (r.target == "/big") return FakeReply::Text(200, big);
    if (r.target == "/big-chunked") return FakeReply::Text(200, big).WithChunked(100);
    return Echo(r);
  });
  UpstreamOptions options;
  options.capture_cap = 16;
  auto pool = MakePool(server.url(), 8, options);
  std::vector<Call*> calls = SubmitGets(*pool, {"/a", "/big", "/b", "/big-chunked", "/c"});
  ASSERT_TRUE(Wait(calls));
  ExpectEachDoneOnce();
  for (Call* call : calls) {
    ASSERT_TRUE(call->result.ok()) << call->target << ": " << call->result.detail;
    EXPECT_TRUE(call->result.body_complete) << call->target;
    EXPECT_FALSE(call->result.retried) << call->target;
  }
  for (int i : {1, 3}) {
    const UpstreamResult& result = calls[i]->result;
    EXPECT_EQ(result.response.body, big.substr(0, 16)) << calls[i]->target;
    EXPECT_TRUE(result.response.body_truncated) << calls[i]->target;
    EXPECT_EQ(result.body_bytes, 1000u) << calls[i]->target;
  }
  for (int i : {0, 2, 4}) {
    EXPECT_EQ(calls[i]->result.response.body, calls[i]->target);
    EXPECT_FALSE(calls[i]->result.response.body_truncated) << calls[i]->target;
  }
  EXPECT_EQ(server.connections_accepted(), 1u);
  EXPECT_EQ(pool->idle_connections(), 1u);  // drained, so kept
}

TEST_F(PipelineTest, BodyOverTheDrainLimitEndsTheConnectionAndTheRestAreSentAgain) {
  FakeUpstream server([](const RecordedRequest& r) {
    if (r.target == "/huge") return FakeReply::Huge(uint64_t{4} << 20).WithChunked(64 << 10);
    return Echo(r);
  });
  UpstreamOptions options;
  options.capture_cap = 1000;
  options.drain_limit = 1 << 20;
  auto pool = MakePool(server.url(), 4, options);
  std::vector<Call*> calls = SubmitGets(*pool, {"/a", "/huge", "/b", "/c"});
  ASSERT_TRUE(Wait(calls));
  ExpectEachDoneOnce();
  const UpstreamResult& huge = calls[1]->result;
  ASSERT_TRUE(huge.ok()) << huge.detail;  // still ok: status, headers and prefix are valid
  EXPECT_EQ(huge.response.body, FakeUpstream::HugeBody(1000));
  EXPECT_TRUE(huge.response.body_truncated);
  EXPECT_FALSE(huge.body_complete);
  EXPECT_FALSE(huge.retried);
  for (int i : {0, 2, 3}) {
    ASSERT_TRUE(calls[i]->result.ok()) << calls[i]->target << ": " << calls[i]->result.detail;
    EXPECT_EQ(calls[i]->result.response.body, calls[i]->target);
    EXPECT_EQ(calls[i]->result.retried, i > 1) << calls[i]->target;
  }
  EXPECT_EQ(server.connections_accepted(), 2u);
  EXPECT_EQ(TargetsOn(server, 2), (std::vector<std::string>{"/b", "/c"}));
}

// ---- Connections that end with requests unanswered ---------------------------------------

TEST_F(PipelineTest, ConnectionCloseMidPipelineSendsTheRestAgainOnANewConnection) {
  FakeUpstream server([](const RecordedRequest& r) {
    if (r.connection == 1 && r.index_on_connection == 1) {  // a keep-alive limit of 2
      return FakeReply::Text(200, r.target).WithHeader("Connection", "close").WithCloseAfter();
    }
    return Echo(r);
  });
  auto pool = MakePool(server.url(), 8);
  std::vector<Call*> calls = SubmitGets(*pool, Targets(5));
  ASSERT_TRUE(Wait(calls));
  ExpectEachDoneOnce();
  for (int i = 0; i < 5; ++i) {
    const UpstreamResult& result = calls[i]->result;
    ASSERT_TRUE(result.ok()) << i << ": " << result.detail;
    EXPECT_EQ(result.response.body, "/" + std::to_string(i));
    EXPECT_EQ(result.retried, i >= 2) << i;
    EXPECT_FALSE(result.reused_connection) << i;
  }
  EXPECT_EQ(server.connections_accepted(), 2u);
  EXPECT_EQ(pool->connections_opened(), 2u);
  EXPECT_EQ(server.request_count(), 5u);  // each request answered once upstream
  EXPECT_EQ(TargetsOn(server, 1), (std::vector<std::string>{"/0", "/1"}));
  EXPECT_EQ(TargetsOn(server, 2), (std::vector<std::string>{"/2", "/3", "/4"}));
  EXPECT_EQ(pool->idle_connections(), 1u);  // the second one
}

TEST_F(PipelineTest, UpstreamClosingWithoutAnswerFailsEachCallOnceAfterOneResend) {
  FakeUpstream server(FakeReply::Close());
  auto pool = MakePool(server.url(), 4);
  auto start = Clock::now();
  std::vector<Call*> calls = SubmitGets(*pool, Targets(4));
  ASSERT_TRUE(Wait(calls));
  ExpectEveryCallRetriedOnceThenFailed(calls, server, start);
  EXPECT_EQ(pool->idle_connections(), 0u);
  EXPECT_EQ(pool->active_connections(), 0u);
}

TEST_F(PipelineTest, UpstreamResettingWithoutAnswerFailsEachCallOnceAfterOneResend) {
  FakeUpstream server(FakeReply::Reset());
  auto pool = MakePool(server.url(), 4);
  auto start = Clock::now();
  std::vector<Call*> calls = SubmitGets(*pool, Targets(4));
  ASSERT_TRUE(Wait(calls));
  ExpectEveryCallRetriedOnceThenFailed(calls, server, start);
  EXPECT_EQ(pool->idle_connections(), 0u);
  EXPECT_EQ(pool->active_connections(), 0u);
}

// `Connection: close` is the end of the connection whatever the upstream does next: even
// when it keeps the connection open and answers what follows, those answers are not used.
TEST_F(PipelineTest, ConnectionCloseIsHonouredWhenTheUpstreamKeepsTheConnectionOpen) {
  FakeUpstream server([](const RecordedRequest& r) {
    if (r.connection == 1 && r.index_on_connection == 1) {
      return FakeReply::Text(200, r.target).WithHeader("Connection", "close");  // not closed
    }
    return Echo(r);
  });
  auto pool = MakePool(server.url(), 8);
  std::vector<Call*> calls = SubmitGets(*pool, Targets(4));
  ASSERT_TRUE(Wait(calls));
  ExpectEachDoneOnce();
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(calls[i]->result.ok()) << i << ": " << calls[i]->result.detail;
    EXPECT_EQ(calls[i]->result.response.body, "/" + std::to_string(i));
    EXPECT_EQ(calls[i]->result.retried, i >= 2) << i;
  }
  EXPECT_EQ(server.connections_accepted(), 2u);
  EXPECT_EQ(TargetsOn(server, 2), (std::vector<std::string>{"/2", "/3"}));
}

// A keep-alive limit of one: each connection answers one call and closes, so each one is
// progress and no call fails, however many connections it takes.
TEST_F(PipelineTest, KeepAliveLimitOfOneStillAnswersEveryCall) {
  FakeUpstream server([](const RecordedRequest& r) {
    return FakeReply::Text(200, r.target).WithHeader("Connection", "close").WithCloseAfter();
  });
  auto pool = MakePool(server.url(), 4);
  std::vector<Call*> calls = SubmitGets(*pool, Targets(4));
  ASSERT_TRUE(Wait(calls));
  ExpectEachDoneOnce();
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(calls[i]->result.ok()) << i << ": " << calls[i]->result.detail;
    EXPECT_EQ(calls[i]->result.response.body, "/" + std::to_string(i));
    EXPECT_EQ(calls[i]->result.retried, i > 0) << i;
  }
  EXPECT_EQ(server.connections_accepted(), 4u);
  EXPECT_EQ(server.request_count(), 4u);
  for (uint64_t connection = 1; connection <= 4; ++connection) {
    EXPECT_EQ(TargetsOn(server, connection),
              std::vector<std::string>{"/" + std::to_string(connection - 1)});
  }
  EXPECT_EQ(pool->idle_connections(), 0u);
}

// A connection that answered some calls before it ended does not count against the calls
// behind them: only a second connection that ends answering nothing fails a call.
TEST_F(PipelineTest, OnlyConnectionsThatAnswerNothingCountAgainstACall) {
  FakeUpstream server([](const RecordedRequest& r) {
    if (r.connection == 1) return FakeReply::Close();  // nothing answered
    if (r.connection == 2) {                           // answers one, then a keep-alive limit
      return FakeReply::Text(200, r.target).WithHeader("Connection", "close").WithCloseAfter();
    }
    return Echo(r);
  });
  auto pool = MakePool(server.url(), 4);
  std::vector<Call*> calls = SubmitGets(*pool, Targets(4));
  ASSERT_TRUE(Wait(calls));
  ExpectEachDoneOnce();
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(calls[i]->result.ok()) << i << ": " << calls[i]->result.detail;
    EXPECT_EQ(calls[i]->result.response.body, "/" + std::to_string(i));
    EXPECT_TRUE(calls[i]->result.retried) << i;
  }
  EXPECT_EQ(server.connections_accepted(), 3u);
  EXPECT_EQ(TargetsOn(server, 2), std::vector<std::string>{"/0"});
  EXPECT_EQ(TargetsOn(server, 3), (std::vector<std::string>{"/1", "/2", "/3"}));
}

TEST_F(PipelineTest, SecondConnectionThatAnswersNothingFailsTheCallsOnIt) {
  FakeUpstream server([](const RecordedRequest& r) {
    if (r.connection == 1) {  // answers one, then a keep-alive limit
      return FakeReply::Text(200, r.target).WithHeader("Connection", "close").WithCloseAfter();
    }
    return FakeReply::Close();  // every later connection: nothing answered
  });
  auto pool = MakePool(server.url(), 4);
  std::vector<Call*> calls = SubmitGets(*pool, Targets(4));
  ASSERT_TRUE(Wait(calls));
  ExpectEachDoneOnce();
  ASSERT_TRUE(calls[0]->result.ok()) << calls[0]->result.detail;
  EXPECT_EQ(calls[0]->result.response.body, "/0");
  for (int i = 1; i < 4; ++i) {
    EXPECT_EQ(calls[i]->result.status, UpstreamStatus::kIoError)
        << i << ": " << calls[i]->result.detail;
    EXPECT_TRUE(calls[i]->result.retried) << i;
  }
  // The first connection answered /0; the second and third answered nothing: no fourth.
  EXPECT_EQ(server.connections_accepted(), 3u);
}

TEST_F(PipelineTest, GarbageIsAProtocolErrorForThatResponseAndTheRestAreSentAgain) {
  FakeUpstream server([](const RecordedRequest& r) {
    if (r.target == "/1") return FakeReply::Garbage();
    return Echo(r);
  });
  auto pool = MakePool(server.url(), 8);
  std::vector<Call*> calls = SubmitGets(*pool, Targets(5));
  ASSERT_TRUE(Wait(calls));
  ExpectEachDoneOnce();
  ASSERT_TRUE(calls[0]->result.ok()) << calls[0]->result.detail;
  EXPECT_EQ(calls[0]->result.response.body, "/0");
  EXPECT_FALSE(calls[0]->result.retried);
  EXPECT_EQ(calls[1]->result.status, UpstreamStatus::kProtocolError) << calls[1]->result.detail;
  EXPECT_FALSE(calls[1]->result.retried);  // it was answered, if badly: never sent again
  for (int i = 2; i < 5; ++i) {
    ASSERT_TRUE(calls[i]->result.ok()) << i << ": " << calls[i]->result.detail;
    EXPECT_EQ(calls[i]->result.response.body, "/" + std::to_string(i));
    EXPECT_TRUE(calls[i]->result.retried) << i;
  }
  EXPECT_EQ(server.connections_accepted(), 2u);
  EXPECT_EQ(TargetsOn(server, 2), (std::vector<std::string>{"/2", "/3", "/4"}));
}

// ---- Deadlines -------------------------------------------------------------------------------

TEST_F(PipelineTest, HungHeadTimesOutAndTheCallsBehindItAreSentAgain) {
  FakeUpstream server([](const RecordedRequest& r) {
    if (r.target == "/hang") return FakeReply::Hang();
    return Echo(r);
  });
  auto pool = MakePool(server.url(), 4);
  auto start = Clock::now();
  std::vector<Call*> calls = {Submit(*pool, Get("/hang"), 300ms), Submit(*pool, Get("/a"), 3s),
                              Submit(*pool, Get("/b"), 3s), Submit(*pool, Get("/c"), 3s)};
  ASSERT_TRUE(Wait(calls, 4s));
  ExpectEachDoneOnce();
  const Call& hang = *calls[0];
  EXPECT_EQ(hang.result.status, UpstreamStatus::kTimeout) << hang.result.detail;
  EXPECT_GE(MillisBetween(hang.submitted, hang.answered), 295);
  EXPECT_LT(MillisBetween(hang.submitted, hang.answered), 2000);  // not the fake's 30 s
  for (int i = 1; i < 4; ++i) {
    ASSERT_TRUE(calls[i]->result.ok()) << calls[i]->target << ": " << calls[i]->result.detail;
    EXPECT_EQ(calls[i]->result.response.body, calls[i]->target);
    EXPECT_TRUE(calls[i]->result.retried) << calls[i]->target;
    EXPECT_GT(calls[i]->order, hang.order) << calls[i]->target;
  }
  EXPECT_LT(MillisBetween(start, Clock::now()), 2500);
  EXPECT_EQ(server.connections_accepted(), 2u);
  EXPECT_EQ(TargetsOn(server, 2), (std::vector<std::string>{"/a", "/b", "/c"}));
}

TEST_F(PipelineTest, HungHeadWithOneSharedDeadlineTimesOutEveryCall) {
  FakeUpstream server([](const RecordedRequest& r) {
    if (r.target == "/hang") return FakeReply::Hang();
    return Echo(r);
  });
  auto pool = MakePool(server.url(), 4);
  auto start = Clock::now();
  std::vector<Call*> calls = SubmitGets(*pool, {"/hang", "/a", "/b"}, 300ms);
  ASSERT_TRUE(Wait(calls, 4s));
  ExpectEachDoneOnce();
  for (Call* call : calls) {
    EXPECT_EQ(call->result.status, UpstreamStatus::kTimeout)
        << call->target << ": " << call->result.detail;
    EXPECT_LT(MillisBetween(call->submitted, call->answered), 2000) << call->target;
  }
  EXPECT_LT(MillisBetween(start, Clock::now()), 2500);
  EXPECT_EQ(server.connections_accepted(), 1u);  // nothing sent again past its deadline
  EXPECT_EQ(pool->active_connections(), 0u);
  EXPECT_EQ(pool->idle_connections(), 0u);
}

// Each call's deadline bounds its whole exchange, also for a call waiting behind a response
// that has a later deadline of its own.
TEST_F(PipelineTest, ACallsDeadlineHoldsBehindAHungResponseWithALaterDeadline) {
  FakeUpstream server([](const RecordedRequest& r) {
    if (r.target == "/hang") return FakeReply::Hang();
    return Echo(r);
  });
  auto pool = MakePool(server.url(), 4);
  std::vector<Call*> calls = {Submit(*pool, Get("/hang"), 1500ms), Submit(*pool, Get("/a"), 300ms)};
  ASSERT_TRUE(Wait(calls, 4s));
  ExpectEachDoneOnce();
  const Call& short_one = *calls[1];
  EXPECT_EQ(short_one.result.status, UpstreamStatus::kTimeout) << short_one.result.detail;
  EXPECT_LT(MillisBetween(short_one.submitted, short_one.answered), 1000)
      << "the 300 ms call waited for the deadline of the call ahead of it";
  EXPECT_EQ(calls[0]->result.status, UpstreamStatus::kTimeout) << calls[0]->result.detail;
}

// ---- Pooled connections ----------------------------------------------------------------------

TEST_F(PipelineTest, ConnectionClosedWhileIdleIsReplacedAndEveryCallSucceeds) {
  FakeUpstream server(Echo);
  auto pool = MakePool(server.url(), 4);
  ASSERT_TRUE(Wait(SubmitGets(*pool, Targets(4))));
  ASSERT_EQ(pool->idle_connections(), 1u);
  server.CloseIdleConnections();
  ASSERT_TRUE(server.WaitForOpenConnections(0, 2s));
  std::vector<Call*> calls = SubmitGets(*pool, Targets(4, 4));
  ASSERT_TRUE(Wait(calls));
  ExpectEachDoneOnce();
  for (Call* call : calls) {
    ASSERT_TRUE(call->result.ok()) << call->target << ": " << call->result.detail;
    EXPECT_EQ(call->result.response.body, call->target);
    EXPECT_FALSE(call->result.reused_connection) << call->target;  // answered on the new one
  }
  EXPECT_EQ(server.connections_accepted(), 2u);
  EXPECT_EQ(server.request_count(), 8u);
  EXPECT_EQ(TargetsOn(server, 2), Targets(4, 4));
}

// The stale-connection race: the upstream closes a kept-alive connection as the next batch
// arrives on it (its keep-alive timeout fired at that moment), without answering.
TEST_F(PipelineTest, StaleConnectionRaceSendsTheWholeBatchOnceMore) {
  FakeUpstream server([](const RecordedRequest& r) {
    if (r.connection == 1 && r.index_on_connection >= 3) return FakeReply::Close();
    return Echo(r);
  });
  auto pool = MakePool(server.url(), 4);
  std::vector<Call*> first = SubmitGets(*pool, Targets(3));
  ASSERT_TRUE(Wait(first));
  for (Call* call : first) ASSERT_TRUE(call->result.ok()) << call->result.detail;
  std::vector<Call*> calls = SubmitGets(*pool, Targets(4, 3));
  ASSERT_TRUE(Wait(calls));
  ExpectEachDoneOnce();
  for (Call* call : calls) {
    ASSERT_TRUE(call->result.ok()) << call->target << ": " << call->result.detail;
    EXPECT_EQ(call->result.response.body, call->target);
    EXPECT_TRUE(call->result.retried) << call->target;
    EXPECT_FALSE(call->result.reused_connection) << call->target;
  }
  EXPECT_EQ(server.connections_accepted(), 2u);
  EXPECT_EQ(TargetsOn(server, 2), Targets(4, 3));
  EXPECT_EQ(pool->idle_connections(), 1u);
}

TEST_F(PipelineTest, ConnectionRefusedFailsEveryCallOnceAtOnce) {
  auto pool = MakePool("http://127.0.0.1:" + std::to_string(FakeUpstream::UnusedPort()), 2);
  auto start = Clock::now();
  std::vector<Call*> calls = SubmitGets(*pool, Targets(5));
  ASSERT_TRUE(Wait(calls));
  ExpectEachDoneOnce();
  for (Call* call : calls) {
    EXPECT_EQ(call->result.status, UpstreamStatus::kConnectError)
        << call->target << ": " << call->result.detail;
  }
  EXPECT_LT(MillisBetween(start, Clock::now()), 1000);
  EXPECT_EQ(pool->active_connections(), 0u);
  EXPECT_EQ(pool->idle_connections(), 0u);
}

// ---- `done` and ownership ----------------------------------------------------------------

TEST_F(PipelineTest, DoneNeverRunsInsideTheCall) {
  FakeUpstream server(Echo);
  auto pool = MakePool(server.url(), 4);
  Call* invalid = Submit(*pool, {"GET", "/", {{"X", "a\r\nX-Evil: 1"}}, ""});
  EXPECT_EQ(invalid->done_calls, 0);  // refused, but not from inside the call
  Call* valid = Submit(*pool, Get("/ok"));
  EXPECT_EQ(valid->done_calls, 0);
  ASSERT_TRUE(Wait({invalid, valid}));
  ExpectEachDoneOnce();
  EXPECT_EQ(invalid->result.status, UpstreamStatus::kInvalidRequest);
  ASSERT_TRUE(valid->result.ok()) << valid->result.detail;
  EXPECT_EQ(valid->result.response.body, "/ok");
  ASSERT_EQ(server.request_count(), 1u);  // the invalid one was never sent
  EXPECT_EQ(server.requests()[0].target, "/ok");

  // Nor when the pool is warm (an idle connection ready to write to).
  ASSERT_EQ(pool->idle_connections(), 1u);
  Call* warm = Submit(*pool, Get("/warm"));
  EXPECT_EQ(warm->done_calls, 0);
  ASSERT_TRUE(Wait({warm}));
  EXPECT_EQ(warm->result.response.body, "/warm");
}

TEST_F(PipelineTest, DoneMaySubmitTheNextCall) {
  FakeUpstream server(Echo);
  auto pool = MakePool(server.url(), 4);
  std::vector<std::string> bodies;
  std::function<void(int)> chain = [&](int i) {
    pool->ExchangePipelined(Get("/" + std::to_string(i)), Clock::now() + 5s,
                            [&, i](UpstreamResult r) {
                              bodies.push_back(r.ok() ? r.response.body : r.detail);
                              if (i < 4) chain(i + 1);
                            });
  };
  chain(0);
  RunUntil([&] { return bodies.size() == 5; }, 5s);
  EXPECT_EQ(bodies, Targets(5));
  EXPECT_EQ(server.connections_accepted(), 1u);  // each found the previous one's connection idle
}

TEST_F(PipelineTest, PoolIsKeptAliveUntilTheLastDone) {
  FakeUpstream server(Echo);
  auto pool = MakePool(server.url(), 4);
  std::weak_ptr<UpstreamPool> weak = pool;
  std::vector<Call*> calls = SubmitGets(*pool, Targets(3));
  pool.reset();  // the caller lets go at once
  ASSERT_TRUE(Wait(calls));
  ExpectEachDoneOnce();
  for (Call* call : calls) {
    ASSERT_TRUE(call->result.ok()) << call->target << ": " << call->result.detail;
    EXPECT_EQ(call->result.response.body, call->target);
  }
  io_.restart();
  io_.poll();
  EXPECT_TRUE(weak.expired());  // and then it goes
}

TEST_F(PipelineTest, DoneIsDestroyedUncalledWhenTheIoContextGoesFirst) {
  FakeUpstream server([](const RecordedRequest& r) {
    if (r.target == "/hang") return FakeReply::Hang();
    return Echo(r);
  });
  auto token = std::make_shared<int>(0);
  int called = 0;
  {
    asio::io_context io;
    UpstreamOptions options;
    options.pipeline_depth = 2;
    auto pool = std::make_shared<UpstreamPool>(io.get_executor(),
                                               ParseTargetUrl(server.url()).value(), options);
    auto submit = [&](std::string target) {
      pool->ExchangePipelined(Get(std::move(target)), Clock::now() + 5s,
                              [&called, token](UpstreamResult) { ++called; });
    };
    // Two in flight behind a hang, on a connection, and two never flushed.
    submit("/hang");
    submit("/a");
    auto deadline = Clock::now() + 2s;
    while (server.request_count() < 1 && Clock::now() < deadline) io.run_one_for(10ms);
    ASSERT_EQ(server.request_count(), 1u);
    submit("/b");
    submit("/c");
    pool.reset();
    io.stop();
  }
  EXPECT_EQ(called, 0);
  EXPECT_EQ(token.use_count(), 1);  // every `done` was destroyed
}

// ---- Exact bytes on the wire (RawUpstream) ---------------------------------------------------

TEST_F(PipelineTest, ResponsesInOneSegmentAreSplitAtTheirOwnFraming) {
  RawUpstream server({[](RawUpstream::Connection& c) {
    if (c.ReadRequests(5).size() != 5) return;
    c.Write(Response("one") +
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\ntwo\r\n0\r\n\r\n" +
            "HTTP/1.1 204 No Content\r\n\r\n" +
            "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\n" +  // HEAD: no body follows
            Response("five"));
  }});
  auto pool = MakePool(server.url(), 8);
  std::vector<Call*> calls = {Submit(*pool, Get("/1")), Submit(*pool, Get("/2")),
                              Submit(*pool, Get("/3")), Submit(*pool, {"HEAD", "/4", {}, ""}),
                              Submit(*pool, Get("/5"))};
  ASSERT_TRUE(Wait(calls));
  ExpectEachDoneOnce();
  for (Call* call : calls) {
    ASSERT_TRUE(call->result.ok()) << call->target << ": " << call->result.detail;
    EXPECT_TRUE(call->result.body_complete) << call->target;
  }
  EXPECT_EQ(calls[0]->result.response.body, "one");
  EXPECT_EQ(calls[1]->result.response.body, "two");
  EXPECT_EQ(calls[2]->result.response.status, 204);
  EXPECT_EQ(calls[3]->result.response.body, "");
  EXPECT_EQ(calls[4]->result.response.body, "five");
  EXPECT_EQ(server.connections_accepted(), 1u);
  EXPECT_EQ(pool->idle_connections(), 1u);
}

TEST_F(PipelineTest, RequestsLeftUnansweredByAPartialAnswerAreSentAgainInOrder) {
  RawUpstream server({[](RawUpstream::Connection& c) {
                        if (c.ReadRequests(4).size() != 4) return;
                        c.Write(Response("/1") + Response("/2"));
                        c.Close();
                      },
                      [](RawUpstream::Connection& c) {
                        if (c.ReadRequests(2).size() != 2) return;
                        c.Write(Response("/3") + Response("/4"));
                      }});
  auto pool = MakePool(server.url(), 8);
  std::vector<Call*> calls = SubmitGets(*pool, {"/1", "/2", "/3", "/4"});
  ASSERT_TRUE(Wait(calls));
  ExpectEachDoneOnce();
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(calls[i]->result.ok()) << calls[i]->target << ": " << calls[i]->result.detail;
    EXPECT_EQ(calls[i]->result.response.body, calls[i]->target);
    EXPECT_EQ(calls[i]->result.retried, i >= 2) << calls[i]->target;
  }
  EXPECT_EQ(server.targets(),
            (std::vector<std::vector<std::string>>{{"/1", "/2", "/3", "/4"}, {"/3", "/4"}}));
}

TEST_F(PipelineTest, CloseDelimitedResponseEndsTheConnectionAndTheRestAreSentAgain) {
  RawUpstream server({[](RawUpstream::Connection& c) {
                        if (c.ReadRequests(3).size() != 3) return;
                        c.Write(Response("/1") + "HTTP/1.1 200 OK\r\n\r\nuntil the close");
                        c.Close();
                      },
                      [](RawUpstream::Connection& c) {
                        if (c.ReadRequests(1).size() != 1) return;
                        c.Write(Response("/3"));
                      }});
  auto pool = MakePool(server.url(), 8);
  std::vector<Call*> calls = SubmitGets(*pool, {"/1", "/2", "/3"});
  ASSERT_TRUE(Wait(calls));
  ExpectEachDoneOnce();
  for (Call* call : calls) {
    ASSERT_TRUE(call->result.ok()) << call->target << ": " << call->result.detail;
  }
  EXPECT_EQ(calls[0]->result.response.body, "/1");
  EXPECT_EQ(calls[1]->result.response.body, "until the close");
  EXPECT_TRUE(calls[1]->result.body_complete);
  EXPECT_FALSE(calls[1]->result.retried);
  EXPECT_EQ(calls[2]->result.response.body, "/3");
  EXPECT_TRUE(calls[2]->result.retried);
  EXPECT_EQ(server.targets(), (std::vector<std::vector<std::string>>{{"/1", "/2", "/3"}, {"/3"}}));
}

// A response nobody asked for behind the last one must never answer a later call.
TEST_F(PipelineTest, UnrequestedBytesBehindTheLastResponseAreNeverTakenAsAnAnswer) {
  RawUpstream server({[](RawUpstream::Connection& c) {
                        if (c.ReadRequests(2).size() != 2) return;
                        c.Write(Response("/1") + Response("/2") + Response("unrequested"));
                      },
                      [](RawUpstream::Connection& c) {
                        if (c.ReadRequests(1).size() != 1) return;
                        c.Write(Response("/next"));
                      }});
  auto pool = MakePool(server.url(), 8);
  std::vector<Call*> calls = SubmitGets(*pool, {"/1", "/2"});
  ASSERT_TRUE(Wait(calls));
  EXPECT_EQ(calls[0]->result.response.body, "/1");
  EXPECT_EQ(calls[1]->result.response.body, "/2");
  Call* next = Submit(*pool, Get("/next"));
  ASSERT_TRUE(Wait({next}));
  ExpectEachDoneOnce();
  ASSERT_TRUE(next->result.ok()) << next->result.detail;
  EXPECT_EQ(next->result.response.body, "/next");
  EXPECT_EQ(server.connections_accepted(), 2u);
}

// The same with the unrequested response arriving a moment after the last requested one,
// when the connection is already idle in the pool.
TEST_F(PipelineTest, UnrequestedResponseArrivingLateIsNeverTakenAsAnAnswer) {
  RawUpstream server({[](RawUpstream::Connection& c) {
                        if (c.ReadRequests(2).size() != 2) return;
                        c.Write(Response("/1") + Response("/2"));
                        std::this_thread::sleep_for(50ms);
                        c.Write(Response("unrequested"));
                      },
                      [](RawUpstream::Connection& c) {
                        if (c.ReadRequests(1).size() != 1) return;
                        c.Write(Response("/next"));
                      }});
  auto pool = MakePool(server.url(), 8);
  std::vector<Call*> calls = SubmitGets(*pool, {"/1", "/2"});
  ASSERT_TRUE(Wait(calls));
  EXPECT_EQ(calls[0]->result.response.body, "/1");
  EXPECT_EQ(calls[1]->result.response.body, "/2");
  std::this_thread::sleep_for(150ms);  // the unrequested response is in by now
  Call* next = Submit(*pool, Get("/next"));
  ASSERT_TRUE(Wait({next}));
  ExpectEachDoneOnce();
  EXPECT_NE(next->result.response.body, "unrequested");
  EXPECT_TRUE(next->result.ok()) << next->result.detail;
  EXPECT_EQ(next->result.response.body, "/next");
}

// ---- CanPipeline -----------------------------------------------------------------------------

TEST(CanPipelineTest, OnlyRepeatableMethodsWithoutABody) {
  EXPECT_TRUE(CanPipeline({"GET", "/", {}, ""}));
  EXPECT_TRUE(CanPipeline({"HEAD", "/", {}, ""}));
  EXPECT_TRUE(CanPipeline({"OPTIONS", "*", {}, ""}));
  EXPECT_TRUE(CanPipeline({"GET", "/", {{"Accept", "application/json"}}, ""}));
  EXPECT_FALSE(CanPipeline({"POST", "/", {}, ""}));
  EXPECT_FALSE(CanPipeline({"POST", "/", {}, "{}"}));
  EXPECT_FALSE(CanPipeline({"PUT", "/", {}, ""}));
  EXPECT_FALSE(CanPipeline({"DELETE", "/", {}, ""}));
  EXPECT_FALSE(CanPipeline({"PATCH", "/", {}, "x"}));
  EXPECT_FALSE(CanPipeline({"GET", "/", {}, "a body"}));
  EXPECT_FALSE(CanPipeline({"OPTIONS", "/", {}, "x"}));
}

}  // namespace
}  // namespace shadowdiff
