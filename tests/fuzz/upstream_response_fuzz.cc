// Differential fuzzer of ResponseParser (src/proxy/response_parser.h) against Beast's
// basic_parser<false> used the way the proxy used it: a new parser for each head (an interim
// 1xx completes one), eager, no body limit, header_limit and skip(HEAD) as configured, 101
// refused. Both read the same pieces of one upstream response, keep what they did not consume
// and re-parse it with the next piece appended (as flat_buffer does), then see the end of the
// stream. Any violation of the rules below aborts.
//
// Input: byte 0 — bit 0: the request was HEAD; bits 1-2: max_header_bytes (64, 256, 4096,
// 65536). Byte 1 — bytes per read, 1 + (byte % 64). The rest: the bytes the upstream sends.
//
// Rules:
//   - ours done => Beast done, with the same status, version, reason, head fields (names as
//     received, in order), body bytes, keep-alive, framing (none / Content-Length n / chunked /
//     to the end of the stream) and bytes consumed;
//   - Beast fails => ours fails;
//   - ours fails while Beast completes only where the header says ours is stricter: obs-fold,
//     a Transfer-Encoding other than exactly one `chunked` (alone or with Content-Length), the
//     chunk-line and trailer limits; the head limit when a head Beast read is over it (Beast
//     applies it to the status line and the fields apart when they arrive together); and a
//     malformed chunk when a chunk extension Beast read holds a control character (Beast
//     takes any byte in a quoted string);
//   - ours never consumes more than it was given, returns body bytes only from among those it
//     consumed, and never needs more while holding max_header_bytes unconsumed bytes.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <boost/asio/buffer.hpp>
#include <boost/beast/http/basic_parser.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/optional.hpp>

#include "src/proxy/response_parser.h"

namespace {

using shadowdiff::HeaderList;
using shadowdiff::ResponseParser;
using Framing = ResponseParser::Framing;
namespace http = boost::beast::http;

void Check(bool condition) {
  if (!condition) std::abort();
}

// The outcome both sides are compared on.
struct Outcome {
  bool done = false;
  bool failed = false;
  int status = 0;
  int version = 0;
  std::string reason;
  HeaderList fields;
  std::string body;
  bool keep_alive = false;
  Framing framing = Framing::kNone;
  uint64_t content_length = 0;  // when framing is kContentLength
  size_t consumed = 0;          // input bytes used, interim heads included
};

// Beast's parser for one head and its body, recording what it reports.
class BeastResponse : public http::basic_parser<false> {
 public:
  int status = 0;
  int version = 0;
  std::string reason;
  HeaderList fields;
  std::string body;
  std::vector<std::string> extensions;
  bool header_seen = false;
  bool no_body = false;  // done at the head
  bool chunked_body = false;
  boost::optional<uint64_t> length;

 private:
  void on_request_impl(http::verb, boost::beast::string_view, boost::beast::string_view, int,
                       boost::beast::error_code&) override {
    std::abort();
  }
  void on_response_impl(int code, boost::beast::string_view r, int v,
                        boost::beast::error_code&) override {
    status = code;
    version = v;
    reason.assign(r.data(), r.size());
  }
  void on_field_impl(http::field, boost::beast::string_view name, boost::beast::string_view value,
                     boost::beast::error_code&) override {
    if (header_seen) return;  // a trailer
    fields.emplace_back(std::string(name.data(), name.size()),
                        std::string(value.data(), value.size()));
  }
  void on_header_impl(boost::beast::error_code&) override {
    header_seen = true;
    no_body = is_done();
    chunked_body = chunked();
    length = content_length();
  }
  void on_body_init_impl(const boost::optional<uint64_t>&, boost::beast::error_code&) override {}
  size_t on_body_impl(boost::beast::string_view b, boost::beast::error_code&) override {
    body.append(b.data(), b.size());
    return b.size();
  }
  void on_chunk_header_impl(uint64_t, boost::beast::string_view ext,
                            boost::beast::error_code&) override {
    extensions.emplace_back(ext.data(), ext.size());
  }
  size_t on_chunk_body_impl(uint64_t, boost::beast::string_view b,
                            boost::beast::error_code&) override {
    body.append(b.data(), b.size());
    return b.size();
  }
  void on_finish_impl(boost::beast::error_code&) override {}
};

// The reference reader: Beast, a new parser after each interim head.
class BeastSide {
 public:
  BeastSide(std::string_view input, bool head_request, uint32_t max_header_bytes)
      : input_(input), head_request_(head_request), max_header_bytes_(max_header_bytes) {
    Start();
  }

  void Feed(std::string_view piece) {
    if (out_.done || out_.failed) return;
    pending_.append(piece);
    while (!pending_.empty()) {
      boost::beast::error_code ec;
      const size_t n = parser_->put(boost::asio::buffer(pending_.data(), pending_.size()), ec);
      Check(n <= pending_.size());
      pending_.erase(0, n);
      out_.consumed += n;
      if (ec == http::error::need_more) return;
      if (ec) {
        out_.failed = true;
        return;
      }
      if (parser_->is_done()) {
        if (!Completed()) return;
        continue;
      }
      if (n == 0) return;
    }
  }

  void End() {
    if (out_.done || out_.failed) return;
    if (!parser_->got_some()) {  // nothing since the last head: put_eof would assert
      out_.failed = true;
      return;
    }
    boost::beast::error_code ec;
    parser_->put_eof(ec);
    if (ec || !parser_->is_done()) {
      out_.failed = true;
      return;
    }
    Completed();
  }

  const Outcome& outcome() const { return out_; }
  const std::vector<std::string>& extensions() const { return parser_->extensions; }
  size_t largest_head() const { return largest_head_; }

 private:
  void Start() {
    parser_.emplace();
    parser_->eager(true);
    parser_->skip(head_request_);
    parser_->header_limit(max_header_bytes_);
    parser_->body_limit(boost::none);
    head_start_ = out_.consumed;
  }

  // The parser is done: an interim head (true: go on with a new parser) or the response.
  bool Completed() {
    const size_t end = input_.find("\r\n\r\n", head_start_);
    Check(end != std::string_view::npos);
    largest_head_ = std::max(largest_head_, end + 4 - head_start_);
    BeastResponse& p = *parser_;
    if (p.status == 101) {
      out_.failed = true;
      return false;
    }
    if (p.status / 100 == 1) {
      Start();
      return true;
    }
    out_.done = true;
    out_.status = p.status;
    out_.version = p.version;
    out_.reason = p.reason;
    out_.fields = p.fields;
    out_.body = p.body;
    out_.keep_alive = p.keep_alive();
    if (p.no_body) {
      out_.framing = Framing::kNone;
    } else if (p.chunked_body) {
      out_.framing = Framing::kChunked;
    } else if (p.length) {
      out_.framing = Framing::kContentLength;
      out_.content_length = *p.length;
    } else {
      out_.framing = Framing::kToEof;
    }
    return false;
  }

  const std::string_view input_;
  const bool head_request_;
  const uint32_t max_header_bytes_;
  std::optional<BeastResponse> parser_;
  std::string pending_;
  size_t head_start_ = 0;
  size_t largest_head_ = 0;
  Outcome out_;
};

// The reader the proxy runs over ResponseParser.
class OurSide {
 public:
  OurSide(bool head_request, uint32_t max_header_bytes)
      : parser_(head_request, max_header_bytes), max_header_bytes_(max_header_bytes) {}

  void Feed(std::string_view piece) {
    if (out_.done || out_.failed) return;
    pending_.append(piece);
    for (;;) {
      const ResponseParser::Step step = parser_.Parse(pending_);
      Check(step.consumed <= pending_.size());
      if (!step.body.empty()) {
        Check(step.body.data() >= pending_.data());
        Check(step.body.data() + step.body.size() <= pending_.data() + step.consumed);
        Check(parser_.head_done());
      }
      out_.body.append(step.body);
      pending_.erase(0, step.consumed);
      out_.consumed += step.consumed;
      if (step.error != ResponseParser::Error::kNone) {
        Fail(step.error);
        return;
      }
      if (parser_.done()) {
        Completed();
        return;
      }
      if (step.consumed == 0) {
        Check(pending_.size() < max_header_bytes_);
        return;
      }
    }
  }

  void End() {
    if (out_.done || out_.failed) return;
    const ResponseParser::Error error = parser_.Finish();
    if (error != ResponseParser::Error::kNone) {
      Fail(error);
      return;
    }
    Check(parser_.done());
    Completed();
  }

  const Outcome& outcome() const { return out_; }
  ResponseParser::Error error() const { return error_; }

 private:
  void Fail(ResponseParser::Error error) {
    Check(!parser_.done());
    Check(!ResponseParser::ErrorText(error).empty());
    out_.failed = true;
    error_ = error;
  }

  void Completed() {
    Check(parser_.head_done());
    out_.done = true;
    out_.status = parser_.status();
    out_.version = parser_.version();
    out_.reason = parser_.reason();
    out_.fields = parser_.fields();
    out_.keep_alive = parser_.keep_alive();
    out_.framing = parser_.framing();
    Check(parser_.content_length().has_value() == (out_.framing == Framing::kContentLength));
    if (out_.framing == Framing::kContentLength) {
      out_.content_length = *parser_.content_length();
      Check(out_.body.size() == out_.content_length);
    }
    if (out_.framing == Framing::kNone) Check(out_.body.empty());
  }

  ResponseParser parser_;
  const uint32_t max_header_bytes_;
  std::string pending_;
  ResponseParser::Error error_ = ResponseParser::Error::kNone;
  Outcome out_;
};

bool HasControl(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return (u < 0x20 && u != '\t') || u == 0x7f;
  });
}

// Ours refused what Beast accepted: only where the header says it is stricter.
bool StricterByDesign(ResponseParser::Error error, const BeastSide& beast,
                      uint32_t max_header_bytes) {
  using Error = ResponseParser::Error;
  switch (error) {
    case Error::kObsFold:
    case Error::kUnsupportedCoding:
    case Error::kTransferEncodingAndLength:
    case Error::kTrailerLimit:
    case Error::kChunkLineLimit:
      return true;
    case Error::kHeaderLimit:
      return beast.largest_head() > max_header_bytes;
    case Error::kBadChunk:
      return std::any_of(beast.extensions().begin(), beast.extensions().end(), HasControl);
    default:
      return false;
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const bool head_request = (data[0] & 1) != 0;
  constexpr uint32_t kLimits[] = {64, 256, 4096, 65536};
  const uint32_t max_header_bytes = kLimits[(data[0] >> 1) & 3];
  const size_t read_size = 1 + data[1] % 64;
  const std::string_view input(reinterpret_cast<const char*>(data) + 2, size - 2);

  OurSide ours(head_request, max_header_bytes);
  BeastSide beast(input, head_request, max_header_bytes);
  for (size_t at = 0; at < input.size(); at += read_size) {
    const std::string_view piece = input.substr(at, read_size);
    ours.Feed(piece);
    beast.Feed(piece);
  }
  ours.End();
  beast.End();

  const Outcome& a = ours.outcome();
  const Outcome& b = beast.outcome();
  Check(a.done != a.failed);
  Check(b.done != b.failed);
  Check(a.consumed <= input.size());
  if (a.done) {
    Check(b.done);
    Check(a.status == b.status);
    Check(a.version == b.version);
    Check(a.reason == b.reason);
    Check(a.fields == b.fields);
    Check(a.body == b.body);
    Check(a.keep_alive == b.keep_alive);
    Check(a.framing == b.framing);
    Check(a.content_length == b.content_length);
    Check(a.consumed == b.consumed);
  }
  if (b.failed) Check(a.failed);
  if (a.failed && b.done) Check(StricterByDesign(ours.error(), beast, max_header_bytes));
  return 0;
}
