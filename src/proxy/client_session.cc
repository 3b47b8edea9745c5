#include "src/proxy/client_session.h"

#include <algorithm>
#include <array>
#include <limits>
#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/status.hpp>

#include "src/io/log.h"
#include "src/proxy/socket_deadline.h"

namespace shadowdiff {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

namespace {

// Operations are awaited as deferred operations: co_await runs them without the extra
// coroutine frame that use_awaitable's initiation costs on every read and write.
constexpr auto kNoThrow = asio::as_tuple(asio::deferred);
constexpr size_t kReadChunk = 16 << 10;
constexpr size_t kLingerMaxBytes = 256 << 10;
constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

std::string PeerIp(const asio::ip::tcp::socket& socket) {
  boost::system::error_code ec;
  auto endpoint = socket.remote_endpoint(ec);
  if (ec) return "unknown";
  asio::ip::address address = endpoint.address();
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    address = asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
  }
  return address.to_string();
}

// A parse error in the body (bad chunk framing), as opposed to the peer going away.
bool IsMalformedBody(const beast::error_code& ec) {
  return ec && ec.category() == http::make_error_code(http::error::bad_chunk).category() &&
         ec != http::error::end_of_stream && ec != http::error::partial_message;
}

std::string_view AsView(asio::const_buffer buffer) {
  return {static_cast<const char*>(buffer.data()), buffer.size()};
}

}  // namespace

// One client connection. Lives in the frame of RunClientSession; registered with the
// thread's SessionRegistry while it runs.
class ClientSession {
 public:
  ClientSession(asio::ip::tcp::socket socket, SessionContext& context)
      : stream_(std::move(socket)),
        deadline_(stream_.socket()),
        context_(context),
        options_(context.options) {
    client_ip_ = PeerIp(stream_.socket());
    context_.registry.Add(this);
  }
  ~ClientSession() { context_.registry.Remove(this); }
  ClientSession(const ClientSession&) = delete;
  ClientSession& operator=(const ClientSession&) = delete;

  asio::awaitable<void> Run();

  // For the registry (same thread).
  bool idle() const { return idle_; }
  void Cancel() {
    boost::system::error_code ec;
    stream_.socket().cancel(ec);
  }
  void Close() {
    boost::system::error_code ec;
    stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ec);
    stream_.socket().close(ec);
  }

 private:
  enum class ReadResult { kOk, kClosed, kRefused };

  // Reads until `scanner` finds a complete head (or refuses it). kClosed: the peer went away,
  // a deadline passed, or the edge is draining and no request had started.
  asio::awaitable<ReadResult> ReadHead(RawHeadScanner& scanner, bool first_request);
  // Reads more bytes into buffer_. False on error, timeout or EOF.
  asio::awaitable<bool> ReadSome();
  // Writes the edge's own answer, then closes after a bounded lingering read.
  asio::awaitable<void> Refuse(const Refusal& refusal);
  asio::awaitable<void> LingeringClose();

  // The handler's interface takes a tcp_stream; the session itself does its I/O on the socket
  // under deadline_ (no per-operation timers).
  beast::tcp_stream stream_;
  SocketDeadline deadline_;  // closes the socket when a read or write takes too long
  beast::flat_buffer buffer_;
  SessionContext& context_;
  const EdgeOptions& options_;
  std::string client_ip_;
  bool idle_ = false;  // waiting for the first byte of a next request
};

asio::awaitable<bool> ClientSession::ReadSome() {
  auto [ec, n] = co_await stream_.socket().async_read_some(buffer_.prepare(kReadChunk), kNoThrow);
  buffer_.commit(n);
  co_return !ec;
}

asio::awaitable<ClientSession::ReadResult> ClientSession::ReadHead(RawHeadScanner& scanner,
                                                                   bool first_request) {
  if (buffer_.size() == 0 && !first_request) {
    // Keep-alive: wait for the next request under the idle deadline; a drain wakes us.
    if (context_.registry.draining()) co_return ReadResult::kClosed;
    deadline_.ExpiresAfter(options_.idle_timeout);
    idle_ = true;
    bool ok = co_await ReadSome();  // bytes that arrived are served, even when draining
    idle_ = false;
    if (!ok) co_return ReadResult::kClosed;
  }
  // One deadline for the whole head, however slowly it trickles in.
  deadline_.ExpiresAfter(options_.header_timeout);
  for (;;) {
    switch (scanner.Feed(AsView(buffer_.cdata()))) {
      case RawHeadScanner::State::kComplete:
        co_return ReadResult::kOk;
      case RawHeadScanner::State::kRefused:
        co_return ReadResult::kRefused;
      case RawHeadScanner::State::kNeedMore:
        break;
    }
    // A fresh connection that has sent nothing yet counts as idle for a drain.
    idle_ = buffer_.size() == 0;
    if (idle_ && context_.registry.draining()) co_return ReadResult::kClosed;
    bool ok = co_await ReadSome();
    idle_ = false;
    if (!ok) co_return ReadResult::kClosed;
  }
}

asio::awaitable<void> ClientSession::Refuse(const Refusal& refusal) {
  log::Info("request_refused", {{"status", std::to_string(refusal.status)},
                                {"reason", refusal.reason},
                                {"client", client_ip_}});
  std::string response = EdgeErrorResponse(refusal);
  deadline_.ExpiresAfter(options_.error_write_timeout);
  auto [ec, n] = co_await asio::async_write(stream_.socket(), asio::buffer(response), kNoThrow);
  (void)n;
  if (ec) {
    Close();
    co_return;
  }
  co_await LingeringClose();
}

asio::awaitable<void> ClientSession::LingeringClose() {
  // Half-close, then drain what the client still sends for a moment: closing a socket with
  // unread input makes the kernel send RST, which can destroy the answer in flight.
  boost::system::error_code ignored;
  stream_.socket().shutdown(asio::ip::tcp::socket::shutdown_send, ignored);
  deadline_.ExpiresAfter(options_.linger_timeout);
  size_t discarded = 0;
  std::array<char, 4096> sink;
  while (discarded < kLingerMaxBytes) {
    auto [ec, n] = co_await stream_.socket().async_read_some(asio::buffer(sink), kNoThrow);
    if (ec) break;
    discarded += n;
  }
  Close();
}

asio::awaitable<void> ClientSession::Run() {
  for (bool first = true;; first = false) {
    RawHeadScanner scanner(options_.max_header_bytes);
    ReadResult head = co_await ReadHead(scanner, first);
    if (head == ReadResult::kClosed) break;
    if (head == ReadResult::kRefused) {
      co_await Refuse(scanner.refusal());
      co_return;
    }

    RequestParser parser;
    InboundRequest request;
    std::string_view bytes = AsView(buffer_.cdata());
    HeadVerdict verdict = ParseRequestHead(
        bytes.substr(scanner.head_begin(), scanner.head_end() - scanner.head_begin()), options_,
        client_ip_, parser, request);
    buffer_.consume(scanner.head_end());
    if (!verdict.ok()) {
      co_await Refuse(verdict.refusal);
      co_return;
    }

    if (!parser.is_done()) {
      if (verdict.expect_continue && buffer_.size() == 0) {
        deadline_.ExpiresAfter(options_.error_write_timeout);
        auto [ec, n] =
            co_await asio::async_write(stream_.socket(), asio::buffer(kContinue), kNoThrow);
        (void)n;
        if (ec) break;
      }
      deadline_.ExpiresAfter(options_.body_timeout);
      auto [ec, n] = co_await http::async_read(stream_.socket(), buffer_, parser, kNoThrow);
      (void)n;
      if (ec == http::error::body_limit) {
        co_await Refuse(Refusal{413, "request body too large"});
        co_return;
      }
      if (IsMalformedBody(ec)) {
        co_await Refuse(Refusal{400, "malformed request body"});
        co_return;
      }
      if (ec) break;  // the peer went away or the body deadline passed
    }
    request.body = std::move(parser.get().body());

    deadline_.Clear();  // the handler bounds its own writes
    context_.registry.in_flight_.fetch_add(1, std::memory_order_relaxed);
    HandlerResult result = co_await context_.handler->Handle(request, stream_);
    context_.registry.in_flight_.fetch_sub(1, std::memory_order_relaxed);
    stream_.expires_never();  // drop any expiry the handler set on the stream
    if (!result.keep_alive || !request.keep_alive || context_.registry.draining()) {
      co_await LingeringClose();
      co_return;
    }
  }
  Close();
}

void SessionRegistry::Add(ClientSession* session) {
  live_.insert(session);
  sessions_.fetch_add(1, std::memory_order_relaxed);
}

void SessionRegistry::Remove(ClientSession* session) {
  live_.erase(session);
  sessions_.fetch_sub(1, std::memory_order_relaxed);
}

void SessionRegistry::BeginDrain() {
  draining_ = true;
  for (ClientSession* session : live_) {
    if (session->idle()) session->Cancel();
  }
}

void SessionRegistry::CloseAll() {
  for (ClientSession* session : live_) session->Close();
}

asio::awaitable<void> RunClientSession(asio::ip::tcp::socket socket,
                                       std::shared_ptr<SessionContext> context) {
  ClientSession session(std::move(socket), *context);
  co_await session.Run();
}

}  // namespace shadowdiff
