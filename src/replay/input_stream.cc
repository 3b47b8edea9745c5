#include "src/replay/input_stream.h"

#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>

namespace shadowdiff {
namespace {

constexpr size_t kBufferBytes = 256 << 10;

}  // namespace

Result<std::unique_ptr<InputStream>> InputStream::Open(const std::string& path) {
  std::FILE* probe = std::fopen(path.c_str(), "rb");
  if (probe == nullptr) {
    return Error{"cannot open `" + path + "`: " + std::strerror(errno) +
                 "; check the path and its permissions"};
  }
  unsigned char magic[2] = {0, 0};
  const size_t n = std::fread(magic, 1, 2, probe);
  std::fclose(probe);
  std::unique_ptr<InputStream> stream(new InputStream());
  stream->gzipped_ = n == 2 && magic[0] == 0x1f && magic[1] == 0x8b;
  gzFile file = gzopen(path.c_str(), "rb");
  if (file == nullptr) {
    return Error{"cannot open `" + path + "`: " + std::strerror(errno) +
                 "; check the path and its permissions"};
  }
  gzbuffer(file, 128 << 10);
  stream->file_ = file;
  stream->buffer_ = std::make_unique<char[]>(kBufferBytes);
  stream->path_ = path;
  return stream;
}

std::unique_ptr<InputStream> InputStream::FromBytes(std::string_view bytes) {
  std::unique_ptr<InputStream> stream(new InputStream());
  stream->buffer_ = std::make_unique_for_overwrite<char[]>(bytes.size() + 1);
  std::memcpy(stream->buffer_.get(), bytes.data(), bytes.size());
  stream->end_ = bytes.size();
  stream->eof_ = true;  // no file behind the buffer: Fill() never reads
  stream->path_ = "(memory)";
  return stream;
}

InputStream::~InputStream() {
  if (file_ != nullptr) gzclose(static_cast<gzFile>(file_));
}

bool InputStream::Fill() {
  if (eof_) return false;
  const int n = gzread(static_cast<gzFile>(file_), buffer_.get(), kBufferBytes);
  if (gzipped_) {
    fill_file_start_ = fill_file_end_;
    // Compressed bytes inflated so far (zlib's read-ahead not counted).
    const z_off_t offset = gzoffset(static_cast<gzFile>(file_));
    if (offset >= 0) fill_file_end_ = std::max(fill_file_end_, static_cast<uint64_t>(offset));
  }
  if (n <= 0) {
    eof_ = true;
    if (n < 0) {
      int code = 0;
      const char* message = gzerror(static_cast<gzFile>(file_), &code);
      error_ = std::string("read error: ") + (message != nullptr ? message : "unknown");
    } else if (gzipped_) {
      // gzread returns 0 both at a clean end and when the compressed stream stops early.
      int code = 0;
      const char* message = gzerror(static_cast<gzFile>(file_), &code);
      if (code != Z_OK && code != Z_STREAM_END) {
        error_ = std::string("gzip stream error: ") + (message != nullptr ? message : "unknown");
      }
    }
    return false;
  }
  pos_ = 0;
  end_ = static_cast<size_t>(n);
  return true;
}

uint64_t InputStream::FilePosition() const {
  if (!gzipped_) return consumed_;
  if (end_ == 0) return fill_file_end_;
  return fill_file_start_ + (fill_file_end_ - fill_file_start_) * pos_ / end_;
}

size_t InputStream::Read(char* out, size_t max_bytes) {
  size_t n = 0;
  while (n < max_bytes) {
    if (pos_ == end_ && !Fill()) break;
    const size_t take = std::min(max_bytes - n, end_ - pos_);
    std::memcpy(out + n, buffer_.get() + pos_, take);
    pos_ += take;
    consumed_ += take;
    n += take;
  }
  return n;
}

bool InputStream::ReadLine(std::string* line, size_t max_bytes, bool* too_long) {
  line->clear();
  *too_long = false;
  bool any = false;
  for (;;) {
    if (pos_ == end_ && !Fill()) break;
    any = true;
    const char* start = buffer_.get() + pos_;
    const void* nl = std::memchr(start, '\n', end_ - pos_);
    const size_t take = nl != nullptr ? static_cast<const char*>(nl) - start : end_ - pos_;
    if (!*too_long) {
      if (line->size() + take > max_bytes) {
        line->append(start, max_bytes - line->size());
        *too_long = true;
      } else {
        line->append(start, take);
      }
    }
    pos_ += take;
    consumed_ += take;
    if (nl != nullptr) {
      ++pos_;
      ++consumed_;
      break;
    }
  }
  if (!any) return false;
  if (!line->empty() && line->back() == '\r') line->pop_back();
  return true;
}

}  // namespace shadowdiff
