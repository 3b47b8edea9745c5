#include "comparators/body_codec/content_decoder.h"

#include <zlib.h>

#include <algorithm>
#include <climits>
#include <vector>

#include "src/core/exchange.h"

namespace shadowdiff {
namespace {

enum class Coding { kGzip, kDeflate };

constexpr size_t kInitialBufferBytes = 16 * 1024;

std::string_view CodingName(Coding coding) { return coding == Coding::kGzip ? "gzip" : "deflate"; }

// True if `in` starts with a zlib (RFC 1950) header: CM = 8, CINFO <= 7, FCHECK valid.
bool HasZlibHeader(std::string_view in) {
  if (in.size() < 2) return false;
  unsigned b0 = static_cast<unsigned char>(in[0]);
  unsigned b1 = static_cast<unsigned char>(in[1]);
  return (b0 & 0x0F) == 8 && (b0 >> 4) <= 7 && ((b0 << 8) | b1) % 31 == 0;
}

// Ends a z_stream however the function returns.
class InflateStream {
 public:
  InflateStream() = default;
  ~InflateStream() {
    if (initialised_) inflateEnd(&zs_);
  }
  InflateStream(const InflateStream&) = delete;
  InflateStream& operator=(const InflateStream&) = delete;

  bool Init(int window_bits) {
    initialised_ = inflateInit2(&zs_, window_bits) == Z_OK;
    return initialised_;
  }
  z_stream& zs() { return zs_; }

 private:
  z_stream zs_{};
  bool initialised_ = false;
};

// Resizes `out` to `size`, keeping its first `keep` bytes, without ever reserving more than
// `size` (std::string growth may otherwise double the capacity past the cap).
void GrowExactly(std::string* out, size_t keep, size_t size) {
  if (size <= out->capacity()) {
    out->resize(size);
    return;
  }
  std::string fresh;
  fresh.reserve(size);
  fresh.assign(out->data(), keep);
  fresh.resize(size);
  out->swap(fresh);
}

struct StageResult {
  BodyProblem problem = BodyProblem::kNone;
  std::string detail;
};

StageResult Fail(BodyProblem problem, std::string detail) { return {problem, std::move(detail)}; }

// Inflates `in` into `*out` (resized to exactly the decoded size), stopping at max_bytes.
StageResult Inflate(std::string_view in, Coding coding, size_t max_bytes, std::string* out) {
  std::string name(CodingName(coding));
  int window_bits = coding == Coding::kGzip ? 16 + MAX_WBITS
                    : HasZlibHeader(in)     ? MAX_WBITS
                                            : -MAX_WBITS;  // raw deflate
  InflateStream stream;
  if (!stream.Init(window_bits))
    return Fail(BodyProblem::kDecodeError, name + ": zlib init failed");
  z_stream& zs = stream.zs();

  out->clear();
  GrowExactly(out, 0, std::min(max_bytes, std::max(kInitialBufferBytes, in.size() * 4)));
  size_t produced = 0;
  size_t consumed = 0;  // input bytes handed to zlib so far
  for (;;) {
    // Output window: the rest of the buffer, grown up to the cap; at the cap, one probe byte
    // that only asks "is there more?" and is never kept.
    char probe = 0;
    bool probing = false;
    if (produced == out->size()) {
      if (out->size() < max_bytes) {
        GrowExactly(out, produced,
                    std::min(max_bytes, std::max(kInitialBufferBytes, out->size() * 2)));
      } else {
        probing = true;
      }
    }
    if (probing) {
      zs.next_out = reinterpret_cast<Bytef*>(&probe);
      zs.avail_out = 1;
    } else {
      zs.next_out = reinterpret_cast<Bytef*>(out->data() + produced);
      zs.avail_out = static_cast<uInt>(std::min<size_t>(out->size() - produced, UINT_MAX));
    }
    if (zs.avail_in == 0 && consumed < in.size()) {
      size_t chunk = std::min<size_t>(in.size() - consumed, UINT_MAX);
      zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data() + consumed));
      zs.avail_in = static_cast<uInt>(chunk);
      consumed += chunk;
    }

    int ret = inflate(&zs, Z_NO_FLUSH);
    if (probing) {
      if (zs.avail_out == 0) {
        out->resize(produced);
        return Fail(BodyProblem::kTooLarge,
                    name + ": decoded body exceeds the " + std::to_string(max_bytes) + "-byte cap");
      }
    } else {
      produced = reinterpret_cast<char*>(zs.next_out) - out->data();
    }
    size_t unread = zs.avail_in + (in.size() - consumed);

    switch (ret) {
      case Z_OK:
        break;
      case Z_STREAM_END:
        if (unread == 0) {
          out->resize(produced);
          return {};
        }
        if (coding == Coding::kDeflate) {
          return Fail(BodyProblem::kDecodeError,
                      name + ": " + std::to_string(unread) + " trailing bytes after the stream");
        }
        // Another gzip member follows (RFC 1952 allows several); decode it too.
        if (inflateReset(&zs) != Z_OK) {
          return Fail(BodyProblem::kDecodeError, name + ": zlib reset failed");
        }
        break;
      case Z_BUF_ERROR:
        // No progress possible: either the output window is full (grow and go on) or the
        // input ended before the stream did.
        if (zs.avail_out == 0) break;
        return Fail(BodyProblem::kDecodeError, name + ": truncated stream (input ended after " +
                                                   std::to_string(produced) + " decoded bytes)");
      case Z_NEED_DICT:
        return Fail(BodyProblem::kDecodeError, name + ": stream needs a preset dictionary");
      case Z_MEM_ERROR:
        return Fail(BodyProblem::kDecodeError, name + ": zlib out of memory");
      default:  // Z_DATA_ERROR, Z_STREAM_ERROR
        return Fail(BodyProblem::kDecodeError,
                    name + ": corrupt data (" + (zs.msg ? zs.msg : "invalid stream") + ")");
    }
  }
}

std::string_view TrimOws(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

DecodedBody DecodeContent(std::string_view body, std::string_view content_encoding,
                          size_t max_bytes, DecodeBuffers& buffers) {
  DecodedBody result;
  result.bytes = body;
  if (body.empty()) return result;

  // Parse the coding list in the order applied; identity and empty list members are no-ops.
  std::vector<Coding> codings;
  size_t start = 0;
  while (start <= content_encoding.size()) {
    size_t comma = content_encoding.find(',', start);
    if (comma == std::string_view::npos) comma = content_encoding.size();
    std::string_view token = TrimOws(content_encoding.substr(start, comma - start));
    start = comma + 1;
    if (token.empty() || EqualsIgnoreCase(token, "identity")) continue;
    if (EqualsIgnoreCase(token, "gzip") || EqualsIgnoreCase(token, "x-gzip")) {
      codings.push_back(Coding::kGzip);
    } else if (EqualsIgnoreCase(token, "deflate")) {
      codings.push_back(Coding::kDeflate);
    } else {
      result.problem = BodyProblem::kDecodeError;
      result.detail = "unsupported Content-Encoding '" + std::string(token) +
                      "' (shadowdiff decodes gzip, x-gzip, deflate, identity)";
      return result;
    }
    if (codings.size() > kMaxCodings) {
      result.problem = BodyProblem::kDecodeError;
      result.detail = "more than " + std::to_string(kMaxCodings) + " Content-Encodings";
      return result;
    }
  }

  // Undo them last-applied first, alternating between the two buffers.
  std::string_view current = body;
  bool use_a = true;
  for (auto it = codings.rbegin(); it != codings.rend(); ++it) {
    std::string* out = use_a ? &buffers.a : &buffers.b;
    use_a = !use_a;
    StageResult stage = Inflate(current, *it, max_bytes, out);
    if (stage.problem == BodyProblem::kDecodeError) {
      result.problem = stage.problem;
      result.detail = std::move(stage.detail);
      return result;  // bytes: the input, as received
    }
    current = *out;
    if (stage.problem == BodyProblem::kTooLarge) {
      result.bytes = current;
      result.problem = stage.problem;
      result.detail = std::move(stage.detail);
      return result;
    }
  }
  result.bytes = current;
  return result;
}

}  // namespace shadowdiff
