// ResponseParser: a state machine over the unconsumed input. Heads, chunk-size lines and
// trailer sections are parsed once they are complete (their end found by a search that resumes
// where the last one stopped), so no byte is parsed twice and a partial line is never
// interpreted.
#include "src/proxy/response_parser.h"

#include <algorithm>
#include <limits>
#include <tuple>
#include <utility>

#include "src/proxy/http_syntax.h"

namespace shadowdiff {
namespace {

constexpr std::string_view kCrlf = "\r\n";
constexpr std::string_view kBlankLine = "\r\n\r\n";
// Room reserved for a head's fields: more than most APIs send, so the list is not regrown.
constexpr size_t kExpectedFields = 16;

constexpr bool IsDigit(char c) { return c >= '0' && c <= '9'; }

bool ParseDecimal(std::string_view s, uint64_t& value) {
  uint64_t v = 0;
  for (char c : s) {
    if (!IsDigit(c)) return false;
    const uint64_t digit = static_cast<uint64_t>(c - '0');
    if (v > (std::numeric_limits<uint64_t>::max() - digit) / 10) return false;
    v = v * 10 + digit;
  }
  value = v;
  return !s.empty();
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The error for a line (without its CRLF) the character checks refused: kBadLineEnding when
// a CR or LF stands alone in it, else `otherwise`. Off the success path: lines are checked
// by character class, which refuses CR and LF with every other control.
ResponseParser::Error LineError(std::string_view line, ResponseParser::Error otherwise) {
  return line.find_first_of("\r\n") != std::string_view::npos
             ? ResponseParser::Error::kBadLineEnding
             : otherwise;
}

// Whether s[from, size) holds an LF without a CR before it, or a CR followed by anything but
// LF: checked on the bytes of an incomplete head, chunk-size line or trailer section as they
// arrive, so such a response fails at once instead of at the limit or the deadline.
bool HasLoneLineBreak(std::string_view s, size_t from) {
  for (size_t i = from; i < s.size(); ++i) {
    if (s[i] == '\n' && (i == 0 || s[i - 1] != '\r')) return true;
    if (s[i] == '\r' && i + 1 < s.size() && s[i + 1] != '\n') return true;
  }
  return false;
}

// chunk-ext = *( BWS ";" BWS chunk-ext-name [ BWS "=" BWS chunk-ext-val ] ), the value a
// token or a quoted-string (RFC 9112 §7.1.1): true when `s` is exactly that.
bool IsChunkExtensions(std::string_view s) {
  size_t i = 0;
  auto skip_whitespace = [&] {
    while (i < s.size() && IsOws(s[i])) ++i;
  };
  auto token = [&] {
    const size_t start = i;
    while (i < s.size() && IsTokenChar(s[i])) ++i;
    return i > start;
  };
  while (true) {
    skip_whitespace();
    if (i == s.size()) return i == 0 || !IsOws(s[i - 1]);
    if (s[i] != ';') return false;
    ++i;
    skip_whitespace();
    if (!token()) return false;
    const size_t after_name = i;
    skip_whitespace();
    if (i == s.size() || s[i] != '=') {
      i = after_name;  // no value: the whitespace belongs to the next extension
      continue;
    }
    ++i;
    skip_whitespace();
    if (i < s.size() && s[i] == '"') {
      ++i;
      for (;; ++i) {
        if (i == s.size()) return false;
        const char c = s[i];
        if (c == '"') break;
        if (c == '\\') {
          if (++i == s.size() || !IsFieldTextChar(s[i])) return false;
        } else if (!IsFieldTextChar(c)) {
          return false;
        }
      }
      ++i;
    } else if (!token()) {
      return false;
    }
  }
}

}  // namespace

std::string_view ResponseParser::ErrorText(Error error) {
  switch (error) {
    case Error::kNone:
      return "no error";
    case Error::kBadVersion:
      return "the response does not start with HTTP/1.0 or HTTP/1.1";
    case Error::kBadStatus:
      return "the status code is not three digits followed by a space";
    case Error::kBadReason:
      return "the reason phrase holds a control character";
    case Error::kBadLineEnding:
      return "a line ends in a CR or LF alone";
    case Error::kBadField:
      return "a header field is not `name: value` (a token, then text without control "
             "characters)";
    case Error::kObsFold:
      return "a header field is continued on the next line (obsolete line folding)";
    case Error::kHeaderLimit:
      return "the response head is larger than max_header_bytes";
    case Error::kBadContentLength:
      return "Content-Length is not a decimal number, or its values differ";
    case Error::kUnsupportedCoding:
      return "Transfer-Encoding is not exactly `chunked`";
    case Error::kTransferEncodingAndLength:
      return "Transfer-Encoding is sent together with Content-Length";
    case Error::kBadConnection:
      return "Connection is not a list of tokens";
    case Error::kUpgrade:
      return "101 Switching Protocols, but no upgrade was asked for";
    case Error::kBadChunk:
      return "a chunk-size line or the CRLF after a chunk is malformed";
    case Error::kChunkLineLimit:
      return "a chunk-size line is longer than max_header_bytes";
    case Error::kTrailerLimit:
      return "the trailer fields are larger than max_header_bytes";
    case Error::kTruncated:
      return "the stream ended before the response was complete";
  }
  return "unknown error";
}

ResponseParser::ResponseParser(bool head_request, uint32_t max_header_bytes)
    : head_request_(head_request), max_header_bytes_(max_header_bytes) {}

bool ResponseParser::keep_alive() const {
  if (framing_ == Framing::kToEof) return false;
  return version_ >= 11 ? !connection_close_ : connection_keep_alive_;
}

ResponseParser::Step ResponseParser::Fail(Step step, Error error) {
  state_ = State::kFailed;
  error_ = error;
  step.body = {};
  step.error = error;
  return step;
}

ResponseParser::Error ResponseParser::Finish() {
  if (state_ == State::kToEof) state_ = State::kDone;
  if (state_ == State::kDone) return Error::kNone;
  if (state_ != State::kFailed) {
    state_ = State::kFailed;
    error_ = Error::kTruncated;
  }
  return error_;
}

ResponseParser::Step ResponseParser::Parse(std::string_view bytes) {
  if (state_ == State::kFailed) {
    Step step;
    step.error = error_;
    return step;
  }
  if (state_ == State::kHead) return ParseHead(bytes);
  return ParseBody(bytes);
}

void ResponseParser::ResetHead() {
  status_ = 0;
  version_ = 0;
  reason_.clear();
  fields_.clear();
  length_ = 0;
  has_length_ = chunked_ = has_transfer_encoding_ = false;
  connection_close_ = connection_keep_alive_ = false;
}

size_t ResponseParser::FindEnd(std::string_view rest, std::string_view terminator, Error over_limit,
                               Error lone_break, Error* error) {
  const size_t overlap = terminator.size() - 1;  // a terminator may straddle the last search
  const size_t end = rest.substr(0, max_header_bytes_)
                         .find(terminator, scanned_ > overlap ? scanned_ - overlap : 0);
  if (end != std::string_view::npos) {
    scanned_ = 0;
    return end;
  }
  if (rest.size() >= max_header_bytes_) {
    *error = over_limit;
  } else if (HasLoneLineBreak(rest, scanned_ > 0 ? scanned_ - 1 : 0)) {
    *error = lone_break;
  }
  scanned_ = rest.size();
  return std::string_view::npos;
}

ResponseParser::Step ResponseParser::ParseHead(std::string_view bytes) {
  Step step;
  for (;;) {
    const std::string_view rest = bytes.substr(step.consumed);
    // A response that cannot become "HTTP/1.x" fails now, not at the limit or the deadline.
    constexpr std::string_view kPrefix = "HTTP/1.";
    const size_t prefix = std::min(rest.size(), kPrefix.size());
    if (rest.substr(0, prefix) != kPrefix.substr(0, prefix)) {
      return Fail(step, Error::kBadVersion);
    }
    Error error = Error::kNone;
    const size_t end =
        FindEnd(rest, kBlankLine, Error::kHeaderLimit, Error::kBadLineEnding, &error);
    if (error != Error::kNone) return Fail(step, error);
    if (end == std::string_view::npos) return step;  // consumed: interim heads before, if any
    const size_t head_size = end + kBlankLine.size();
    ResetHead();
    if (const Error head_error = ParseHeadLines(rest.substr(0, head_size));
        head_error != Error::kNone) {
      return Fail(step, head_error);
    }
    step.consumed += head_size;
    if (status_ == 101) return Fail(step, Error::kUpgrade);
    if (status_ >= 100 && status_ < 200) continue;  // interim (100, 103): the final one follows
    ChooseFraming();
    return step;
  }
}

ResponseParser::Error ResponseParser::ParseHeadLines(std::string_view head) {
  // status-line = HTTP-version SP status-code SP reason-phrase CRLF. `head` ends with CRLF
  // CRLF, so each check below stops at the first CR before it could index past the end.
  const char* p = head.data();
  if (head.substr(0, 7) != "HTTP/1." || (p[7] != '0' && p[7] != '1') || p[8] != ' ') {
    return LineError(head.substr(0, head.find(kCrlf)), Error::kBadVersion);
  }
  version_ = 10 + (p[7] - '0');
  if (!IsDigit(p[9]) || !IsDigit(p[10]) || !IsDigit(p[11]) || p[12] != ' ') {
    return LineError(head.substr(0, head.find(kCrlf)), Error::kBadStatus);
  }
  status_ = (p[9] - '0') * 100 + (p[10] - '0') * 10 + (p[11] - '0');
  const char* const reason = p + 13;
  p = reason;
  while (IsFieldTextChar(*p)) ++p;
  if (p[0] != '\r' || p[1] != '\n') {
    return LineError(head.substr(0, head.find(kCrlf)), Error::kBadReason);
  }
  reason_.assign(reason, p);
  fields_.reserve(kExpectedFields);
  return ParseFieldLines(head.substr(static_cast<size_t>(p + 2 - head.data())), false);
}

ResponseParser::Error ResponseParser::ParseFieldLines(std::string_view lines, bool trailers) {
  // One pass, each loop stopping at a character class boundary; `lines` ends with the blank
  // line's CRLF, whose CR stops every loop, so none reads past the end.
  const char* p = lines.data();
  const char* const end = p + lines.size();
  for (;;) {
    const char* const line = p;
    auto line_error = [&](Error otherwise) {
      const std::string_view rest(line, static_cast<size_t>(end - line));
      return LineError(rest.substr(0, rest.find(kCrlf)), otherwise);
    };
    if (*p == '\r') {  // the blank line (the first CRLF CRLF ends `lines`), or a CR alone
      return p[1] == '\n' && p + 2 == end ? Error::kNone : Error::kBadLineEnding;
    }
    if (IsOws(*p)) return Error::kObsFold;
    while (IsTokenChar(*p)) ++p;
    if (*p != ':' || p == line) return line_error(Error::kBadField);
    const std::string_view name(line, static_cast<size_t>(p - line));
    ++p;
    while (IsOws(*p)) ++p;
    const char* const value = p;
    while (IsFieldTextChar(*p)) ++p;
    if (p[0] != '\r' || p[1] != '\n') return line_error(Error::kBadField);
    const char* value_end = p;
    while (value_end > value && IsOws(value_end[-1])) --value_end;
    p += 2;
    // A continuation line is refused before the field is judged: the field's value would be
    // the two lines joined, so "Content-Length:" + " 1" is obs-fold, not an empty length.
    if (IsOws(*p)) return Error::kObsFold;
    const std::string_view value_text(value, static_cast<size_t>(value_end - value));
    if (const Error error = ApplyField(name, value_text); error != Error::kNone) return error;
    if (!trailers) {
      fields_.emplace_back(std::piecewise_construct, std::forward_as_tuple(name),
                           std::forward_as_tuple(value_text));
    }
  }
}

ResponseParser::Error ResponseParser::ApplyField(std::string_view name, std::string_view value) {
  if (EqualsLower(name, "content-length")) {
    if (has_transfer_encoding_) return Error::kTransferEncodingAndLength;
    const bool ok = ForEachListElement(value, false, [&](std::string_view element) {
      uint64_t length;
      if (!ParseDecimal(element, length)) return false;
      if (has_length_ && length != length_) return false;
      length_ = length;
      has_length_ = true;
      return true;
    });
    return ok ? Error::kNone : Error::kBadContentLength;
  }
  if (EqualsLower(name, "transfer-encoding")) {
    if (has_length_) return Error::kTransferEncodingAndLength;
    // Exactly one `chunked` in one Transfer-Encoding field, and nothing else: a second field
    // (even empty) is refused, in the trailers too.
    if (has_transfer_encoding_) return Error::kUnsupportedCoding;
    const bool ok = ForEachListElement(value, true, [&](std::string_view element) {
      if (chunked_ || !EqualsLower(element, "chunked")) return false;
      chunked_ = true;
      return true;
    });
    has_transfer_encoding_ = true;
    return ok && chunked_ ? Error::kNone : Error::kUnsupportedCoding;
  }
  if (EqualsLower(name, "connection") || EqualsLower(name, "proxy-connection")) {
    const bool ok = ForEachListElement(value, true, [&](std::string_view element) {
      if (!IsToken(element)) return false;
      if (EqualsLower(element, "close")) connection_close_ = true;
      if (EqualsLower(element, "keep-alive")) connection_keep_alive_ = true;
      return true;
    });
    return ok ? Error::kNone : Error::kBadConnection;
  }
  return Error::kNone;
}

void ResponseParser::ChooseFraming() {
  const bool no_body = head_request_ || status_ / 100 == 1 || status_ == 204 || status_ == 304;
  if (no_body || (has_length_ && length_ == 0)) {
    framing_ = Framing::kNone;
    state_ = State::kDone;
  } else if (has_length_) {
    framing_ = Framing::kContentLength;
    remaining_ = length_;
    state_ = State::kLength;
  } else if (chunked_) {
    framing_ = Framing::kChunked;
    state_ = State::kChunkLine;
  } else {
    framing_ = Framing::kToEof;
    state_ = State::kToEof;
  }
}

ResponseParser::Step ResponseParser::ParseBody(std::string_view bytes) {
  Step step;
  for (;;) {
    const std::string_view rest = bytes.substr(step.consumed);
    switch (state_) {
      case State::kLength:
      case State::kChunkData: {
        const size_t take = static_cast<size_t>(std::min<uint64_t>(remaining_, rest.size()));
        step.body = rest.substr(0, take);
        step.consumed += take;
        remaining_ -= take;
        if (remaining_ == 0) state_ = state_ == State::kLength ? State::kDone : State::kChunkEnd;
        return step;
      }
      case State::kToEof:
        step.body = rest;
        step.consumed += rest.size();
        return step;
      case State::kChunkEnd:
        if (rest.size() < kCrlf.size()) {
          if (!rest.empty() && rest[0] != '\r') return Fail(step, Error::kBadChunk);
          return step;
        }
        if (rest.substr(0, 2) != kCrlf) return Fail(step, Error::kBadChunk);
        step.consumed += kCrlf.size();
        state_ = State::kChunkLine;
        continue;
      case State::kChunkLine: {
        Error error = Error::kNone;
        const size_t end = FindEnd(rest, kCrlf, Error::kChunkLineLimit, Error::kBadChunk, &error);
        if (error != Error::kNone) return Fail(step, error);
        if (end == std::string_view::npos) return step;
        const std::string_view line = rest.substr(0, end);
        size_t digits = 0;
        uint64_t size = 0;
        for (; digits < line.size(); ++digits) {
          const int v = HexValue(line[digits]);
          if (v < 0) break;
          if (size > (std::numeric_limits<uint64_t>::max() >> 4)) {
            return Fail(step, Error::kBadChunk);
          }
          size = size * 16 + static_cast<uint64_t>(v);
        }
        if (digits == 0 || !IsChunkExtensions(line.substr(digits))) {
          return Fail(step, Error::kBadChunk);
        }
        step.consumed += end + kCrlf.size();
        if (size == 0) {
          state_ = State::kTrailers;
        } else {
          remaining_ = size;
          state_ = State::kChunkData;
        }
        continue;
      }
      case State::kTrailers: {
        // trailer-section CRLF (RFC 9112 §7.1): usually no fields, just the CRLF.
        if (rest.size() < kCrlf.size()) return step;
        if (rest.substr(0, kCrlf.size()) == kCrlf) {
          step.consumed += kCrlf.size();
          state_ = State::kDone;
          return step;
        }
        // Fields: parsed once the blank line after them has arrived.
        Error error = Error::kNone;
        const size_t end =
            FindEnd(rest, kBlankLine, Error::kTrailerLimit, Error::kBadLineEnding, &error);
        if (error != Error::kNone) return Fail(step, error);
        if (end == std::string_view::npos) return step;
        const size_t size = end + kBlankLine.size();
        if (const Error field_error = ParseFieldLines(rest.substr(0, size), true);
            field_error != Error::kNone) {
          return Fail(step, field_error);
        }
        step.consumed += size;
        state_ = State::kDone;
        return step;
      }
      case State::kHead:
      case State::kDone:
      case State::kFailed:
        return step;
    }
  }
}

}  // namespace shadowdiff
