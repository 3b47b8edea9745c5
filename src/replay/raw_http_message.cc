#include "src/replay/raw_http_message.h"

#include <cctype>
#include <cstdint>
#include <cstring>
#include <string>

#include "src/replay/entry_normalize.h"

namespace shadowdiff {
namespace {

struct Framing {
  enum class Kind { kNone, kLength, kChunked, kToEnd };
  Kind kind = Kind::kNone;
  uint64_t length = 0;  // kLength
};

struct Head {
  std::string method;  // requests
  std::string target;  // requests, as on the request line
  int status = 0;      // responses
  HeaderList headers;
  size_t size = 0;  // start line + header lines + the empty line
  Framing framing;
};

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool IsTchar(unsigned char c) {
  return std::isalnum(c) != 0 || (c != 0 && std::strchr("!#$%&'*+-.^_`|~", c) != nullptr);
}

bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s) {
    if (!IsTchar(c)) return false;
  }
  return true;
}

bool OnlyLineEnds(std::string_view s) { return s.find_first_not_of("\r\n") == s.npos; }

// The line at *pos without its LF (and a CR before it); *pos moves past the LF. False when no
// LF follows.
bool NextLine(std::string_view bytes, size_t* pos, std::string_view* line) {
  const size_t lf = bytes.find('\n', *pos);
  if (lf == bytes.npos) return false;
  *line = bytes.substr(*pos, lf - *pos);
  if (!line->empty() && line->back() == '\r') line->remove_suffix(1);
  *pos = lf + 1;
  return true;
}

Status ParseRequestLine(std::string_view line, Head* head) {
  const size_t sp1 = line.find(' ');
  const size_t sp2 = sp1 == line.npos ? line.npos : line.find(' ', sp1 + 1);
  if (sp2 == line.npos || line.find(' ', sp2 + 1) != line.npos) {
    return Error{"the request line " + QuoteRecordedBytes(line) +
                 " is not `METHOD TARGET HTTP/1.x`"};
  }
  const std::string_view method = line.substr(0, sp1);
  const std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
  const std::string_view version = line.substr(sp2 + 1);
  if (!IsToken(method))
    return Error{"the request method " + QuoteRecordedBytes(method) + " is not a token"};
  if (target.empty())
    return Error{"the request line " + QuoteRecordedBytes(line) + " has no target"};
  for (unsigned char c : target) {
    if (c <= 0x20 || c == 0x7f) {
      return Error{"the request target " + QuoteRecordedBytes(target) +
                   " holds a control character"};
    }
  }
  if (version != "HTTP/1.1" && version != "HTTP/1.0") {
    return Error{"only HTTP/1.0 and HTTP/1.1 requests can be read, not " +
                 QuoteRecordedBytes(version)};
  }
  head->method = std::string(method);
  head->target = std::string(target);
  return Status();
}

Status ParseStatusLine(std::string_view line, Head* head) {
  const bool ok = line.size() >= 12 && line.substr(0, 7) == "HTTP/1." &&
                  (line[7] == '0' || line[7] == '1') && line[8] == ' ' && line[9] >= '1' &&
                  line[9] <= '9' && std::isdigit(static_cast<unsigned char>(line[10])) != 0 &&
                  std::isdigit(static_cast<unsigned char>(line[11])) != 0 &&
                  (line.size() == 12 || line[12] == ' ');
  if (!ok) {
    return Error{"the status line " + QuoteRecordedBytes(line) +
                 " is not `HTTP/1.x CODE REASON` (HTTP/1.0 or 1.1, a code from 100 to 999)"};
  }
  head->status = (line[9] - '0') * 100 + (line[10] - '0') * 10 + (line[11] - '0');
  return Status();
}

// Content-Length: every value (and every element of a comma-separated list) the same number.
Status ParseContentLength(const HeaderList& headers, bool* present, uint64_t* length) {
  *present = false;
  for (const auto& [name, value] : headers) {
    if (!EqualsIgnoreCase(name, "content-length")) continue;
    size_t start = 0;
    while (start <= value.size()) {
      size_t comma = value.find(',', start);
      if (comma == value.npos) comma = value.size();
      const std::string_view item = Trim(std::string_view(value).substr(start, comma - start));
      uint64_t n = 0;
      if (item.empty() || item.size() > 18) {
        return Error{"Content-Length " + QuoteRecordedBytes(value) + " is not a number of bytes"};
      }
      for (char c : item) {
        if (c < '0' || c > '9') {
          return Error{"Content-Length " + QuoteRecordedBytes(value) + " is not a number of bytes"};
        }
        n = n * 10 + static_cast<uint64_t>(c - '0');
      }
      if (*present && n != *length) {
        return Error{"the Content-Length headers disagree (" + std::to_string(*length) + " and " +
                     std::to_string(n) + ")"};
      }
      *present = true;
      *length = n;
      start = comma + 1;
    }
  }
  return Status();
}

// RFC 9112 section 6.3, for what a recording can say (no connection state).
Status ParseFraming(RawMessageKind kind, Head* head) {
  std::string codings;
  bool has_te = false;
  for (const auto& [name, value] : head->headers) {
    if (!EqualsIgnoreCase(name, "transfer-encoding")) continue;
    has_te = true;
    codings += codings.empty() ? value : "," + value;
  }
  bool has_length = false;
  uint64_t length = 0;
  if (Status s = ParseContentLength(head->headers, &has_length, &length); !s.ok()) return s;
  const bool request = kind == RawMessageKind::kRequest;
  if (!request && (head->status < 200 || head->status == 204 || head->status == 304)) {
    head->framing.kind = Framing::Kind::kNone;
  } else if (has_te) {
    const size_t comma = codings.rfind(',');
    const std::string_view last =
        Trim(std::string_view(codings).substr(comma == codings.npos ? 0 : comma + 1));
    if (EqualsIgnoreCase(last, "chunked")) {
      head->framing.kind = Framing::Kind::kChunked;
    } else if (request) {
      return Error{"Transfer-Encoding " + QuoteRecordedBytes(codings) +
                   " does not end in chunked: the request's body has no length"};
    } else {
      head->framing.kind = Framing::Kind::kToEnd;
    }
  } else if (has_length) {
    head->framing = {Framing::Kind::kLength, length};
  } else {
    head->framing.kind = request ? Framing::Kind::kNone : Framing::Kind::kToEnd;
  }
  return Status();
}

Result<Head> ParseHead(std::string_view bytes, RawMessageKind kind) {
  Head head;
  size_t pos = 0;
  std::string_view line;
  if (!NextLine(bytes, &pos, &line)) {
    return Error{"the message head does not end (no line end after " + QuoteRecordedBytes(bytes) +
                 ")"};
  }
  Status start = kind == RawMessageKind::kRequest ? ParseRequestLine(line, &head)
                                                  : ParseStatusLine(line, &head);
  if (!start.ok()) return start.error();
  for (size_t number = 2;; ++number) {
    if (!NextLine(bytes, &pos, &line)) {
      return Error{"the message head does not end (no empty line after the headers)"};
    }
    if (line.empty()) break;
    // Errors name a header but never show its value (it may be a credential).
    const size_t colon = line.find(':');
    const std::string where = "head line " + std::to_string(number);
    if (line.find_first_of(std::string_view("\0\r", 2)) != line.npos) {
      return Error{where + " holds a NUL or CR byte" +
                   (colon == line.npos
                        ? ""
                        : " (header " + QuoteRecordedBytes(line.substr(0, colon)) + ")")};
    }
    if (line.front() == ' ' || line.front() == '\t') {  // obs-fold
      if (head.headers.empty()) return Error{where + " continues a header but none precedes it"};
      head.headers.back().second += " " + std::string(Trim(line));
      continue;
    }
    if (colon == line.npos) return Error{where + " has no `:` (a header is `Name: value`)"};
    if (!IsToken(line.substr(0, colon))) {
      return Error{where + ": " + QuoteRecordedBytes(line.substr(0, colon)) +
                   " is not a header name"};
    }
    head.headers.emplace_back(std::string(line.substr(0, colon)),
                              std::string(Trim(line.substr(colon + 1))));
  }
  head.size = pos;
  if (Status s = ParseFraming(kind, &head); !s.ok()) return s.error();
  return head;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

enum class Chunked { kDone, kNeedMore, kBad };

// Walks a chunked body at the start of `bytes` (trailer fields are skipped). On kDone *end is
// where the body ends; the chunks' data is appended to `out` unless it is null.
Chunked WalkChunked(std::string_view bytes, std::string* out, size_t* end, std::string* error) {
  size_t pos = 0;
  std::string_view line;
  for (;;) {
    if (!NextLine(bytes, &pos, &line)) return Chunked::kNeedMore;
    const std::string_view hex = Trim(line.substr(0, line.find(';')));
    uint64_t size = 0;
    bool ok = !hex.empty() && hex.size() <= 15;
    for (size_t i = 0; ok && i < hex.size(); ++i) {
      const int digit = HexDigit(hex[i]);
      ok = digit >= 0;
      if (ok) size = size * 16 + static_cast<uint64_t>(digit);
    }
    if (!ok) {
      *error = "the chunk size line " + QuoteRecordedBytes(line) + " is not a hexadecimal size";
      return Chunked::kBad;
    }
    if (size == 0) {
      for (;;) {
        if (!NextLine(bytes, &pos, &line)) return Chunked::kNeedMore;
        if (line.empty()) {
          *end = pos;
          return Chunked::kDone;
        }
      }
    }
    if (bytes.size() - pos < size) return Chunked::kNeedMore;
    if (out != nullptr) out->append(bytes.substr(pos, size));
    pos += size;
    if (pos < bytes.size() && bytes[pos] == '\r') ++pos;
    if (pos >= bytes.size()) return Chunked::kNeedMore;
    if (bytes[pos] != '\n') {
      *error = "a chunk's data is not followed by a line end (its size is wrong?)";
      return Chunked::kBad;
    }
    ++pos;
  }
}

constexpr char kCutShort[] =
    ": the recording is cut short (GoReplay cuts messages longer than its --copy-buffer-size)";

// Checks the body that `framing` delimits at the start of `rest` (every byte after the head of
// a `kind` message) and that nothing but line ends follows it; stores its data in `body`
// unless that is null.
Status TakeBody(const Framing& framing, RawMessageKind kind, std::string_view rest,
                std::string* body) {
  size_t end = 0;
  switch (framing.kind) {
    case Framing::Kind::kNone:
      break;
    case Framing::Kind::kToEnd:
      end = rest.size();
      if (body != nullptr) *body = std::string(rest);
      break;
    case Framing::Kind::kLength:
      if (rest.size() < framing.length) {
        return Error{"the body ends after " + std::to_string(rest.size()) + " of its " +
                     std::to_string(framing.length) + " bytes (Content-Length)" + kCutShort};
      }
      end = static_cast<size_t>(framing.length);
      if (body != nullptr) *body = std::string(rest.substr(0, end));
      break;
    case Framing::Kind::kChunked: {
      std::string error;
      const Chunked state = WalkChunked(rest, body, &end, &error);
      if (state == Chunked::kNeedMore) {
        return Error{"the chunked body ends before its last chunk" + std::string(kCutShort)};
      }
      if (state == Chunked::kBad) return Error{error};
      break;
    }
  }
  if (!OnlyLineEnds(rest.substr(end))) {
    std::string why = "as its framing delimits it";
    if (framing.kind == Framing::Kind::kNone) {
      why = kind == RawMessageKind::kRequest
                ? "(it has neither Content-Length nor Transfer-Encoding)"
                : "(a response to HEAD, or with status 1xx, 204 or 304, has no body)";
    }
    return Error{std::to_string(rest.size() - end) + " bytes follow the end of the message " + why};
  }
  return Status();
}

// The final response's head, after skipping interim 1xx responses (not 101) that other bytes
// follow; *offset is where it starts in `bytes`.
Result<Head> FinalResponseHead(std::string_view bytes, size_t* offset) {
  *offset = 0;
  for (;;) {
    auto head = ParseHead(bytes.substr(*offset), RawMessageKind::kResponse);
    if (!head.ok()) return head;
    const size_t next = *offset + head->size;
    if (head->status >= 200 || head->status == 101 || OnlyLineEnds(bytes.substr(next))) {
      return head;
    }
    *offset = next;
  }
}

}  // namespace

std::string QuoteRecordedBytes(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "`";
  for (size_t i = 0; i < s.size() && i < 60; ++i) {
    const auto c = static_cast<unsigned char>(s[i]);
    if (c >= 0x20 && c < 0x7f) {
      out.push_back(static_cast<char>(c));
    } else {
      out += "\\x";
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  if (s.size() > 60) out += "...";
  return out + "`";
}

RawMessageExtent MeasureRawMessage(std::string_view bytes, RawMessageKind kind) {
  size_t offset = 0;
  auto head =
      kind == RawMessageKind::kRequest ? ParseHead(bytes, kind) : FinalResponseHead(bytes, &offset);
  if (!head.ok()) return RawMessageExtent::kInvalid;
  const std::string_view rest = bytes.substr(offset + head->size);
  const Framing& framing = head->framing;
  if (framing.kind == Framing::Kind::kLength && rest.size() < framing.length) {
    return RawMessageExtent::kIncomplete;
  }
  if (framing.kind == Framing::Kind::kChunked) {
    size_t end = 0;
    std::string error;
    if (WalkChunked(rest, nullptr, &end, &error) == Chunked::kNeedMore) {
      return RawMessageExtent::kIncomplete;
    }
  }
  return TakeBody(framing, kind, rest, nullptr).ok() ? RawMessageExtent::kComplete
                                                     : RawMessageExtent::kInvalid;
}

Result<Request> ParseRawRequest(std::string_view bytes) {
  auto head = ParseHead(bytes, RawMessageKind::kRequest);
  if (!head.ok()) return head.error();
  Request request;
  if (Status s = TakeBody(head->framing, RawMessageKind::kRequest, bytes.substr(head->size),
                          &request.body);
      !s.ok()) {
    return s.error();
  }
  std::string authority;
  request.target = OriginFormTarget(head->target, &authority);
  if (request.target.empty()) {
    return Error{"the request target " + QuoteRecordedBytes(head->target) +
                 " is neither a path nor an absolute URL (CONNECT cannot be replayed)"};
  }
  request.method = std::move(head->method);
  request.headers = std::move(head->headers);
  CleanRequestHeaders(&request.headers, authority);
  return request;
}

Result<Response> ParseRawResponse(std::string_view bytes, std::string_view request_method) {
  size_t offset = 0;
  auto head = FinalResponseHead(bytes, &offset);
  if (!head.ok()) return head.error();
  Response response;
  response.status = head->status;
  if (head->status != 101) {  // after a 101 come the upgraded protocol's bytes: no body
    if (request_method == "HEAD") head->framing.kind = Framing::Kind::kNone;
    if (Status s = TakeBody(head->framing, RawMessageKind::kResponse,
                            bytes.substr(offset + head->size), &response.body);
        !s.ok()) {
      return s.error();
    }
  }
  response.headers = std::move(head->headers);
  CleanResponseHeaders(&response.headers);
  return response;
}

}  // namespace shadowdiff
