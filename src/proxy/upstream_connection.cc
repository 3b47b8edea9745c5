// Reading one upstream response with Beast's parser over a buffer_body: the body goes
// straight into the caller's piece, so memory stays bounded whatever the upstream sends.
#include "src/proxy/upstream_connection.h"

#include <algorithm>
#include <cstring>
#include <tuple>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>

namespace shadowdiff {
namespace asio = boost::asio;
namespace http = boost::beast::http;
using boost::system::error_code;

namespace {
// Operations are awaited as deferred operations: co_await runs them without the extra
// coroutine frame that use_awaitable's initiation costs on every read and write.
constexpr auto kAwait = asio::as_tuple(asio::deferred);
// Room reserved for a response head's fields when its status line is parsed: more than most
// APIs send, so the list is not regrown field by field.
constexpr size_t kExpectedFields = 16;
}  // namespace

bool UpstreamConnection::LooksAlive() {
  if (!socket.is_open() || buffer.size() != 0) return false;
  error_code ec;
  if (!user_non_blocking) {  // one ioctl per connection, not one per reuse
    socket.non_blocking(true, ec);
    if (ec) return false;
    user_non_blocking = true;
  }
  char byte;
  socket.receive(asio::buffer(&byte, 1), asio::socket_base::message_peek, ec);
  // would_block: nothing to read, the peer has not closed. Anything else — a byte nobody
  // asked for, end of file, an error — makes the connection unusable.
  return ec == asio::error::would_block || ec == asio::error::try_again;
}

void UpstreamConnection::Close() {
  error_code ignored;
  socket.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket.close(ignored);
}

void UpstreamResponseParser::on_request_impl(http::verb, string_view, string_view, int,
                                             error_code& ec) {
  ec = http::error::bad_version;  // unreachable: this is a response parser
}

void UpstreamResponseParser::on_response_impl(int code, string_view reason, int version,
                                              error_code&) {
  status_ = code;
  reason_.assign(reason.data(), reason.size());
  (void)version;
  // Once per head, so the fields below are appended without regrowing the list.
  fields_.reserve(kExpectedFields);
}

void UpstreamResponseParser::on_field_impl(http::field, string_view name, string_view value,
                                           error_code&) {
  // Built in place: no temporary strings moved into the pair.
  fields_.emplace_back(std::piecewise_construct, std::forward_as_tuple(name.data(), name.size()),
                       std::forward_as_tuple(value.data(), value.size()));
}

size_t UpstreamResponseParser::Store(string_view body, error_code& ec) {
  size_t room = out_.size() - stored_;
  size_t n = std::min(room, body.size());
  if (n > 0) std::memcpy(out_.data() + stored_, body.data(), n);
  stored_ += n;
  if (n < body.size()) ec = http::error::need_buffer;  // the caller's span is full
  return n;
}

ResponseReader::ResponseReader(UpstreamConnection& connection, bool head_request,
                               uint32_t max_header_bytes)
    : connection_(connection), head_request_(head_request), max_header_bytes_(max_header_bytes) {}

void ResponseReader::NewParser() {
  parser_.emplace();
  parser_->header_limit(max_header_bytes_);
  // Stop after the head, as http::async_read_header would; then one element per put().
  parser_->eager(false);
  parser_->body_limit(boost::none);  // the callers bound the body themselves
  if (head_request_) parser_->skip(true);
}

std::optional<error_code> ResponseReader::HeadRead(error_code ec) {
  if (parser_->got_some() || connection_.buffer.size() != 0) got_some_ = true;
  if (ec) return connection_.deadline.Check(ec);
  int status = parser_->status();
  if (status == 101) return http::error::bad_status;  // we never ask to upgrade
  if (status >= 100 && status < 200) {
    NewParser();  // interim response (100 Continue, 103 Early Hints): the final one follows
    return std::nullopt;
  }
  return error_code{};
}

std::optional<uint64_t> ResponseReader::content_length() const {
  if (parser_->chunked()) return std::nullopt;
  auto length = parser_->content_length();
  if (!length) return std::nullopt;
  return *length;
}

asio::awaitable<std::pair<error_code, size_t>> ResponseReader::ReadBody(std::span<char> out) {
  parser_->SetOutput(out);
  auto [ec, bytes] =
      co_await http::async_read_some(connection_.socket, connection_.buffer, *parser_, kAwait);
  (void)bytes;
  if (ec == http::error::need_buffer) ec = {};
  ec = connection_.deadline.Check(ec);
  size_t stored = parser_->stored();
  parser_->SetOutput({});
  co_return std::pair{ec, stored};
}

std::optional<std::pair<error_code, size_t>> ResponseReader::ReadBuffered(std::span<char> out) {
  boost::beast::flat_buffer& buffer = connection_.buffer;
  if (buffer.size() == 0) return std::nullopt;
  parser_->SetOutput(out);
  // As Beast's async_read_some parses what is buffered before it reads: the same put().
  error_code ec;
  const size_t used = parser_->put(buffer.data(), ec);
  buffer.consume(used);
  const size_t stored = parser_->stored();
  parser_->SetOutput({});
  // Nothing stored and either more bytes needed or nothing consumed: no progress to report,
  // ReadBody reads on from here. (A consumed chunk header or final chunk is progress.)
  if ((ec == http::error::need_more || (!ec && used == 0)) && stored == 0) return std::nullopt;
  if (ec == http::error::need_more) ec = {};
  if (ec == http::error::need_buffer) ec = {};
  return std::pair{ec, stored};
}

bool ResponseReader::reusable() const {
  return parser_ && parser_->is_done() && parser_->keep_alive() && connection_.buffer.size() == 0 &&
         connection_.socket.is_open();
}

UpstreamStatus ClassifyError(const error_code& error) {
  if (error == boost::beast::error::timeout) return UpstreamStatus::kTimeout;
  if (error.category() == http::make_error_code(http::error::end_of_stream).category()) {
    if (error == http::error::end_of_stream || error == http::error::partial_message) {
      return UpstreamStatus::kIoError;
    }
    return UpstreamStatus::kProtocolError;
  }
  return UpstreamStatus::kIoError;
}

}  // namespace shadowdiff
