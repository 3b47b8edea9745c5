#include "src/store/capture_writer.h"

#include <sys/stat.h>
#include <zlib.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>

#include "src/io/log.h"
#include "src/replay/capture_format.h"

namespace shadowdiff {

CaptureWriter::CaptureWriter(CaptureWriterOptions options) : options_(std::move(options)) {}

CaptureWriter::~CaptureWriter() { Stop(); }

CaptureWriter::Stats CaptureWriter::stats() const {
  Stats s;
  s.written = written_.load(std::memory_order_relaxed);
  s.dropped_queue_full = dropped_queue_full_.load(std::memory_order_relaxed);
  s.dropped_stopped = dropped_stopped_.load(std::memory_order_relaxed);
  s.dropped_write_error = dropped_write_error_.load(std::memory_order_relaxed);
  s.rotations = rotations_.load(std::memory_order_relaxed);
  return s;
}

uint64_t CaptureWriter::dropped() const {
  const Stats s = stats();
  return s.dropped_queue_full + s.dropped_stopped + s.dropped_write_error;
}

bool CaptureWriter::OpenFile(std::string* error) {
  struct stat st {};
  file_bytes_ = ::stat(options_.path.c_str(), &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
  if (options_.gzip) {
    file_ = gzopen(options_.path.c_str(), "ab6");
  } else {
    file_ = std::fopen(options_.path.c_str(), "ab");
  }
  if (file_ == nullptr) {
    *error = "cannot open the capture file `" + options_.path + "`: " + std::strerror(errno) +
             "; check that capture.path's directory exists and is writable";
    return false;
  }
  return true;
}

void CaptureWriter::CloseFile() {
  if (file_ == nullptr) return;
  if (options_.gzip) {
    gzclose(static_cast<gzFile>(file_));
  } else {
    std::fclose(static_cast<std::FILE*>(file_));
  }
  file_ = nullptr;
}

Status CaptureWriter::Start() {
  std::string error;
  if (!OpenFile(&error)) return Error{error};
  running_ = true;
  {
    std::lock_guard lock(mu_);
    stopping_ = false;
  }
  thread_ = std::thread([this] { Run(); });
  return Status();
}

bool CaptureWriter::Offer(CaptureRecord record) {
  size_t bytes = record.request.body.size() + (record.response ? record.response->body.size() : 0);
  return Enqueue(std::move(record), bytes);
}

bool CaptureWriter::OfferLine(std::string line) {
  const size_t bytes = line.size();
  return Enqueue(std::move(line), bytes);
}

bool CaptureWriter::Enqueue(Item item, size_t bytes) {
  {
    std::lock_guard lock(mu_);
    if (stopping_) {
      dropped_stopped_.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    if (queue_.size() >= options_.queue_lines ||
        (held_bytes_ > 0 && held_bytes_ + bytes > options_.queue_bytes)) {
      dropped_queue_full_.fetch_add(1, std::memory_order_relaxed);
      return false;
    }
    held_bytes_ += bytes;
    queue_.emplace_back(std::move(item), bytes);
  }
  wake_.notify_one();
  return true;
}

void CaptureWriter::Stop() {
  if (!running_) return;
  running_ = false;
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  wake_.notify_one();
  thread_.join();
  CloseFile();
}

void CaptureWriter::Flush() {
  if (!dirty_ || file_ == nullptr) return;
  if (options_.gzip) {
    gzflush(static_cast<gzFile>(file_), Z_SYNC_FLUSH);
  } else {
    std::fflush(static_cast<std::FILE*>(file_));
  }
  dirty_ = false;
}

void CaptureWriter::Rotate() {
  CloseFile();
  const std::string& p = options_.path;
  if (options_.keep_files == 0) {
    std::remove(p.c_str());
  } else {
    std::remove((p + "." + std::to_string(options_.keep_files)).c_str());
    for (size_t k = options_.keep_files; k > 1; --k) {
      std::rename((p + "." + std::to_string(k - 1)).c_str(), (p + "." + std::to_string(k)).c_str());
    }
    std::rename(p.c_str(), (p + ".1").c_str());
  }
  rotations_.fetch_add(1, std::memory_order_relaxed);
  std::string error;
  if (!OpenFile(&error)) log::Error("capture_open_failed", {{"error", error}});
}

void CaptureWriter::WriteLine(const std::string& line) {
  if (file_bytes_ >= options_.max_file_bytes) Rotate();
  if (file_ == nullptr) {
    dropped_write_error_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  bool ok;
  if (options_.gzip) {
    gzFile f = static_cast<gzFile>(file_);
    ok = gzwrite(f, line.data(), static_cast<unsigned>(line.size())) ==
             static_cast<int>(line.size()) &&
         gzputc(f, '\n') == '\n';
  } else {
    std::FILE* f = static_cast<std::FILE*>(file_);
    ok = std::fwrite(line.data(), 1, line.size(), f) == line.size() && std::fputc('\n', f) == '\n';
  }
  if (!ok) {
    dropped_write_error_.fetch_add(1, std::memory_order_relaxed);
    return;
  }
  file_bytes_ += line.size() + 1;
  dirty_ = true;
  written_.fetch_add(1, std::memory_order_relaxed);
}

void CaptureWriter::Write(const Item& item) {
  if (const auto* line = std::get_if<std::string>(&item)) {
    WriteLine(*line);
  } else {
    const CaptureRecord& r = std::get<CaptureRecord>(item);
    WriteLine(FormatCaptureLine(r.time, r.request, r.response ? &*r.response : nullptr,
                                r.redactor.get()));
  }
}

void CaptureWriter::Run() {
  using Clock = std::chrono::steady_clock;
  auto last_flush = Clock::now();
  std::deque<std::pair<Item, size_t>> batch;
  for (;;) {
    bool stopping;
    {
      std::unique_lock lock(mu_);
      wake_.wait_for(lock, std::chrono::seconds(1), [&] { return stopping_ || !queue_.empty(); });
      batch.swap(queue_);  // its bytes stay held until written
      stopping = stopping_;
    }
    while (!batch.empty()) {
      const size_t bytes = batch.front().second;
      Write(batch.front().first);
      batch.pop_front();  // freed before its bytes are given back
      std::lock_guard lock(mu_);
      held_bytes_ -= bytes;
    }
    if (stopping || Clock::now() - last_flush >= std::chrono::seconds(1)) {
      Flush();
      last_flush = Clock::now();
    }
    if (stopping) {
      std::lock_guard lock(mu_);
      if (queue_.empty()) return;
    }
  }
}

}  // namespace shadowdiff
