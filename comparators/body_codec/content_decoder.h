// ContentDecoder: undoes an HTTP Content-Encoding so that bodies are compared as the
// application sent them, not as they were compressed.
//
// Supported codings (RFC 9110 section 8.4.1): gzip and x-gzip (also several concatenated
// gzip members), deflate (both the zlib-wrapped form RFC 9110 specifies and the raw
// deflate stream some servers send instead; told apart by the zlib header check), and
// identity. A list "gzip, identity" names codings in the order they were applied; they are
// undone in reverse. Anything else (br, zstd, compress, ...) is a kDecodeError that names
// the coding. At most kMaxCodings codings are undone.
//
// Bounded: decoded output never exceeds `max_bytes`, and no buffer grows beyond it. A body
// that would decode to more (a decompression bomb, or just a big body) stops at the cap
// with kTooLarge, the first `max_bytes` bytes in the result. Corrupt or truncated streams
// are kDecodeError. An empty body decodes to an empty body whatever the coding (HEAD, 204
// and 304 answers carry Content-Encoding without content).
//
// zlib only. Stateless functions; the buffers belong to the caller (one per thread,
// reused), so calls are thread-safe as long as buffers are not shared.
#ifndef SHADOWDIFF_COMPARATORS_BODY_CODEC_CONTENT_DECODER_H_
#define SHADOWDIFF_COMPARATORS_BODY_CODEC_CONTENT_DECODER_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "src/core/diff.h"

namespace shadowdiff {

inline constexpr size_t kMaxCodings = 8;

// Reusable memory for DecodeContent: two buffers, because chained codings ping-pong between
// them. Capacity is kept between calls.
struct DecodeBuffers {
  std::string a;
  std::string b;
};

struct DecodedBody {
  // The decoded bytes. Views the input itself when nothing had to be decoded (identity or
  // no coding), else one of the DecodeBuffers; valid until that memory changes.
  // For kTooLarge: the first max_bytes decoded bytes. For kDecodeError: the input, as is.
  std::string_view bytes;
  BodyProblem problem = BodyProblem::kNone;  // kNone, kTooLarge or kDecodeError
  // For problems: what went wrong, e.g. "gzip: truncated stream (unexpected end of data)"
  // or "unsupported Content-Encoding 'br' (shadowdiff decodes gzip, x-gzip, deflate,
  // identity)".
  std::string detail;
};

// Decodes `body` per the Content-Encoding field value `content_encoding` (all the header's
// field lines joined by ", "; empty means none). Never allocates more than max_bytes per
// buffer.
DecodedBody DecodeContent(std::string_view body, std::string_view content_encoding,
                          size_t max_bytes, DecodeBuffers& buffers);

}  // namespace shadowdiff

#endif  // SHADOWDIFF_COMPARATORS_BODY_CODEC_CONTENT_DECODER_H_
