// UpstreamPool::Relay (the primary side) against FakeUpstream: the bytes a real client
// socket receives — head, framing, body — and what happens on each failure before and after
// the head went out.
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>

#include "src/proxy/upstream_pool.h"
#include "tests/integration/fake_upstream.h"
#include "tests/integration/upstream/run_awaitable.h"

namespace shadowdiff {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using namespace std::chrono_literals;
using asio::ip::tcp;
using test::FakeReply;
using test::FakeUpstream;
using test::RecordedRequest;
using test::RunAwaitable;
using Clock = std::chrono::steady_clock;

struct RelayRun {
  RelayResult result;
  std::string client_bytes;  // everything the client socket received
  bool client_saw_reset = false;
};

// A parsed view of what the client received.
struct ClientResponse {
  bool complete = false;
  int status = 0;
  std::string head;  // status line through the blank line
  std::string body;  // de-chunked
};

ClientResponse ParseClientBytes(const std::string& bytes, bool head_request = false) {
  ClientResponse out;
  size_t head_end = bytes.find("\r\n\r\n");
  if (head_end == std::string::npos) return out;
  out.head = bytes.substr(0, head_end + 4);
  http::response_parser<http::string_body> parser;
  parser.body_limit(boost::none);
  parser.eager(true);
  if (head_request) parser.skip(true);
  beast::error_code ec;
  parser.put(asio::buffer(bytes), ec);
  if (!ec && !parser.is_done() && parser.need_eof()) parser.put_eof(ec);
  out.complete = !ec && parser.is_done();
  out.status = parser.get().result_int();
  out.body = parser.get().body();
  return out;
}

class RelayTest : public ::testing::Test {
 protected:
  UpstreamPool MakePool(const std::string& url, UpstreamOptions options = {}) {
    return UpstreamPool(io_.get_executor(), ParseTargetUrl(url).value(), options);
  }

  // Relays `request` to a real loopback client socket, then ends the proxy side of that
  // connection (FIN) and collects every byte the client received.
  // `client_read_limit`: the client closes its socket once it has this many bytes.
  RelayRun Relay(UpstreamPool& pool, UpstreamRequest request, RelayClient framing = {},
                 std::chrono::milliseconds timeout = 5s, size_t client_read_limit = SIZE_MAX) {
    tcp::acceptor acceptor(io_, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
    tcp::socket client(io_);
    client.connect(acceptor.local_endpoint());
    beast::tcp_stream proxy_side(acceptor.accept());
    RelayRun run;
    bool reader_done = false;
    asio::co_spawn(
        io_,
        [&]() -> asio::awaitable<void> {
          std::string buffer(64 << 10, '\0');
          for (;;) {
            auto [ec, n] = co_await client.async_read_some(asio::buffer(buffer),
                                                           asio::as_tuple(asio::use_awaitable));
            run.client_bytes.append(buffer.data(), n);
            if (ec) {
              run.client_saw_reset = ec == asio::error::connection_reset;
              break;
            }
            if (run.client_bytes.size() >= client_read_limit) {
              beast::error_code ignored;
              client.set_option(asio::socket_base::linger(true, 0), ignored);
              client.close(ignored);
              break;
            }
          }
          reader_done = true;
        },
        asio::detached);
    auto deadline = Clock::now() + timeout;
    run.result = RunAwaitable(io_, [&]() -> asio::awaitable<RelayResult> {
      RelayResult result = co_await pool.Relay(request, framing, proxy_side, deadline);
      beast::error_code ignored;
      proxy_side.socket().shutdown(tcp::socket::shutdown_send, ignored);
      co_return result;
    }());
    auto limit = Clock::now() + 10s;
    while (!reader_done && Clock::now() < limit) io_.run_one_for(50ms);
    EXPECT_TRUE(reader_done);
    return run;
  }

  static UpstreamRequest Get(std::string target) { return {"GET", std::move(target), {}, ""}; }

  asio::io_context io_;
};

TEST_F(RelayTest, ContentLengthResponseIsRelayedByteForByte) {
  FakeUpstream server(FakeReply::Text(200, "hello")
                          .WithHeader("X-Custom", "a")
                          .WithHeader("set-cookie", "b=1")
                          .WithHeader("X-Custom", "second"));
  UpstreamPool pool = MakePool(server.url());
  RelayRun run = Relay(pool, Get("/"));
  ASSERT_TRUE(run.result.upstream.ok()) << run.result.upstream.detail;
  EXPECT_EQ(run.client_bytes,
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Custom: a\r\nset-cookie: b=1\r\n"
            "X-Custom: second\r\nContent-Length: 5\r\n\r\nhello");
  EXPECT_TRUE(run.result.head_sent);
  EXPECT_TRUE(run.result.client_reusable);
  EXPECT_FALSE(run.result.client_write_failed);
  EXPECT_EQ(run.result.upstream.response.body, "hello");
  EXPECT_EQ(run.result.upstream.response.status, 200);
  EXPECT_EQ(pool.idle_connections(), 1u);
}

TEST_F(RelayTest, StatusReasonAndFieldNamesAreKeptAndHopByHopFieldsDropped) {
  FakeUpstream server(FakeReply::Raw(
      "HTTP/1.1 299 Whatever You Say\r\nx-lower: 1\r\nConnection: X-Drop\r\nX-Drop: gone\r\n"
      "Keep-Alive: timeout=5\r\nTE: trailers\r\nX-UPPER: 2\r\nContent-Length: 2\r\n\r\nok"));
  UpstreamPool pool = MakePool(server.url());
  RelayRun run = Relay(pool, Get("/"));
  ASSERT_TRUE(run.result.upstream.ok()) << run.result.upstream.detail;
  EXPECT_EQ(run.client_bytes,
            "HTTP/1.1 299 Whatever You Say\r\nx-lower: 1\r\nX-UPPER: 2\r\nContent-Length: 2\r\n"
            "\r\nok");
}

TEST_F(RelayTest, ChunkedResponseIsRechunkedForHttp11) {
  std::string body = FakeUpstream::HugeBody(100000);
  FakeUpstream server(FakeReply::Text(201, body, "application/octet-stream").WithChunked(7000));
  UpstreamPool pool = MakePool(server.url());
  RelayRun run = Relay(pool, Get("/"));
  ASSERT_TRUE(run.result.upstream.ok()) << run.result.upstream.detail;
  ClientResponse response = ParseClientBytes(run.client_bytes);
  ASSERT_TRUE(response.complete);
  EXPECT_EQ(response.head,
            "HTTP/1.1 201 Created\r\nContent-Type: application/octet-stream\r\n"
            "Transfer-Encoding: chunked\r\n\r\n");
  EXPECT_EQ(response.body, body);
  EXPECT_EQ(run.result.upstream.response.body, body);
  EXPECT_TRUE(run.result.client_reusable);
}

TEST_F(RelayTest, ResponsesArrivingByteByByteAreRelayedExactly) {
  FakeUpstream server([](const RecordedRequest& r) {
    FakeReply reply = FakeReply::Text(200, "split at every byte").WithTrickle(1ms);
    return r.target == "/chunked" ? std::move(reply).WithChunked(3) : reply;
  });
  UpstreamPool pool = MakePool(server.url());
  for (const char* target : {"/chunked", "/length"}) {
    RelayRun run = Relay(pool, Get(target));
    ASSERT_TRUE(run.result.upstream.ok()) << target << ": " << run.result.upstream.detail;
    ClientResponse response = ParseClientBytes(run.client_bytes);
    ASSERT_TRUE(response.complete) << target;
    EXPECT_EQ(response.body, "split at every byte") << target;
    EXPECT_EQ(run.result.upstream.response.body, "split at every byte") << target;
    EXPECT_TRUE(run.result.client_reusable) << target;
  }
  EXPECT_EQ(server.connections_accepted(), 1u);
}

// The number of chunks in a chunked body that starts at `bytes`, or -1 when it is malformed.
int CountChunks(std::string_view bytes) {
  int chunks = 0;
  for (;;) {
    const size_t line_end = bytes.find("\r\n");
    if (line_end == std::string_view::npos) return -1;
    size_t size = 0;
    try {
      size = std::stoul(std::string(bytes.substr(0, line_end)), nullptr, 16);
    } catch (const std::exception&) {
      return -1;
    }
    if (size == 0) return chunks;
    ++chunks;
    if (bytes.size() < line_end + 2 + size + 2) return -1;
    bytes.remove_prefix(line_end + 2 + size + 2);
  }
}

// Many small chunks that arrive in one read go to the client in a few writes, re-chunked,
// not in one write (and one chunk) each.
TEST_F(RelayTest, SmallChunksArrivingTogetherAreGatheredIntoFewWrites) {
  std::string wire = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
  std::string body;
  for (int i = 0; i < 300; ++i) {
    const std::string piece = "p" + std::to_string(i % 10) + ";";
    wire += "3\r\n" + piece + "\r\n";
    body += piece;
  }
  wire += "0\r\n\r\n";
  FakeUpstream server(FakeReply::Raw(wire));
  UpstreamPool pool = MakePool(server.url());
  RelayRun run = Relay(pool, Get("/"));
  ASSERT_TRUE(run.result.upstream.ok()) << run.result.upstream.detail;
  ClientResponse response = ParseClientBytes(run.client_bytes);
  ASSERT_TRUE(response.complete);
  EXPECT_EQ(response.body, body);
  EXPECT_EQ(run.result.upstream.response.body, body);
  const int chunks = CountChunks(std::string_view(run.client_bytes).substr(response.head.size()));
  // 300 pieces, at most 12 per write: 25 when the upstream's one write is read at once.
  EXPECT_GE(chunks, 25);
  EXPECT_LE(chunks, 100) << "one client write per upstream chunk?";
  EXPECT_TRUE(run.result.client_reusable);
}

TEST_F(RelayTest, ChunkedResponseIsCloseDelimitedForHttp10) {
  FakeUpstream server(FakeReply::Text(200, "abcdefghij").WithChunked(3));
  UpstreamPool pool = MakePool(server.url());
  RelayRun run = Relay(pool, Get("/"), RelayClient{10, true});
  ASSERT_TRUE(run.result.upstream.ok()) << run.result.upstream.detail;
  EXPECT_EQ(run.client_bytes,
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\nabcdefghij");
  EXPECT_FALSE(run.result.client_reusable);
}

TEST_F(RelayTest, CloseDelimitedUpstreamIsChunkedForHttp11) {
  FakeUpstream server(FakeReply::Text(200, "until the end").WithCloseDelimited());
  UpstreamPool pool = MakePool(server.url());
  RelayRun run = Relay(pool, Get("/"));
  ASSERT_TRUE(run.result.upstream.ok()) << run.result.upstream.detail;
  ClientResponse response = ParseClientBytes(run.client_bytes);
  ASSERT_TRUE(response.complete);
  EXPECT_EQ(response.body, "until the end");
  EXPECT_NE(response.head.find("Transfer-Encoding: chunked"), std::string::npos);
  EXPECT_EQ(pool.idle_connections(), 0u);
}

TEST_F(RelayTest, ClientAskingToCloseGetsConnectionClose) {
  FakeUpstream server(FakeReply::Text(200, "x"));
  UpstreamPool pool = MakePool(server.url());
  RelayRun run = Relay(pool, Get("/"), RelayClient{11, false});
  EXPECT_EQ(run.client_bytes,
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1\r\n"
            "Connection: close\r\n\r\nx");
  EXPECT_FALSE(run.result.client_reusable);
}

TEST_F(RelayTest, Http10KeepAliveClientIsToldSo) {
  FakeUpstream server(FakeReply::Text(200, "x"));
  UpstreamPool pool = MakePool(server.url());
  RelayRun run = Relay(pool, Get("/"), RelayClient{10, true});
  EXPECT_EQ(run.client_bytes,
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1\r\n"
            "Connection: keep-alive\r\n\r\nx");
  EXPECT_TRUE(run.result.client_reusable);
}

TEST_F(RelayTest, HeadResponseHasLengthButNoBody) {
  FakeUpstream server(FakeReply::Text(200, "0123456789"));
  UpstreamPool pool = MakePool(server.url());
  RelayRun run = Relay(pool, {"HEAD", "/", {}, ""});
  ASSERT_TRUE(run.result.upstream.ok()) << run.result.upstream.detail;
  EXPECT_EQ(run.client_bytes,
            "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 10\r\n\r\n");
  EXPECT_TRUE(run.result.client_reusable);
  EXPECT_EQ(pool.idle_connections(), 1u);
}

TEST_F(RelayTest, NoContentAndNotModifiedHaveNoBody) {
  FakeUpstream server([](const RecordedRequest& r) {
    if (r.target == "/204") return FakeReply::Text(204, "");
    return FakeReply::Text(304, "").WithHeader("ETag", "\"v1\"");
  });
  UpstreamPool pool = MakePool(server.url());
  EXPECT_EQ(Relay(pool, Get("/204")).client_bytes,
            "HTTP/1.1 204 No Content\r\nContent-Type: text/plain\r\n\r\n");
  EXPECT_EQ(Relay(pool, Get("/304")).client_bytes,
            "HTTP/1.1 304 Not Modified\r\nContent-Type: text/plain\r\nETag: \"v1\"\r\n\r\n");
  EXPECT_EQ(server.connections_accepted(), 1u);
}

TEST_F(RelayTest, LargeBodyIsRelayedExactlyAndCaptureIsCapped) {
  constexpr uint64_t kBody = uint64_t{20} << 20;
  FakeUpstream server(FakeReply::Huge(kBody));
  UpstreamPool pool = MakePool(server.url());
  RelayRun run = Relay(pool, Get("/big"), {}, 20s);
  ASSERT_TRUE(run.result.upstream.ok()) << run.result.upstream.detail;
  ClientResponse response = ParseClientBytes(run.client_bytes);
  ASSERT_TRUE(response.complete);
  EXPECT_EQ(response.body.size(), kBody);
  EXPECT_TRUE(response.body == FakeUpstream::HugeBody(kBody)) << "relayed body differs";
  const UpstreamResult& upstream = run.result.upstream;
  EXPECT_EQ(upstream.response.body.size(), pool.options().capture_cap);
  EXPECT_TRUE(upstream.response.body_truncated);
  EXPECT_EQ(upstream.body_bytes, kBody);
  EXPECT_TRUE(run.result.client_reusable);
}

TEST_F(RelayTest, LargeChunkedBodyIsRelayedExactly) {
  constexpr uint64_t kBody = uint64_t{20} << 20;
  FakeUpstream server(FakeReply::Huge(kBody).WithChunked(100000));
  UpstreamPool pool = MakePool(server.url());
  RelayRun run = Relay(pool, Get("/big"), {}, 20s);
  ASSERT_TRUE(run.result.upstream.ok()) << run.result.upstream.detail;
  ClientResponse response = ParseClientBytes(run.client_bytes);
  ASSERT_TRUE(response.complete);
  EXPECT_TRUE(response.body == FakeUpstream::HugeBody(kBody)) << "relayed body differs";
}

TEST_F(RelayTest, RefusedUpstreamWritesNothing) {
  UpstreamPool pool = MakePool("http://127.0.0.1:" + std::to_string(FakeUpstream::UnusedPort()));
  RelayRun run = Relay(pool, Get("/"));
  EXPECT_EQ(run.result.upstream.status, UpstreamStatus::kConnectError);
  EXPECT_FALSE(run.result.head_sent);
  EXPECT_EQ(run.client_bytes, "");
}

TEST_F(RelayTest, HangingUpstreamTimesOutAndWritesNothing) {
  FakeUpstream server(FakeReply::Hang());
  UpstreamPool pool = MakePool(server.url());
  auto start = Clock::now();
  RelayRun run = Relay(pool, Get("/"), {}, 300ms);
  EXPECT_EQ(run.result.upstream.status, UpstreamStatus::kTimeout);
  double elapsed_ms = std::chrono::duration<double, std::milli>(Clock::now() - start).count();
  EXPECT_LT(elapsed_ms, 1000);
  EXPECT_FALSE(run.result.head_sent);
  EXPECT_EQ(run.client_bytes, "");
}

TEST_F(RelayTest, GarbageWritesNothing) {
  FakeUpstream server(FakeReply::Garbage());
  UpstreamPool pool = MakePool(server.url());
  RelayRun run = Relay(pool, Get("/"));
  EXPECT_EQ(run.result.upstream.status, UpstreamStatus::kProtocolError);
  EXPECT_FALSE(run.result.head_sent);
  EXPECT_EQ(run.client_bytes, "");
}

// What the proxy cannot forward faithfully, or where it and the upstream could disagree on
// where the response ends, is refused before anything reaches the client (ResponseParser).
TEST_F(RelayTest, AmbiguousOrMislabelledFramingWritesNothing) {
  const std::string kHeads[] = {
      // gzip inside chunked: relayed without Transfer-Encoding it would arrive still gzipped.
      "HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip, chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
      "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\nhello",
      "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
      "HTTP/1.1 200 OK\r\nX-A: a\r\n folded\r\nContent-Length: 5\r\n\r\nhello",
  };
  for (const std::string& wire : kHeads) {
    SCOPED_TRACE(wire);
    FakeUpstream server(FakeReply::Raw(wire));
    UpstreamPool pool = MakePool(server.url());
    RelayRun run = Relay(pool, Get("/"));
    EXPECT_EQ(run.result.upstream.status, UpstreamStatus::kProtocolError);
    EXPECT_FALSE(run.result.head_sent);
    EXPECT_EQ(run.client_bytes, "");
  }
}

// The detail names what was wrong, for the log line an operator reads.
TEST_F(RelayTest, RefusalDetailSaysWhatWasWrong) {
  FakeUpstream server(FakeReply::Raw("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nhello"));
  UpstreamPool pool = MakePool(server.url());
  RelayRun run = Relay(pool, Get("/"));
  EXPECT_EQ(run.result.upstream.detail,
            "read response head: Transfer-Encoding is not exactly `chunked`");
}

TEST_F(RelayTest, UpstreamCutMidBodyResetsTheClient) {
  FakeUpstream server(FakeReply::Text(200, std::string(100000, 'a')).WithTruncateAfter(30000));
  UpstreamPool pool = MakePool(server.url());
  RelayRun run = Relay(pool, Get("/"));
  EXPECT_EQ(run.result.upstream.status, UpstreamStatus::kIoError);
  EXPECT_TRUE(run.result.head_sent);
  EXPECT_FALSE(run.result.client_reusable);
  EXPECT_FALSE(ParseClientBytes(run.client_bytes).complete);
  EXPECT_TRUE(run.client_saw_reset);
}

TEST_F(RelayTest, Http10ClientSeesAResetNotAnEndWhenTheUpstreamIsCut) {
  FakeUpstream server(
      FakeReply::Text(200, std::string(100000, 'a')).WithChunked(1000).WithTruncateAfter(30000));
  UpstreamPool pool = MakePool(server.url());
  RelayRun run = Relay(pool, Get("/"), RelayClient{10, false});
  EXPECT_EQ(run.result.upstream.status, UpstreamStatus::kIoError);
  EXPECT_TRUE(run.client_saw_reset);  // a FIN would make the cut body look complete
}

TEST_F(RelayTest, ClientGoingAwayIsReported) {
  FakeUpstream server(FakeReply::Huge(uint64_t{64} << 20));
  UpstreamPool pool = MakePool(server.url());
  RelayRun run = Relay(pool, Get("/"), {}, 20s, /*client_read_limit=*/1);
  EXPECT_TRUE(run.result.client_write_failed);
  EXPECT_TRUE(run.result.head_sent);
  EXPECT_FALSE(run.result.client_reusable);
  EXPECT_EQ(pool.idle_connections(), 0u);
  EXPECT_EQ(pool.active_connections(), 0u);
}

TEST_F(RelayTest, UpstreamConnectionIsReusedAcrossRelays) {
  FakeUpstream server(FakeReply::Json(200, "{}"));
  UpstreamPool pool = MakePool(server.url());
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(Relay(pool, Get("/")).result.upstream.ok());
  EXPECT_EQ(server.connections_accepted(), 1u);
}

TEST_F(RelayTest, StaleConnectionIsRetriedForGetBeforeAnythingIsWritten) {
  FakeUpstream server([](const RecordedRequest& r) {
    if (r.index_on_connection == 1) return FakeReply::Reset();
    return FakeReply::Text(200, "fresh");
  });
  UpstreamPool pool = MakePool(server.url());
  ASSERT_TRUE(Relay(pool, Get("/1")).result.upstream.ok());
  RelayRun run = Relay(pool, Get("/2"));
  ASSERT_TRUE(run.result.upstream.ok()) << run.result.upstream.detail;
  EXPECT_TRUE(run.result.upstream.retried);
  EXPECT_EQ(ParseClientBytes(run.client_bytes).body, "fresh");
}

}  // namespace
}  // namespace shadowdiff
