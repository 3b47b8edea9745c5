// Recorded HTTP/1.x messages as raw bytes (what GoReplay stores: the request or response
// exactly as it went over the wire) turned into a Request or Response ready to send again.
//
// A message is a start line, header lines, an empty line and a body framed by
// Transfer-Encoding: chunked (decoded here), Content-Length, or — for a response without
// either — the end of the bytes. Lines may end in CRLF or a bare LF; an obs-fold continuation
// line is joined to its header with one space. A request's absolute-form target becomes
// origin-form (its authority becomes Host when there is none); hop-by-hop headers and
// Content-Length are dropped as every capture reader drops them (entry_normalize.h).
// Interim 1xx responses (other than 101) before the final one are skipped.
//
// Not Boost.Beast: the core does not depend on Boost, and recordings need leniency Beast's
// parser refuses (bare LF line endings). Pure functions; no I/O.
#ifndef SHADOWDIFF_REPLAY_RAW_HTTP_MESSAGE_H_
#define SHADOWDIFF_REPLAY_RAW_HTTP_MESSAGE_H_

#include <string>
#include <string_view>

#include "src/core/exchange.h"
#include "src/core/result.h"

namespace shadowdiff {

enum class RawMessageKind { kRequest, kResponse };

// Whether `bytes` hold a whole message as its framing describes it.
enum class RawMessageExtent {
  kComplete,    // the message ends at the end of `bytes` (trailing CR/LF bytes allowed)
  kIncomplete,  // its framing asks for more bytes than there are
  kInvalid,     // unparsable, or bytes follow the message
};
RawMessageExtent MeasureRawMessage(std::string_view bytes, RawMessageKind kind);

// One recorded request. Error (what is wrong, e.g. a body cut short of its Content-Length)
// when `bytes` are not exactly one HTTP/1.0 or 1.1 request (trailing CR/LF bytes allowed).
Result<Request> ParseRawRequest(std::string_view bytes);

// One recorded response (after any interim 1xx) to a request with `request_method` (a
// response to HEAD has no body). Error as for requests.
Result<Response> ParseRawResponse(std::string_view bytes, std::string_view request_method);

// `bytes` from a recording as an error message shows them: in backquotes, at most 60 bytes,
// anything unprintable as \xNN.
std::string QuoteRecordedBytes(std::string_view bytes);

}  // namespace shadowdiff

#endif  // SHADOWDIFF_REPLAY_RAW_HTTP_MESSAGE_H_
