// Test-only: compresses bytes with zlib, so decoder tests build their inputs with the real
// library rather than checked-in blobs. Header-only; aborts the test on zlib failure.
#ifndef SHADOWDIFF_TESTS_UNIT_COMPARATORS_BODY_CODEC_ZLIB_COMPRESS_H_
#define SHADOWDIFF_TESTS_UNIT_COMPARATORS_BODY_CODEC_ZLIB_COMPRESS_H_

#include <zlib.h>

#include <cstdlib>
#include <string>
#include <string_view>

namespace shadowdiff::testing {

enum class ZFormat { kGzip, kZlib, kRawDeflate };

inline std::string Compress(std::string_view data, ZFormat format) {
  int bits = format == ZFormat::kGzip   ? 16 + MAX_WBITS
             : format == ZFormat::kZlib ? MAX_WBITS
                                        : -MAX_WBITS;
  z_stream zs{};
  if (deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, bits, 9, Z_DEFAULT_STRATEGY) != Z_OK) {
    std::abort();
  }
  std::string out(deflateBound(&zs, data.size()), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  if (deflate(&zs, Z_FINISH) != Z_STREAM_END) std::abort();
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

inline std::string Gzip(std::string_view data) { return Compress(data, ZFormat::kGzip); }

}  // namespace shadowdiff::testing

#endif  // SHADOWDIFF_TESTS_UNIT_COMPARATORS_BODY_CODEC_ZLIB_COMPRESS_H_
