// FakeUpstream: a programmable HTTP/1.1 server for integration tests, in-process, on
// 127.0.0.1 and a port of its own choosing (port 0), served by its own thread.
//
// Every request it receives is recorded (method, target, version, headers in wire order,
// body, and which connection it came on), then a handler decides what to do with it: answer
// normally (status, headers, body; Content-Length, chunked or close-delimited; gzip), or
// misbehave — reset the connection, close it, send garbage, hang, trickle one byte at a time,
// announce more body than it sends, stream a huge generated body that is never held in memory,
// or wait before answering. Connections are kept alive unless the request or the reply says
// otherwise, and counted, so tests can assert keep-alive reuse.
//
//   FakeUpstream server;                                 // answers 200 "ok" to everything
//   FakeUpstream json(FakeReply::Json(200, R"({"a":1})"));  // one reply for every request
//   FakeUpstream scripted([](const RecordedRequest& r) {   // per-request behaviour
//     if (r.target == "/slow") return FakeReply::Text(200, "late").WithDelay(200ms);
//     if (r.index_on_connection == 1) return FakeReply::Reset();
//     return FakeReply::Text(200, "hello");
//   });
//   std::string url = server.url();                      // "http://127.0.0.1:41234"
//   ... drive the code under test ...
//   ASSERT_TRUE(server.WaitForRequests(1, 2s));
//   EXPECT_EQ(server.requests()[0].target, "/x");
//   EXPECT_EQ(server.connections_accepted(), 1u);
//
// For "connection refused" use FakeUpstream::UnusedPort() (nothing listens there), or
// StopListening() on a running server.
//
// Namespace shadowdiff::test (not ::testing, which GoogleTest owns).
//
// Threading: the handler runs on the server's thread, one request at a time per connection
// (connections are served concurrently); it must not block. Every public method is
// thread-safe. Stop() (also run by the destructor) closes the listener and every connection,
// ends hangs, and joins the thread: nothing outlives the object. Hangs are also bounded by
// kHangLimit so a test that forgets to stop still ends.
#ifndef SHADOWDIFF_TESTS_INTEGRATION_FAKE_UPSTREAM_H_
#define SHADOWDIFF_TESTS_INTEGRATION_FAKE_UPSTREAM_H_

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>

#include "src/core/exchange.h"

namespace shadowdiff::test {

// One request as the fake received it.
struct RecordedRequest {
  uint64_t connection = 0;           // 1-based, in accept order
  uint64_t index_on_connection = 0;  // 0 for the first request on its connection
  std::string method;
  std::string target;     // request-target as on the request line
  unsigned version = 11;  // 10 or 11
  HeaderList headers;     // wire order, names as received
  std::string body;       // de-chunked

  // First value of `name` (case-insensitive), or nullopt.
  std::optional<std::string_view> Header(std::string_view name) const {
    return FindHeader(headers, name);
  }
};

// What the fake does with one request. Build one with a factory, adjust fields or chain the
// With* helpers: FakeReply::Text(200, "hi").WithHeader("X-A", "1").WithChunked(2).
struct FakeReply {
  enum class Kind {
    kRespond,  // an HTTP response as described by the fields below
    kRaw,      // `raw` bytes as they are (then close when close_after)
    kReset,    // RST: abortive close right after reading the request
    kClose,    // FIN without answering
    kHang,     // never answer; the connection stays open until Stop() or kHangLimit
  };
  Kind kind = Kind::kRespond;

  int status = 200;
  std::string reason;  // "" = the standard phrase for `status`
  // Sent in this order, names exactly as given. The framing header (Content-Length or
  // Transfer-Encoding: chunked) is added after them unless already present here.
  HeaderList headers;
  std::string body;
  // Instead of `body`: this many bytes of HugeBodyByte(i), generated while sending (never
  // held in memory; 64 MiB and more are fine).
  uint64_t generated_body_bytes = 0;
  bool gzip = false;             // gzip `body` and add Content-Encoding: gzip
  bool chunked = false;          // Transfer-Encoding: chunked, chunks of chunk_size bytes
  size_t chunk_size = 16 << 10;  // for chunked
  bool close_delimited = false;  // no length; the body ends when the connection closes
  // Announce the full length (Content-Length or chunks) but send only this many body bytes,
  // then close.
  std::optional<uint64_t> truncate_after;
  std::chrono::milliseconds delay{0};    // wait this long before the first response byte
  std::chrono::milliseconds trickle{0};  // > 0: send the whole response one byte per interval
  bool close_after = false;              // close the connection after this response
  std::string raw;                       // for kRaw

  // A response with Content-Type text/plain (or `content_type`).
  static FakeReply Text(int status, std::string body, std::string content_type = "text/plain");
  static FakeReply Json(int status, std::string json);
  // Exactly `bytes` on the wire, then close (unless close_after is set to false).
  static FakeReply Raw(std::string bytes);
  // Bytes that are not HTTP ("\x16\x03\x01 this is not HTTP\r\n\r\n..."), then close.
  static FakeReply Garbage();
  static FakeReply Reset();
  static FakeReply Close();
  static FakeReply Hang();
  // 200, application/octet-stream, `bytes` generated bytes (HugeBodyByte).
  static FakeReply Huge(uint64_t bytes);

  FakeReply WithHeader(std::string name, std::string value) &&;
  FakeReply WithChunked(size_t chunk_size = 16 << 10) &&;
  FakeReply WithGzip() &&;
  FakeReply WithDelay(std::chrono::milliseconds delay) &&;
  FakeReply WithTrickle(std::chrono::milliseconds interval) &&;
  FakeReply WithTruncateAfter(uint64_t body_bytes) &&;
  FakeReply WithCloseDelimited() &&;
  FakeReply WithCloseAfter() &&;
};

class FakeUpstream {
 public:
  using Handler = std::function<FakeReply(const RecordedRequest&)>;

  // A hang ends (connection closed) after this long even without Stop().
  static constexpr std::chrono::seconds kHangLimit{30};

  // Answers 200 text/plain "ok" to every request.
  FakeUpstream();
  // Gives `reply` to every request.
  explicit FakeUpstream(FakeReply reply);
  explicit FakeUpstream(Handler handler);
  ~FakeUpstream();
  FakeUpstream(const FakeUpstream&) = delete;
  FakeUpstream& operator=(const FakeUpstream&) = delete;

  uint16_t port() const { return port_; }
  // "http://127.0.0.1:<port>" followed by `base_path` ("" or "/prefix").
  std::string url(std::string_view base_path = "") const;

  // Replaces the behaviour for requests read from now on.
  void SetHandler(Handler handler);
  void SetReply(FakeReply reply);

  // Every request received so far, in arrival order.
  std::vector<RecordedRequest> requests() const;
  size_t request_count() const;
  // Waits until at least `count` requests have arrived; false on timeout.
  bool WaitForRequests(size_t count, std::chrono::milliseconds timeout) const;

  // Connections accepted since start.
  size_t connections_accepted() const;
  // Connections open now (accepted and not yet closed by either side).
  size_t open_connections() const;
  // Waits until open_connections() == count; false on timeout.
  bool WaitForOpenConnections(size_t count, std::chrono::milliseconds timeout) const;

  // Closes (FIN) every connection that is waiting for its next request, as a server's
  // keep-alive timeout would; one still finishing a reply (its client may already have it)
  // closes as soon as that write completes. Returns once the idle ones are closed.
  void CloseIdleConnections();
  // Closes the listener: new connections are refused; open ones are still served.
  void StopListening();
  // Closes everything and joins the thread. Idempotent.
  void Stop();

  // A loopback port with nothing listening on it (bound, then released).
  static uint16_t UnusedPort();
  // Byte i of a generated body (FakeReply::Huge): a well-mixed pattern, so a shifted,
  // dropped or repeated block is detected.
  static char HugeBodyByte(uint64_t i);
  // The first `length` bytes of the generated body, for small checks.
  static std::string HugeBody(uint64_t length);

 private:
  struct Connection;

  void Start();
  boost::asio::awaitable<void> Accept();
  boost::asio::awaitable<void> Serve(std::shared_ptr<Connection> connection);
  // Sends `reply`; false when the connection must be closed afterwards.
  boost::asio::awaitable<bool> Perform(Connection& connection, const FakeReply& reply,
                                       bool head_request, bool request_keep_alive);
  // Runs `fn` on the server thread and waits for it.
  void RunOnServer(std::function<void()> fn);

  mutable std::mutex mutex_;
  mutable std::condition_variable changed_;
  Handler handler_;                                              // guarded by mutex_
  std::vector<RecordedRequest> requests_;                        // guarded by mutex_
  size_t accepted_ = 0;                                          // guarded by mutex_
  size_t open_ = 0;                                              // guarded by mutex_
  std::map<uint64_t, std::shared_ptr<Connection>> connections_;  // server thread only
  uint16_t port_ = 0;
  bool stopped_ = false;  // guarded by mutex_

  // Destroyed explicitly in Stop() (acceptor first, then the context, which destroys the
  // suspended coroutines and their sockets) while the members above are still alive.
  std::unique_ptr<boost::asio::io_context> io_;
  std::unique_ptr<boost::asio::ip::tcp::acceptor> acceptor_;
  std::thread thread_;
};

}  // namespace shadowdiff::test

#endif  // SHADOWDIFF_TESTS_INTEGRATION_FAKE_UPSTREAM_H_
