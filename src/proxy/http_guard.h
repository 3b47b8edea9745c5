// HTTP guard: the edge's decisions about an inbound HTTP/1.x request head, as pure functions
// over method, target, version and header fields (no sockets, no Beast), so that tests and
// the fuzzer can call them directly.
//
//  - RawHeadScanner finds the end of a request head in raw bytes and refuses what a
//    structured parser would silently repair (obs-fold, bare LF, NUL).
//  - CheckRequestHead refuses request-smuggling openings and malformed heads, and says how
//    the body is framed. Everything it refuses is answered by the edge and the connection is
//    closed; nothing refused reaches a backend.
//  - StripHopByHop / StripShadowHeaders / AppendForwardedFor rewrite header lists on the way
//    through. StripHopByHop is shared by the request and the response direction.
//
// All functions are stateless and thread-safe; RawHeadScanner is a small value owned by one
// connection.
#ifndef SHADOWDIFF_PROXY_HTTP_GUARD_H_
#define SHADOWDIFF_PROXY_HTTP_GUARD_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "src/core/exchange.h"
#include "src/proxy/http_syntax.h"  // IsTokenChar, EqualsLower, ... (also for callers)

namespace shadowdiff {

// Why the edge refuses a request. `status` is the HTTP status it answers with (then closes);
// `reason` is a short fixed phrase for the log and the response body (static storage).
struct Refusal {
  int status = 0;
  std::string_view reason;
};

// Finds where a request head ends in bytes that arrive piecemeal. Feed it the whole buffered
// input each time (it resumes where it stopped, so a trickled head costs O(n) in total).
// Leading empty lines before the request line are skipped (RFC 9112 §2.2).
class RawHeadScanner {
 public:
  enum class State {
    kNeedMore,  // no complete head yet
    kComplete,  // head() is [head_begin, head_end): request line through the empty line
    kRefused,   // refusal() says why; the connection must be answered and closed
  };

  explicit RawHeadScanner(size_t max_head_bytes) : max_head_bytes_(max_head_bytes) {}

  // `input` must start with the bytes given to the previous call (more may follow).
  State Feed(std::string_view input);

  size_t head_begin() const { return head_begin_; }  // after skipped leading CRLFs
  size_t head_end() const { return head_end_; }      // one past the final CRLF CRLF
  const Refusal& refusal() const { return refusal_; }

 private:
  State Refuse(int status, std::string_view reason);

  size_t max_head_bytes_;
  size_t pos_ = 0;
  size_t head_begin_ = 0;
  size_t head_end_ = 0;
  size_t line_start_ = 0;
  bool in_head_ = false;  // past the leading empty lines
  State state_ = State::kNeedMore;
  Refusal refusal_;
};

// How the request body is framed, once the head is accepted.
struct BodyFraming {
  enum class Kind { kNone, kContentLength, kChunked };
  Kind kind = Kind::kNone;
  uint64_t content_length = 0;  // for kContentLength
};

struct HeadVerdict {
  bool ok() const { return refusal.status == 0; }
  Refusal refusal;               // status 0 when accepted
  BodyFraming framing;           // valid when ok()
  bool expect_continue = false;  // HTTP/1.1 `Expect: 100-continue`: send 100 before the body
};

// Checks a parsed request head. `version` is 10 or 11 style (major*10+minor).
// Refusals (the status in parentheses):
//  - request line: method not a token, target not origin-form / absolute-form / `*` with
//    OPTIONS (400); CONNECT (501); version other than HTTP/1.0 or HTTP/1.1 (505);
//  - header names that are empty or not tokens, values with CR, LF or NUL (400);
//  - Transfer-Encoding: any value other than exactly `chunked`, repeated, on HTTP/1.0, or
//    together with Content-Length (400);
//  - Content-Length: repeated (even with equal values), a list, non-digits, or beyond
//    2^64-1 (400); larger than `max_body_bytes` (413);
//  - Host: missing on HTTP/1.1 or repeated (400) (RFC 9112 §3.2);
//  - Expect: anything but `100-continue` (417).
HeadVerdict CheckRequestHead(std::string_view method, std::string_view target, unsigned version,
                             const HeaderList& headers, uint64_t max_body_bytes);

// Removes hop-by-hop fields: Connection and every field it names, Keep-Alive,
// Proxy-Connection, Proxy-Authenticate, Proxy-Authorization, TE, Trailer,
// Transfer-Encoding, Upgrade. For requests and responses alike.
void StripHopByHop(HeaderList& headers);

// Removes every field whose name starts with `Shadow-` (any case): a client can never speak
// the rollback protocol (SPEC.md).
void StripShadowHeaders(HeaderList& headers);

// Appends `client_ip` to the X-Forwarded-For chain and a `for=` element to Forwarded
// (RFC 7239: IPv6 as "[v6]" in quotes). Existing fields of each name are merged into one
// field, in order, with the new element last.
void AppendForwardedFor(HeaderList& headers, std::string_view client_ip);

// The RFC 7239 `for=` node for an IP address: `192.0.2.1` or `"[2001:db8::1]"`.
std::string ForwardedNode(std::string_view client_ip);

}  // namespace shadowdiff

#endif  // SHADOWDIFF_PROXY_HTTP_GUARD_H_
