// FakeUpstream: accept loop and one coroutine per connection on the server's own
// io_context; replies are written by hand so tests control every byte.
#include "tests/integration/fake_upstream.h"

#include <zlib.h>

#include <algorithm>
#include <cstdio>
#include <future>
#include <utility>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>

namespace shadowdiff::test {
namespace asio = boost::asio;
namespace http = boost::beast::http;
using asio::ip::tcp;
using boost::system::error_code;

namespace {

constexpr auto kAwait = asio::as_tuple(asio::use_awaitable);
constexpr size_t kPieceBytes = 64 << 10;

std::string Gzip(std::string_view input) {
  z_stream z{};
  if (deflateInit2(&z, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return {};
  }
  std::string out(deflateBound(&z, static_cast<uLong>(input.size())) + 32, '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
  z.avail_in = static_cast<uInt>(input.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

std::string StandardReason(int status) {
  http::status known = http::int_to_status(static_cast<unsigned>(status));
  if (known == http::status::unknown) return "Status";
  return std::string(http::obsolete_reason(known));
}

std::string Hex(uint64_t value) {
  char text[24];
  std::snprintf(text, sizeof(text), "%llx", static_cast<unsigned long long>(value));
  return text;
}

}  // namespace

// ---- FakeReply -----------------------------------------------------------------------------

FakeReply FakeReply::Text(int status, std::string body, std::string content_type) {
  FakeReply reply;
  reply.status = status;
  reply.headers.emplace_back("Content-Type", std::move(content_type));
  reply.body = std::move(body);
  return reply;
}

FakeReply FakeReply::Json(int status, std::string json) {
  return Text(status, std::move(json), "application/json");
}

FakeReply FakeReply::Raw(std::string bytes) {
  FakeReply reply;
  reply.kind = Kind::kRaw;
  reply.raw = std::move(bytes);
  reply.close_after = true;
  return reply;
}

FakeReply FakeReply::Garbage() {
  return Raw(std::string("\x16\x03\x01\x02\x00 this is not HTTP at all\r\n\r\n\x01\x02\xff", 36));
}

FakeReply FakeReply::Reset() {
  FakeReply reply;
  reply.kind = Kind::kReset;
  return reply;
}

FakeReply FakeReply::Close() {
  FakeReply reply;
  reply.kind = Kind::kClose;
  return reply;
}

FakeReply FakeReply::Hang() {
  FakeReply reply;
  reply.kind = Kind::kHang;
  return reply;
}

FakeReply FakeReply::Huge(uint64_t bytes) {
  FakeReply reply;
  reply.headers.emplace_back("Content-Type", "application/octet-stream");
  reply.generated_body_bytes = bytes;
  return reply;
}

FakeReply FakeReply::WithHeader(std::string name, std::string value) && {
  headers.emplace_back(std::move(name), std::move(value));
  return std::move(*this);
}
FakeReply FakeReply::WithChunked(size_t size) && {
  chunked = true;
  chunk_size = std::max<size_t>(size, 1);
  return std::move(*this);
}
FakeReply FakeReply::WithGzip() && {
  gzip = true;
  return std::move(*this);
}
FakeReply FakeReply::WithDelay(std::chrono::milliseconds value) && {
  delay = value;
  return std::move(*this);
}
FakeReply FakeReply::WithTrickle(std::chrono::milliseconds interval) && {
  trickle = interval;
  return std::move(*this);
}
FakeReply FakeReply::WithTruncateAfter(uint64_t body_bytes) && {
  truncate_after = body_bytes;
  return std::move(*this);
}
FakeReply FakeReply::WithCloseDelimited() && {
  close_delimited = true;
  return std::move(*this);
}
FakeReply FakeReply::WithCloseAfter() && {
  close_after = true;
  return std::move(*this);
}

// ---- FakeUpstream --------------------------------------------------------------------------

struct FakeUpstream::Connection {
  explicit Connection(tcp::socket s, uint64_t i) : socket(std::move(s)), id(i) {}
  tcp::socket socket;
  uint64_t id;
  bool idle = true;              // waiting for (the start of) the next request
  bool close_when_idle = false;  // set by CloseIdleConnections while a reply is still finishing
};

FakeUpstream::FakeUpstream() : FakeUpstream(FakeReply::Text(200, "ok")) {}

FakeUpstream::FakeUpstream(FakeReply reply)
    : FakeUpstream(Handler([reply = std::move(reply)](const RecordedRequest&) { return reply; })) {}

FakeUpstream::FakeUpstream(Handler handler) : handler_(std::move(handler)) { Start(); }

FakeUpstream::~FakeUpstream() { Stop(); }

void FakeUpstream::Start() {
  io_ = std::make_unique<asio::io_context>(1);
  acceptor_ = std::make_unique<tcp::acceptor>(*io_);
  tcp::endpoint endpoint(asio::ip::address_v4::loopback(), 0);
  acceptor_->open(endpoint.protocol());
  acceptor_->set_option(tcp::acceptor::reuse_address(true));
  acceptor_->bind(endpoint);
  acceptor_->listen();
  port_ = acceptor_->local_endpoint().port();
  asio::co_spawn(*io_, Accept(), asio::detached);
  thread_ = std::thread([this] { io_->run(); });
}

std::string FakeUpstream::url(std::string_view base_path) const {
  return "http://127.0.0.1:" + std::to_string(port_) + std::string(base_path);
}

void FakeUpstream::SetHandler(Handler handler) {
  std::lock_guard lock(mutex_);
  handler_ = std::move(handler);
}

void FakeUpstream::SetReply(FakeReply reply) {
  SetHandler([reply = std::move(reply)](const RecordedRequest&) { return reply; });
}

std::vector<RecordedRequest> FakeUpstream::requests() const {
  std::lock_guard lock(mutex_);
  return requests_;
}

size_t FakeUpstream::request_count() const {
  std::lock_guard lock(mutex_);
  return requests_.size();
}

bool FakeUpstream::WaitForRequests(size_t count, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return requests_.size() >= count; });
}

size_t FakeUpstream::connections_accepted() const {
  std::lock_guard lock(mutex_);
  return accepted_;
}

size_t FakeUpstream::open_connections() const {
  std::lock_guard lock(mutex_);
  return open_;
}

bool FakeUpstream::WaitForOpenConnections(size_t count, std::chrono::milliseconds timeout) const {
  std::unique_lock lock(mutex_);
  return changed_.wait_for(lock, timeout, [&] { return open_ == count; });
}

void FakeUpstream::RunOnServer(std::function<void()> fn) {
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
  }
  std::promise<void> done;
  asio::post(*io_, [&] {
    fn();
    done.set_value();
  });
  done.get_future().wait_for(std::chrono::seconds(10));
}

void FakeUpstream::CloseIdleConnections() {
  RunOnServer([this] {
    for (auto& [id, connection] : connections_) {
      if (!connection->idle) {
        // The client may have the whole reply before this server sees its write complete;
        // such a connection closes as soon as Serve() gets back to waiting.
        connection->close_when_idle = true;
        continue;
      }
      error_code ignored;
      connection->socket.shutdown(tcp::socket::shutdown_both, ignored);
      connection->socket.close(ignored);
    }
  });
}

void FakeUpstream::StopListening() {
  RunOnServer([this] {
    error_code ignored;
    acceptor_->close(ignored);
  });
}

void FakeUpstream::Stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopped_) return;
    stopped_ = true;
  }
  io_->stop();
  if (thread_.joinable()) thread_.join();
  connections_.clear();
  acceptor_.reset();
  io_.reset();  // destroys the suspended coroutines, closing their sockets
}

uint16_t FakeUpstream::UnusedPort() {
  asio::io_context io;
  tcp::acceptor acceptor(io, tcp::endpoint(asio::ip::address_v4::loopback(), 0));
  return acceptor.local_endpoint().port();
}

char FakeUpstream::HugeBodyByte(uint64_t i) {
  uint64_t x = (i + 1) * 0x9E3779B97F4A7C15ull;
  x ^= x >> 29;
  return static_cast<char>(x >> 56);
}

std::string FakeUpstream::HugeBody(uint64_t length) {
  std::string body(length, '\0');
  for (uint64_t i = 0; i < length; ++i) body[i] = HugeBodyByte(i);
  return body;
}

asio::awaitable<void> FakeUpstream::Accept() {
  uint64_t next_id = 1;
  for (;;) {
    auto [ec, socket] = co_await acceptor_->async_accept(kAwait);
    if (ec) {
      if (!acceptor_->is_open()) co_return;
      continue;
    }
    error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    auto connection = std::make_shared<Connection>(std::move(socket), next_id++);
    connections_[connection->id] = connection;
    {
      std::lock_guard lock(mutex_);
      ++accepted_;
      ++open_;
    }
    changed_.notify_all();
    asio::co_spawn(acceptor_->get_executor(), Serve(std::move(connection)), asio::detached);
  }
}

asio::awaitable<void> FakeUpstream::Serve(std::shared_ptr<Connection> connection) {
  boost::beast::flat_buffer buffer;
  for (uint64_t index = 0;; ++index) {
    http::request_parser<http::string_body> parser;
    parser.header_limit(1 << 20);
    parser.body_limit(uint64_t{256} << 20);
    connection->idle = true;
    if (connection->close_when_idle) break;
    auto [ec, bytes] = co_await http::async_read(connection->socket, buffer, parser, kAwait);
    (void)bytes;
    connection->idle = false;
    if (ec) break;
    const auto& message = parser.get();
    RecordedRequest request;
    request.connection = connection->id;
    request.index_on_connection = index;
    request.method = std::string(message.method_string());
    request.target = std::string(message.target());
    request.version = message.version();
    for (const auto& field : message) {
      request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    request.body = message.body();
    Handler handler;
    {
      std::lock_guard lock(mutex_);
      requests_.push_back(request);
      handler = handler_;
    }
    changed_.notify_all();
    FakeReply reply = handler(request);
    bool keep =
        co_await Perform(*connection, reply, request.method == "HEAD", message.keep_alive());
    if (!keep) break;
  }
  error_code ignored;
  connection->socket.shutdown(tcp::socket::shutdown_both, ignored);
  connection->socket.close(ignored);
  connections_.erase(connection->id);
  {
    std::lock_guard lock(mutex_);
    --open_;
  }
  changed_.notify_all();
}

asio::awaitable<bool> FakeUpstream::Perform(Connection& connection, const FakeReply& reply,
                                            bool head_request, bool request_keep_alive) {
  tcp::socket& socket = connection.socket;
  asio::steady_timer timer(socket.get_executor());
  if (reply.delay.count() > 0) {
    timer.expires_after(reply.delay);
    co_await timer.async_wait(kAwait);
  }
  // Sends `bytes`, one byte per `reply.trickle` when trickling.
  auto send = [&](std::string_view bytes) -> asio::awaitable<bool> {
    if (reply.trickle.count() <= 0) {
      auto [ec, n] = co_await asio::async_write(socket, asio::buffer(bytes), kAwait);
      (void)n;
      co_return !ec;
    }
    for (char byte : bytes) {
      auto [ec, n] = co_await asio::async_write(socket, asio::buffer(&byte, 1), kAwait);
      (void)n;
      if (ec) co_return false;
      timer.expires_after(reply.trickle);
      co_await timer.async_wait(kAwait);
    }
    co_return true;
  };
  error_code ignored;
  switch (reply.kind) {
    case FakeReply::Kind::kReset:
      socket.set_option(asio::socket_base::linger(true, 0), ignored);
      socket.close(ignored);
      co_return false;
    case FakeReply::Kind::kClose:
      co_return false;
    case FakeReply::Kind::kHang:
      timer.expires_after(kHangLimit);
      co_await timer.async_wait(kAwait);
      co_return false;
    case FakeReply::Kind::kRaw:
      if (!co_await send(reply.raw)) co_return false;
      co_return !reply.close_after && request_keep_alive;
    case FakeReply::Kind::kRespond:
      break;
  }

  const std::string body = reply.gzip ? Gzip(reply.body) : reply.body;
  const bool generated = reply.generated_body_bytes > 0;
  const uint64_t length = generated ? reply.generated_body_bytes : body.size();
  const bool bodiless_status =
      reply.status == 204 || reply.status == 304 || (reply.status >= 100 && reply.status < 200);
  std::string head = "HTTP/1.1 " + std::to_string(reply.status) + " " +
                     (reply.reason.empty() ? StandardReason(reply.status) : reply.reason) + "\r\n";
  for (const auto& [name, value] : reply.headers) head += name + ": " + value + "\r\n";
  if (reply.gzip && !FindHeader(reply.headers, "content-encoding")) {
    head += "Content-Encoding: gzip\r\n";
  }
  if (!bodiless_status) {
    if (reply.chunked) {
      if (!FindHeader(reply.headers, "transfer-encoding")) head += "Transfer-Encoding: chunked\r\n";
    } else if (!reply.close_delimited && !FindHeader(reply.headers, "content-length")) {
      head += "Content-Length: " + std::to_string(length) + "\r\n";
    }
  }
  head += "\r\n";
  if (!co_await send(head)) co_return false;

  bool cut = false;
  if (!head_request && !bodiless_status) {
    const uint64_t limit = reply.truncate_after ? std::min(length, *reply.truncate_after) : length;
    cut = limit < length;
    std::string piece;
    // Bytes [offset, offset + n) of the body.
    auto body_bytes = [&](uint64_t offset, size_t n) -> std::string_view {
      if (!generated) return std::string_view(body).substr(offset, n);
      piece.resize(n);
      for (size_t i = 0; i < n; ++i) piece[i] = HugeBodyByte(offset + i);
      return piece;
    };
    const size_t step = reply.chunked ? reply.chunk_size : kPieceBytes;
    for (uint64_t offset = 0; offset < limit; offset += step) {
      size_t n = static_cast<size_t>(std::min<uint64_t>(step, length - offset));
      size_t send_n = static_cast<size_t>(std::min<uint64_t>(n, limit - offset));
      if (reply.chunked && !co_await send(Hex(n) + "\r\n")) co_return false;
      if (!co_await send(body_bytes(offset, send_n))) co_return false;
      if (reply.chunked && send_n == n && !co_await send("\r\n")) co_return false;
    }
    if (reply.chunked && !cut && !co_await send("0\r\n\r\n")) co_return false;
  }
  if (cut || reply.close_delimited || reply.close_after) co_return false;
  co_return request_keep_alive;
}

}  // namespace shadowdiff::test
