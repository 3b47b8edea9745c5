// Reading one upstream response: bytes are read into the connection's buffer and parsed there
// by ResponseParser, body pieces handed out as views of it, so memory stays bounded (the head
// limit plus one read) whatever the upstream sends.
#include "src/proxy/upstream_connection.h"

#include <algorithm>
#include <string>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/error.hpp>

namespace shadowdiff {
namespace asio = boost::asio;
using boost::system::error_code;

namespace {
// Operations are awaited as deferred operations: co_await runs them without the extra
// coroutine frame that use_awaitable's initiation costs on every read and write.
constexpr auto kAwait = asio::as_tuple(asio::deferred);

// ResponseParser's errors as error codes, with its texts as their messages.
class ResponseErrorCategory final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "upstream response"; }
  std::string message(int value) const override {
    return std::string(ResponseParser::ErrorText(static_cast<ResponseParser::Error>(value)));
  }
};
const ResponseErrorCategory kResponseErrors;

error_code MakeError(ResponseParser::Error error) {
  return error_code(static_cast<int>(error), kResponseErrors);
}

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

ResponseParser::Step ParseFromBuffer(ResponseParser& parser, boost::beast::flat_buffer& buffer) {
  const asio::const_buffer data = buffer.data();
  const ResponseParser::Step step =
      parser.Parse(std::string_view(static_cast<const char*>(data.data()), data.size()));
  buffer.consume(step.consumed);
  return step;
}

asio::mutable_buffer PrepareRead(boost::beast::flat_buffer& buffer) {
  // What the buffer holds without growing (at least kMinRead): the parser keeps no more than
  // the head limit unconsumed, so the buffer stays within that plus one read.
  constexpr size_t kMinRead = 512;
  return buffer.prepare(std::max(kMinRead, buffer.capacity() - buffer.size()));
}

ResponseParser::Step ResponseReader::ParseBuffered() {
  return ParseFromBuffer(parser_, connection_.buffer);
}

std::optional<error_code> ResponseReader::ParseHead() {
  if (connection_.buffer.size() == 0) return std::nullopt;
  // One step: interim heads are consumed on the way to the final one.
  const ResponseParser::Step step = ParseBuffered();
  if (step.error != ResponseParser::Error::kNone) return MakeError(step.error);
  if (parser_.head_done()) return error_code{};
  return std::nullopt;
}

asio::mutable_buffer ResponseReader::ReadSpace() { return PrepareRead(connection_.buffer); }

std::optional<error_code> ResponseReader::HeadRead(error_code ec, size_t bytes) {
  if (bytes > 0) {
    connection_.buffer.commit(bytes);
    got_some_ = true;
  }
  if (ec) return ReadError(ec);
  return ParseHead();
}

error_code ResponseReader::ReadError(error_code ec) {
  ec = connection_.deadline.Check(ec);
  // The stream ended: a body delimited by its end is complete; anything else is cut short.
  if (ec == asio::error::eof) {
    const ResponseParser::Error error = parser_.Finish();
    return error == ResponseParser::Error::kNone ? error_code{} : MakeError(error);
  }
  return ec;
}

asio::awaitable<std::pair<error_code, std::string_view>> ResponseReader::ReadBody() {
  auto [ec, bytes] = co_await connection_.socket.async_read_some(ReadSpace(), kAwait);
  if (bytes > 0) connection_.buffer.commit(bytes);
  if (ec) co_return std::pair{ReadError(ec), std::string_view()};
  const ResponseParser::Step step = ParseBuffered();
  if (step.error != ResponseParser::Error::kNone) {
    co_return std::pair{MakeError(step.error), std::string_view()};
  }
  co_return std::pair{error_code{}, step.body};
}

std::optional<std::pair<error_code, std::string_view>> ResponseReader::NextBuffered() {
  if (connection_.buffer.size() == 0) return std::nullopt;
  const ResponseParser::Step step = ParseBuffered();
  if (step.error != ResponseParser::Error::kNone) {
    return std::pair{MakeError(step.error), std::string_view()};
  }
  // Nothing consumed: no progress to report, ReadBody reads on from here. (A consumed chunk
  // line or final chunk is progress.)
  if (step.consumed == 0) return std::nullopt;
  return std::pair{error_code{}, step.body};
}

bool ResponseReader::reusable() const {
  return parser_.done() && parser_.keep_alive() && connection_.buffer.size() == 0 &&
         connection_.socket.is_open();
}

UpstreamStatus ClassifyError(const error_code& error) {
  if (error == boost::beast::error::timeout) return UpstreamStatus::kTimeout;
  if (error.category() == kResponseErrors) {
    return error.value() == static_cast<int>(ResponseParser::Error::kTruncated)
               ? UpstreamStatus::kIoError
               : UpstreamStatus::kProtocolError;
  }
  return UpstreamStatus::kIoError;
}

}  // namespace shadowdiff
