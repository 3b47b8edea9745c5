// Fuzzes the edge's request path without sockets, the way a client session runs it: raw
// bytes arrive in pieces -> RawHeadScanner finds (or refuses) the head -> ParseRequestHead
// (Beast's parser + the guard + sanitising) -> the body through the same parser, under the
// body limit -> the next pipelined request, until the input is used up or refused.
// Checks invariants the edge relies on; any violation aborts.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/error.hpp>

#include "src/proxy/http_guard.h"
#include "src/proxy/request_head.h"

namespace {

void Check(bool condition) {
  if (!condition) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using shadowdiff::RawHeadScanner;
  if (size == 0) return 0;
  // The first byte picks how many bytes "arrive" per read (1..64), as a trickle would.
  const size_t step = (data[0] % 64) + 1;
  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);

  shadowdiff::EdgeOptions options;
  options.max_header_bytes = 4096;
  options.max_request_body_bytes = 4096;

  for (int requests = 0; requests < 16 && !input.empty(); ++requests) {
    RawHeadScanner scanner(options.max_header_bytes);
    RawHeadScanner::State state = RawHeadScanner::State::kNeedMore;
    for (size_t arrived = 0; state == RawHeadScanner::State::kNeedMore && arrived < input.size();) {
      arrived = std::min(input.size(), arrived + step);
      state = scanner.Feed(input.substr(0, arrived));
    }
    if (state != RawHeadScanner::State::kComplete) {
      if (state == RawHeadScanner::State::kRefused) {
        Check(scanner.refusal().status == 400 || scanner.refusal().status == 431);
      }
      return 0;
    }
    Check(scanner.head_begin() < scanner.head_end() && scanner.head_end() <= input.size());
    Check(scanner.head_end() <= options.max_header_bytes);
    std::string_view head =
        input.substr(scanner.head_begin(), scanner.head_end() - scanner.head_begin());
    Check(head.ends_with("\r\n\r\n"));

    shadowdiff::RequestParser parser;
    shadowdiff::InboundRequest request;
    shadowdiff::HeadVerdict verdict =
        shadowdiff::ParseRequestHead(head, options, "192.0.2.1", parser, request);
    input.remove_prefix(scanner.head_end());
    if (!verdict.ok()) {
      Check(verdict.refusal.status >= 400 && verdict.refusal.status < 600);
      Check(!shadowdiff::EdgeErrorResponse(verdict.refusal).empty());
      return 0;
    }
    // What the handler would see: no framing, hop-by-hop or Shadow-* fields.
    for (const auto& [name, value] : request.headers) {
      Check(!shadowdiff::EqualsIgnoreCase(name, "transfer-encoding"));
      Check(!shadowdiff::EqualsIgnoreCase(name, "connection"));
      Check(name.size() < 7 || !shadowdiff::EqualsIgnoreCase(name.substr(0, 7), "shadow-"));
    }
    Check(request.version == 10 || request.version == 11);

    // The body, fed in pieces like the session's reads.
    parser.eager(true);
    while (!parser.is_done()) {
      if (input.empty()) return 0;  // the client would have to send more
      boost::beast::error_code ec;
      size_t piece = std::min(input.size(), step);
      size_t used = parser.put(boost::asio::buffer(input.data(), piece), ec);
      Check(used <= piece);
      if (ec == boost::beast::http::error::need_more) {
        // Beast wants a larger window (e.g. a whole chunk header). Its contract: the next call
        // starts after the bytes it used and includes the rest of this window.
        input.remove_prefix(used);
        if (input.size() <= piece - used) return 0;  // nothing more has arrived
        used = parser.put(boost::asio::buffer(input.data(), input.size()), ec);
        if (ec == boost::beast::http::error::need_more) return 0;
      }
      if (ec) return 0;  // 400 or 413, connection closed
      Check(used <= input.size());
      input.remove_prefix(used);
    }
    Check(parser.get().body().size() <= options.max_request_body_bytes);
    if (verdict.framing.kind == shadowdiff::BodyFraming::Kind::kContentLength) {
      Check(parser.get().body().size() == verdict.framing.content_length);
    }
  }
  return 0;
}
