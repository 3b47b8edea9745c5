// UpstreamConnection and ResponseReader: one keep-alive TCP connection to an upstream, and
// the reading of one HTTP/1.x response from it — the head (interim 1xx responses skipped),
// then the body in caller-sized pieces, never buffered whole. Shared by UpstreamPool's
// Exchange (buffered, for comparison) and Relay (streamed to a client).
//
// Not thread-safe: a connection belongs to one UpstreamPool (one io_context) and, while
// leased, to one exchange. A ResponseReader refers to its connection, which must outlive it.
// Deadlines are the caller's: set `deadline` before each call; a read that fails after the
// deadline passed reports beast::error::timeout.
#ifndef SHADOWDIFF_PROXY_UPSTREAM_CONNECTION_H_
#define SHADOWDIFF_PROXY_UPSTREAM_CONNECTION_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/basic_parser.hpp>

#include "src/proxy/socket_deadline.h"
#include "src/proxy/upstream_types.h"

namespace shadowdiff {

struct UpstreamConnection {
  // Reads go into `buffer` in pieces of up to this many bytes (Beast reads what the buffer's
  // capacity allows, at least 512): one read for most responses of an API.
  static constexpr size_t kReadBufferBytes = 16 << 10;

  explicit UpstreamConnection(boost::asio::any_io_executor executor)
      : socket(std::move(executor)), deadline(socket) {
    buffer.reserve(kReadBufferBytes);
  }

  boost::asio::ip::tcp::socket socket;
  SocketDeadline deadline;           // closes `socket` when it passes
  boost::beast::flat_buffer buffer;  // bytes read but not yet parsed
  std::chrono::steady_clock::time_point idle_since{};
  uint64_t requests = 0;           // responses completed on this connection
  bool user_non_blocking = false;  // the socket's user-visible non-blocking mode is set

  // For a connection taken from the idle list: false when the peer closed it, sent bytes
  // nobody asked for, or the socket is in error — checked without blocking (MSG_PEEK).
  bool LooksAlive();
  // Closes at once; a pending operation completes with operation_aborted.
  void Close();
};

// Beast's parser, keeping what Beast's own message type would reorder: the fields in wire
// order with names as received (basic_fields groups repeated names together), and body
// bytes stored into a caller-provided span (the buffer_body pattern). Validation of the
// bytes is Beast's.
class UpstreamResponseParser final : public boost::beast::http::basic_parser<false> {
 public:
  int status() const { return status_; }
  const std::string& reason() const { return reason_; }
  HeaderList& fields() { return fields_; }
  const HeaderList& fields() const { return fields_; }

  // Body bytes go into `out` from its start; stored() says how many did.
  void SetOutput(std::span<char> out) {
    out_ = out;
    stored_ = 0;
  }
  size_t stored() const { return stored_; }

 private:
  using string_view = boost::beast::string_view;
  using error_code = boost::system::error_code;

  void on_request_impl(boost::beast::http::verb, string_view, string_view, int,
                       error_code& ec) override;
  void on_response_impl(int code, string_view reason, int version, error_code& ec) override;
  void on_field_impl(boost::beast::http::field, string_view name, string_view value,
                     error_code& ec) override;
  void on_header_impl(error_code&) override {}
  void on_body_init_impl(const boost::optional<std::uint64_t>&, error_code&) override {}
  size_t on_body_impl(string_view body, error_code& ec) override { return Store(body, ec); }
  void on_chunk_header_impl(std::uint64_t, string_view, error_code&) override {}
  size_t on_chunk_body_impl(std::uint64_t, string_view body, error_code& ec) override {
    return Store(body, ec);
  }
  void on_finish_impl(error_code&) override {}
  size_t Store(string_view body, error_code& ec);

  int status_ = 0;
  std::string reason_;
  HeaderList fields_;
  std::span<char> out_;
  size_t stored_ = 0;
};

class ResponseReader {
 public:
  // `head_request`: the request was HEAD, so the response has no body whatever it says.
  ResponseReader(UpstreamConnection& connection, bool head_request, uint32_t max_header_bytes);

  // Reading the head, with the reads themselves awaited by the caller (no coroutine frame of
  // its own): BeginHead(), then until HeadRead returns an error code (success included):
  //   co_await http::async_read_some(connection.socket, connection.buffer, head_parser())
  //     until it fails or head_parser().is_header_done();
  //   HeadRead(that read's error)
  // HeadRead returns nullopt after an interim (1xx) response: read the next head.
  void BeginHead() { NewParser(); }
  UpstreamResponseParser& head_parser() { return *parser_; }
  std::optional<boost::system::error_code> HeadRead(boost::system::error_code ec);

  // After HeadRead returned success: the final response's status, reason phrase and fields (wire
  // order, names as received; the caller may take them).
  int status() const { return parser_->status(); }
  const std::string& reason() const { return parser_->reason(); }
  HeaderList& fields() { return parser_->fields(); }
  // Whether a body follows the head (false for HEAD, 1xx, 204, 304 and Content-Length: 0).
  bool has_body() const { return !parser_->is_done(); }
  // The upstream's Content-Length, when it sent one (not chunked, not close-delimited).
  std::optional<uint64_t> content_length() const;

  // Reads the next body bytes into `out`: returns how many were stored (0 is possible, e.g.
  // after a chunk header). done() turns true after the last byte.
  boost::asio::awaitable<std::pair<boost::system::error_code, size_t>> ReadBody(
      std::span<char> out);
  // ReadBody without I/O: when bytes already read (e.g. behind the head) take the body further
  // or finish it, stores them and returns what ReadBody would; nullopt when they take the
  // body no further (then call ReadBody, which reads the socket), so a loop over the two never
  // spins without I/O. Spares a small response's body, which
  // usually arrives with its head, the completion that an asynchronous read posts.
  std::optional<std::pair<boost::system::error_code, size_t>> ReadBuffered(std::span<char> out);
  bool done() const { return parser_ && parser_->is_done(); }

  // Any byte of a response arrived (the retry rule: a request answered with nothing may have
  // met a stale connection).
  bool got_some() const { return got_some_; }
  // The response is complete and the connection may carry another request: keep-alive on
  // both sides and no unrequested bytes behind the response.
  bool reusable() const;

 private:
  void NewParser();

  UpstreamConnection& connection_;
  bool head_request_;
  uint32_t max_header_bytes_;
  bool got_some_ = false;
  std::optional<UpstreamResponseParser> parser_;
};

// Classifies a failed read/write: timeout, protocol error (the parser refused the bytes) or
// I/O error (reset, closed early).
UpstreamStatus ClassifyError(const boost::system::error_code& error);

}  // namespace shadowdiff

#endif  // SHADOWDIFF_PROXY_UPSTREAM_CONNECTION_H_
