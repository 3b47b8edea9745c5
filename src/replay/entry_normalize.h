// The pieces the capture readers (JSONL, HAR, GoReplay) need to turn what a file recorded into a
// request that can be sent again: timestamps, absolute URLs, and header lists cleaned of
// what belongs to the recorded connection rather than to the request. Pure functions.
#ifndef SHADOWDIFF_REPLAY_ENTRY_NORMALIZE_H_
#define SHADOWDIFF_REPLAY_ENTRY_NORMALIZE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "src/core/exchange.h"

namespace shadowdiff {

// RFC 3339 / ISO 8601 date-time ("2026-11-22T20:01:02.123Z", "...+02:00", fraction
// optional, 'T' or ' ') as Unix milliseconds; nullopt when it is not one.
std::optional<int64_t> ParseTimestampMillis(std::string_view text);

// A request-target for the request line: origin-form "/path?query" as it is; an absolute
// URL ("https://host:8443/path?q#frag") loses its scheme, authority and fragment, and its
// authority goes to `*authority` (when not null). "" when `url` is neither.
std::string OriginFormTarget(std::string_view url, std::string* authority = nullptr);

// Removes what a re-sent request must not carry from the recording: hop-by-hop fields
// (Connection and the fields it names, Keep-Alive, Transfer-Encoding, TE, Trailer, Upgrade,
// Proxy-Connection), Content-Length (the sender frames the body itself), and HTTP/2
// pseudo-headers (":authority" becomes Host when there is none; `authority` is the fallback
// Host from an absolute URL).
void CleanRequestHeaders(HeaderList* headers, std::string_view authority = "");

// The same for a recorded response that will be served again (hop-by-hop fields,
// Content-Length, pseudo-headers).
void CleanResponseHeaders(HeaderList* headers);

// Why `request` cannot be sent as it is, or "" when it can: the method must be an HTTP token,
// the target must start with '/' (or be "*") and hold no space or control byte, header names
// must be tokens and values must hold no CR, LF or NUL. A capture is untrusted input: a target
// with "\r\n" in it would otherwise add header lines to the request replay sends.
std::string RequestProblem(const Request& request);

}  // namespace shadowdiff

#endif  // SHADOWDIFF_REPLAY_ENTRY_NORMALIZE_H_
