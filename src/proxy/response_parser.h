// ResponseParser: one HTTP/1.x response as an upstream sends it, parsed from bytes the caller
// has read — the head (interim 1xx responses skipped), then the body's framing (Content-Length,
// chunked, or to the end of the stream). Body bytes are never copied: each piece is a view into
// the caller's input. Pure: no I/O; allocates only the head's strings. Not thread-safe; one
// parser per response.
//
// Usage: keep the bytes received and not yet consumed in one contiguous buffer; call Parse on
// all of them; drop Step::consumed bytes from the front; use Step::body before the buffer
// changes. A Step that consumed nothing, with neither done() nor an error, needs more bytes.
// When the stream ends, call Finish.
//
// Where RFC 9112 lets a recipient choose, this parser refuses what could make the proxy and
// an upstream (or the proxy's client) disagree on where a response ends, or that the proxy
// could not forward faithfully — each refusal is an Error, the response unusable:
//   - obsolete line folding (a field line starting with SP or HTAB) — RFC 9112 §5.2 lets a
//     proxy refuse it;
//   - Transfer-Encoding other than exactly one `chunked` (the proxy removes Transfer-Encoding,
//     so any other coding would reach the client undecoded and unlabelled), and
//     Transfer-Encoding together with Content-Length, in either order;
//   - Content-Length values that differ (identical repeats are accepted, RFC 9110 §8.6);
//   - a line ending in a bare CR or LF (refused as soon as it arrives, not when the head
//     completes), and control characters in the head;
//   - a control character in a chunk extension's quoted string (Beast takes any byte there);
//   - a chunk-size line or trailer section longer than the head limit.
// Trailer fields are validated and then dropped, except that they count as Beast counts them:
// Connection: close there ends keep-alive, and Content-Length or Transfer-Encoding there is an
// error.
// Everything else follows Beast's parser (which the differential fuzzer
// tests/fuzz/upstream_response_fuzz.cc checks it against): HTTP/1.0 and 1.1 only; no body
// for a HEAD request, 1xx, 204 or 304 whatever the fields say; keep-alive from the version,
// Connection and Proxy-Connection; a response without Content-Length or chunked framing is
// delimited by the end of the stream and never kept alive.
#ifndef SHADOWDIFF_PROXY_RESPONSE_PARSER_H_
#define SHADOWDIFF_PROXY_RESPONSE_PARSER_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "src/core/exchange.h"

namespace shadowdiff {

class ResponseParser {
 public:
  enum class Error : uint8_t {
    kNone,
    kBadVersion,                 // not "HTTP/1.0" or "HTTP/1.1" at the start
    kBadStatus,                  // the status code is not three digits and a space
    kBadReason,                  // a control character in the reason phrase
    kBadLineEnding,              // CR without LF, or LF without CR
    kBadField,                   // a field line that is not `token ":" value`
    kObsFold,                    // a field line continued on the next
    kHeaderLimit,                // the head (status line and fields) is over the limit
    kBadContentLength,           // not a decimal number, or values that differ
    kUnsupportedCoding,          // Transfer-Encoding that is not exactly `chunked`
    kTransferEncodingAndLength,  // Transfer-Encoding together with Content-Length
    kBadConnection,              // Connection or Proxy-Connection is not a list of tokens
    kUpgrade,                    // 101 Switching Protocols: the proxy never asks to upgrade
    kBadChunk,                   // a malformed chunk-size line or chunk end
    kChunkLineLimit,             // a chunk-size line (with extensions) is over the limit
    kTrailerLimit,               // the trailer section is over the limit
    kTruncated,                  // the stream ended before the response did
  };
  // What is wrong, for logs: "Transfer-Encoding is not exactly `chunked`".
  static std::string_view ErrorText(Error error);

  enum class Framing : uint8_t {
    kNone,           // no body: HEAD request, 1xx, 204, 304, Content-Length: 0
    kContentLength,  // content_length() bytes
    kChunked,        // chunked transfer coding
    kToEof,          // everything until the stream ends
  };

  struct Step {
    size_t consumed = 0;         // input bytes used: drop them before the next call
    std::string_view body;       // body bytes among them, a view into the input; maybe empty
    Error error = Error::kNone;  // the response is malformed; the parser stays failed and
                                 // every later Parse or Finish reports this error again
  };

  // `head_request`: the request was HEAD, so the response has no body whatever it says.
  // `max_header_bytes`: the limit for one head (status line, fields and the blank line), for
  // a chunk-size line and for the trailer section.
  ResponseParser(bool head_request, uint32_t max_header_bytes);

  // Parses `bytes` (everything received and not yet consumed) as far as one step goes: until
  // the final head is complete (interim heads consumed on the way), or one piece of body.
  Step Parse(std::string_view bytes);
  // The stream ended: completes a body delimited by the end of the stream (kNone); anything
  // else unfinished is kTruncated.
  Error Finish();

  bool head_done() const { return state_ != State::kHead && state_ != State::kFailed; }
  bool done() const { return state_ == State::kDone; }

  // After head_done(): the final response.
  int status() const { return status_; }
  int version() const { return version_; }  // 10 or 11
  const std::string& reason() const { return reason_; }
  // Fields in wire order, names as received; the caller may take them.
  HeaderList& fields() { return fields_; }
  Framing framing() const { return framing_; }
  // The body's length when framing() is kContentLength.
  std::optional<uint64_t> content_length() const {
    if (framing_ != Framing::kContentLength) return std::nullopt;
    return length_;
  }
  // The connection may carry another request after this response (its version and
  // Connection fields allow it and the body is not delimited by the end of the stream).
  bool keep_alive() const;

 private:
  enum class State : uint8_t {
    kHead,
    kLength,     // Content-Length body, remaining_ bytes to go
    kChunkLine,  // before a chunk-size line
    kChunkData,  // inside a chunk, remaining_ bytes to go
    kChunkEnd,   // the CRLF after a chunk's data
    kTrailers,   // after the last chunk: trailer fields and the blank line
    kToEof,
    kDone,
    kFailed,
  };

  Step Fail(Step step, Error error);
  // The offset of the first `terminator` in `rest` (the unconsumed input, from the start of a
  // head, chunk-size line or trailer section), searching on from where the last call stopped;
  // npos when more bytes are needed, with *error set to `over_limit` when the limit is
  // reached without it, or to `lone_break` when a lone CR or LF arrived (more cannot help).
  size_t FindEnd(std::string_view rest, std::string_view terminator, Error over_limit,
                 Error lone_break, Error* error);
  Step ParseHead(std::string_view bytes);
  Step ParseBody(std::string_view bytes);
  // The head in `head` (through its CRLF CRLF): status line and fields.
  Error ParseHeadLines(std::string_view head);
  Error ParseFieldLines(std::string_view lines, bool trailers);
  Error ApplyField(std::string_view name, std::string_view value);
  void ChooseFraming();
  void ResetHead();

  const bool head_request_;
  const uint32_t max_header_bytes_;
  State state_ = State::kHead;
  // Leading bytes of the unconsumed input already searched for the end of a head, a chunk
  // line or the trailers (each search resumes there).
  size_t scanned_ = 0;
  uint64_t remaining_ = 0;

  int status_ = 0;
  int version_ = 0;
  std::string reason_;
  HeaderList fields_;
  Framing framing_ = Framing::kNone;
  uint64_t length_ = 0;
  bool has_length_ = false;
  bool chunked_ = false;
  bool has_transfer_encoding_ = false;
  bool connection_close_ = false;
  bool connection_keep_alive_ = false;
  Error error_ = Error::kNone;  // once failed: what Parse and Finish report again
};

}  // namespace shadowdiff

#endif  // SHADOWDIFF_PROXY_RESPONSE_PARSER_H_
