// UpstreamConnection and ResponseReader: one keep-alive TCP connection to an upstream, and
// the reading of one HTTP/1.x response from it with ResponseParser — the head (interim 1xx
// responses skipped), then the body in pieces as they arrive, never buffered whole. Shared by
// UpstreamPool's Exchange (buffered, for comparison) and Relay (streamed to a client).
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
#include <string>
#include <string_view>
#include <utility>

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>

#include "src/proxy/response_parser.h"
#include "src/proxy/socket_deadline.h"
#include "src/proxy/upstream_types.h"

namespace shadowdiff {

struct UpstreamConnection {
  // Reads go into `buffer` in pieces of up to this many bytes (what the buffer's capacity
  // allows, at least 512): one read for most responses of an API.
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

class ResponseReader {
 public:
  // `head_request`: the request was HEAD, so the response has no body whatever it says.
  ResponseReader(UpstreamConnection& connection, bool head_request, uint32_t max_header_bytes)
      : connection_(connection), parser_(head_request, max_header_bytes) {}

  // Reading the head, with the reads themselves awaited by the caller (no coroutine frame of
  // its own):
  //   std::optional<error_code> head = reader.ParseHead();
  //   while (!head) {
  //     auto [ec, n] = co_await connection.socket.async_read_some(reader.ReadSpace(), ...);
  //     head = reader.HeadRead(ec, n);
  //   }
  // *head is success once the final head is in (interim 1xx responses skipped), else the
  // error (a timeout as beast::error::timeout).
  std::optional<boost::system::error_code> ParseHead();
  boost::asio::mutable_buffer ReadSpace();
  std::optional<boost::system::error_code> HeadRead(boost::system::error_code ec, size_t bytes);

  // After the head: the final response's status, reason phrase and fields (wire order, names
  // as received; the caller may take them).
  int status() const { return parser_.status(); }
  const std::string& reason() const { return parser_.reason(); }
  HeaderList& fields() { return parser_.fields(); }
  // Whether a body follows the head (false for HEAD, 1xx, 204, 304 and Content-Length: 0).
  bool has_body() const { return !parser_.done(); }
  // The upstream's Content-Length, when it framed the body with one.
  std::optional<uint64_t> content_length() const { return parser_.content_length(); }

  // The next body bytes, read from the socket: a view into the connection's buffer, valid
  // until the next call (it may be empty, e.g. after a chunk-size line). done() turns true
  // after the last byte.
  boost::asio::awaitable<std::pair<boost::system::error_code, std::string_view>> ReadBody();
  // ReadBody without I/O: when bytes already read (e.g. behind the head) take the body further
  // or finish it, returns what ReadBody would; nullopt when they take it no further (then call
  // ReadBody), so a loop over the two never spins without I/O. Spares a small response's body,
  // which usually arrives with its head, the completion an asynchronous read posts.
  std::optional<std::pair<boost::system::error_code, std::string_view>> NextBuffered();
  bool done() const { return parser_.done(); }

  // Any byte of a response arrived (the retry rule: a request answered with nothing may have
  // met a stale connection).
  bool got_some() const { return got_some_; }
  // The response is complete and the connection may carry another request: keep-alive on
  // both sides and no unrequested bytes behind the response.
  bool reusable() const;
  // The response is complete and its framing and Connection fields allow another response on
  // the connection (bytes already read behind it may be the next response: pipelining).
  bool keep_alive() const { return parser_.done() && parser_.keep_alive(); }

 private:
  // One parser step over the buffered bytes; the bytes it used are consumed from the buffer
  // (their memory, which Step::body views, stays until the next ReadSpace).
  ResponseParser::Step ParseBuffered();
  // A failed read's error: a timeout as beast::error::timeout; the end of the stream completes
  // a body delimited by it (success) or is ResponseParser's kTruncated.
  boost::system::error_code ReadError(boost::system::error_code ec);

  UpstreamConnection& connection_;
  ResponseParser parser_;
  bool got_some_ = false;
};

// The two steps of reading a response into a flat_buffer, for ResponseReader and for clients
// that read without an UpstreamConnection (the replay client):
// one parser step over the bytes in `buffer`, which then drops the bytes the step used (their
// memory, which Step::body views, stays until the buffer's next prepare);
ResponseParser::Step ParseFromBuffer(ResponseParser& parser, boost::beast::flat_buffer& buffer);
// and room for the next read: what `buffer` holds without growing, at least 512 bytes.
boost::asio::mutable_buffer PrepareRead(boost::beast::flat_buffer& buffer);

// Classifies a failed read/write: timeout, protocol error (the parser refused the bytes) or
// I/O error (reset, closed before the response was complete).
UpstreamStatus ClassifyError(const boost::system::error_code& error);

}  // namespace shadowdiff

#endif  // SHADOWDIFF_PROXY_UPSTREAM_CONNECTION_H_
