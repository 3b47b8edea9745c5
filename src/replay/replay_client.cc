#include "src/replay/replay_client.h"

#include <chrono>
#include <optional>
#include <string_view>

#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "src/proxy/response_parser.h"
#include "src/proxy/upstream_connection.h"  // ParseFromBuffer, PrepareRead

namespace shadowdiff {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;

// Reads go into the buffer in pieces of up to this many bytes: one read for most responses.
constexpr size_t kReadBufferBytes = 16 << 10;
// The limit on a response head (and a chunk-size line, and trailers): the proxy's default.
constexpr uint32_t kMaxHeaderBytes = 64 << 10;

// How reading one response ended.
struct ReadOutcome {
  beast::error_code ec;  // the connection failed (or timed out)
  ResponseParser::Error parse_error = ResponseParser::Error::kNone;
  bool got_bytes = false;  // some byte of the response arrived
  int status = 0;
  bool keep_alive = false;
};

}  // namespace

struct ReplayClient::Impl {
  uint16_t port;
  std::chrono::milliseconds timeout;
  asio::io_context io{1};
  std::optional<beast::tcp_stream> stream;
  beast::flat_buffer buffer;

  // Runs the operation started by `start` to completion on this thread, by `deadline`;
  // *bytes (when given) receives the bytes it transferred.
  template <typename Start>
  beast::error_code Run(Start start, Clock::time_point deadline, size_t* bytes = nullptr) {
    beast::error_code result;
    stream->expires_at(deadline);
    start([&](beast::error_code ec, auto&&... transferred) {
      result = ec;
      if constexpr (sizeof...(transferred) == 1) {
        if (bytes != nullptr) *bytes = (transferred, ...);
      }
    });
    io.restart();
    io.run();
    return result;
  }

  // Reads one response to its end, within `timeout` in all, dropping its body as it arrives:
  // memory stays within the read buffer (plus the head limit) however large the body.
  ReadOutcome ReadResponse(bool head_request) {
    const Clock::time_point deadline = Clock::now() + timeout;
    ReadOutcome out;
    ResponseParser parser(head_request, kMaxHeaderBytes);
    for (;;) {
      while (buffer.size() > 0) {
        const ResponseParser::Step step = ParseFromBuffer(parser, buffer);
        if (step.error != ResponseParser::Error::kNone) {
          out.parse_error = step.error;
          return out;
        }
        if (parser.done()) {
          out.status = parser.status();
          out.keep_alive = parser.keep_alive() && buffer.size() == 0;
          return out;
        }
        if (step.consumed == 0) break;  // needs more bytes
      }
      size_t n = 0;
      const beast::error_code ec =
          Run([&](auto handler) { stream->async_read_some(PrepareRead(buffer), handler); },
              deadline, &n);
      buffer.commit(n);
      out.got_bytes = out.got_bytes || n > 0;
      if (ec == asio::error::eof && out.got_bytes) {
        // The end of the stream ends a body delimited by it; anything else is cut short.
        out.parse_error = parser.Finish();
        if (out.parse_error == ResponseParser::Error::kNone) out.status = parser.status();
        return out;
      }
      if (ec) {
        out.ec = ec;
        return out;
      }
    }
  }

  beast::error_code Connect() {
    stream.emplace(io);
    buffer.clear();
    return Run(
        [&](auto handler) {
          stream->async_connect(tcp::endpoint(asio::ip::address_v4::loopback(), port), handler);
        },
        Clock::now() + timeout);
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
    beast::error_code ec = c.Run([&](auto handler) { http::async_write(*c.stream, req, handler); },
                                 Clock::now() + c.timeout);
    ReadOutcome read;
    if (!ec) {
      read = c.ReadResponse(request.method == "HEAD");
      ec = read.ec;
    }
    if (ec) {
      c.stream.reset();
      const bool stale = !fresh && attempt == 0 && !read.got_bytes &&
                         (ec == asio::error::eof || ec == asio::error::connection_reset ||
                          ec == asio::error::broken_pipe);
      if (stale) continue;
      return Error{ec == beast::error::timeout ? std::string("the proxy did not answer in time")
                                               : "the proxy connection failed: " + ec.message()};
    }
    if (read.parse_error != ResponseParser::Error::kNone) {
      c.stream.reset();
      return Error{"the proxy's response is malformed: " +
                   std::string(ResponseParser::ErrorText(read.parse_error))};
    }
    if (!read.keep_alive) c.stream.reset();
    return read.status;
  }
}

}  // namespace shadowdiff
