#include "src/replay/replay_client.h"

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <optional>

namespace shadowdiff {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// Response bodies are read to keep the connection usable, then dropped.
constexpr uint64_t kMaxResponseBody = uint64_t{1} << 30;
// Beast reads at most max(512, free capacity) bytes at a time: without room reserved, a 2 KB
// response takes four reads.
constexpr size_t kReadBufferBytes = 16 << 10;

}  // namespace

struct ReplayClient::Impl {
  uint16_t port;
  std::chrono::milliseconds timeout;
  asio::io_context io{1};
  std::optional<beast::tcp_stream> stream;
  beast::flat_buffer buffer;

  // Runs the operation started by `start` to completion on this thread.
  template <typename Start>
  beast::error_code Run(Start start) {
    beast::error_code result;
    stream->expires_after(timeout);
    start([&](beast::error_code ec, auto&&...) { result = ec; });
    io.restart();
    io.run();
    return result;
  }

  beast::error_code Connect() {
    stream.emplace(io);
    buffer.clear();
    return Run([&](auto handler) {
      stream->async_connect(tcp::endpoint(asio::ip::address_v4::loopback(), port), handler);
    });
  }
};

ReplayClient::ReplayClient(uint16_t port, std::chrono::milliseconds timeout)
    : impl_(std::make_unique<Impl>()) {
  impl_->port = port;
  impl_->timeout = timeout;
  impl_->buffer.reserve(kReadBufferBytes);
}

ReplayClient::~ReplayClient() = default;

Result<int> ReplayClient::Send(const Request& request, const HeaderList& extra) {
  http::request<http::string_body> req;
  req.version(11);
  req.method_string(request.method);
  req.target(request.target);
  for (const auto& [name, value] : request.headers) req.insert(name, value);
  for (const auto& [name, value] : extra) req.insert(name, value);
  if (req.find(http::field::host) == req.end()) req.set(http::field::host, "shadowdiff-replay");
  req.body() = request.body;
  if (!request.body.empty() || request.method == "POST" || request.method == "PUT" ||
      request.method == "PATCH") {
    req.content_length(request.body.size());
  }
  req.keep_alive(true);

  Impl& c = *impl_;
  for (int attempt = 0;; ++attempt) {
    const bool fresh = !c.stream.has_value();
    if (fresh) {
      if (beast::error_code ec = c.Connect()) {
        c.stream.reset();
        return Error{"cannot connect to the replay proxy: " + ec.message()};
      }
    }
    beast::error_code ec = c.Run([&](auto handler) { http::async_write(*c.stream, req, handler); });
    http::response_parser<http::string_body> parser;
    parser.body_limit(kMaxResponseBody);
    parser.skip(request.method == "HEAD");
    if (!ec) {
      ec = c.Run([&](auto handler) { http::async_read(*c.stream, c.buffer, parser, handler); });
    }
    if (ec) {
      c.stream.reset();
      const bool stale = !fresh && attempt == 0 &&
                         (ec == http::error::end_of_stream || ec == asio::error::connection_reset ||
                          ec == asio::error::broken_pipe);
      if (stale) continue;
      return Error{ec == beast::error::timeout ? std::string("the proxy did not answer in time")
                                               : "the proxy connection failed: " + ec.message()};
    }
    const int status = static_cast<int>(parser.get().result_int());
    if (!parser.get().keep_alive()) c.stream.reset();
    return status;
  }
}

}  // namespace shadowdiff
