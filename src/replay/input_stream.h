// InputStream: a capture file read front to back through a fixed buffer, gunzipped on the
// fly when it starts with the gzip magic bytes (zlib's gzread reads plain files as they are),
// so a multi-GB capture, compressed or not, is read in constant memory.
//
// It serves three readers: line by line (JSONL, ReadLine), byte by byte as a RapidJSON input
// stream (HAR, via Peek/Take/Tell) and in blocks (GoReplay, Read). FromBytes makes one over
// bytes in memory (tests, fuzzers). Not thread-safe; one reader at a time.
#ifndef SHADOWDIFF_REPLAY_INPUT_STREAM_H_
#define SHADOWDIFF_REPLAY_INPUT_STREAM_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "src/core/result.h"

namespace shadowdiff {

class InputStream {
 public:
  using Ch = char;  // RapidJSON stream concept

  // Opens `path` ("-" is not supported: replay needs a file it can name in messages).
  static Result<std::unique_ptr<InputStream>> Open(const std::string& path);
  // A stream over a copy of `bytes`, read as they are (never gunzipped).
  static std::unique_ptr<InputStream> FromBytes(std::string_view bytes);
  ~InputStream();
  InputStream(const InputStream&) = delete;
  InputStream& operator=(const InputStream&) = delete;

  // Reads the next line without its "\n" (and "\r") into `line`. Returns false at the end
  // of the file. A line longer than `max_bytes` is consumed but not kept: `*too_long` is set
  // and `line` holds its first max_bytes bytes.
  bool ReadLine(std::string* line, size_t max_bytes, bool* too_long);

  // Copies up to `max_bytes` next bytes to `out`; returns how many (0 at the end of the file).
  size_t Read(char* out, size_t max_bytes);

  // RapidJSON input stream: '\0' at the end of the file.
  char Peek() {
    if (pos_ == end_ && !Fill()) return '\0';
    return buffer_[pos_];
  }
  char Take() {
    if (pos_ == end_ && !Fill()) return '\0';
    ++consumed_;
    return buffer_[pos_++];
  }
  size_t Tell() const { return consumed_; }
  // True when every byte of the file was read (Peek's '\0' may also be a NUL in the file).
  bool AtEnd() { return pos_ == end_ && !Fill(); }
  // Unused write half of the stream concept.
  char* PutBegin() { return nullptr; }
  void Put(char) {}
  void Flush() {}
  size_t PutEnd(char*) { return 0; }

  // How far into the file reading got, in the file's own bytes, for progress estimates: the
  // bytes consumed for a plain file (exact); for gzip, the compressed bytes behind what was
  // consumed (exact at each refill of the buffer, in proportion within it).
  uint64_t FilePosition() const;

  // True when the file is gzip-compressed.
  bool gzipped() const { return gzipped_; }
  // Set when reading failed (a corrupt or truncated gzip stream): what went wrong. The data
  // read so far stays valid; the stream then behaves as if it ended.
  const std::string& error() const { return error_; }

 private:
  InputStream() = default;
  bool Fill();

  void* file_ = nullptr;  // gzFile
  std::unique_ptr<char[]> buffer_;
  size_t pos_ = 0;
  size_t end_ = 0;
  size_t consumed_ = 0;
  // Gzip only: the compressed offset before and after the refill that produced the buffer.
  uint64_t fill_file_start_ = 0;
  uint64_t fill_file_end_ = 0;
  bool eof_ = false;
  bool gzipped_ = false;
  std::string path_;
  std::string error_;
};

}  // namespace shadowdiff

#endif  // SHADOWDIFF_REPLAY_INPUT_STREAM_H_
