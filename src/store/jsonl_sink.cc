#include "src/store/jsonl_sink.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <system_error>
#include <utility>

#include "src/io/log.h"

namespace shadowdiff {

JsonlSink::JsonlSink(Options options) : options_(std::move(options)), budget_(options_.budget) {}

JsonlSink::~JsonlSink() { Stop(); }

Status JsonlSink::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (started_ || stopping_) return Error{"JSONL store " + options_.path + ": already started"};
  auto fail = [this](std::string message) {
    stopping_ = true;  // drop what is queued and whatever is offered from now on
    dropped_stopped_.fetch_add(queue_.size(), std::memory_order_relaxed);
    queue_.clear();
    queued_bytes_ = 0;
    return Error{std::move(message)};
  };
  std::filesystem::path parent = std::filesystem::path(options_.path).parent_path();
  if (!parent.empty()) {
    std::error_code ec;
    std::filesystem::create_directories(parent, ec);
    if (ec) {
      return fail("cannot create the directory " + parent.string() + " for the JSONL store (" +
                  ec.message() + "); create it or change store.jsonl");
    }
  }
  if (!OpenFile()) {
    return fail("cannot open the JSONL store " + options_.path + " for appending (" +
                std::strerror(errno) + "); check its permissions or change store.jsonl");
  }
  started_ = true;
  writer_ = std::thread([this] { WriterLoop(); });
  return Status();
}

void JsonlSink::Offer(PendingExample& example) {
  offered_.fetch_add(1, std::memory_order_relaxed);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!HasRoom(0)) return;
    if (!budget_.Admit(example.head())) {
      dropped_budget_.fetch_add(1, std::memory_order_relaxed);
      return;
    }
  }
  std::shared_ptr<const ExampleRecord> record = example.Record();  // built outside the lock
  const size_t bytes = record->json.size() + 1;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!HasRoom(bytes)) return;
    queue_.push_back(std::move(record));
    queued_bytes_ += bytes;
  }
  ready_.notify_one();
}

bool JsonlSink::HasRoom(size_t bytes) {
  if (stopping_) {
    dropped_stopped_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  if (queue_.size() >= options_.queue_records || queued_bytes_ + bytes > options_.queue_bytes) {
    dropped_queue_full_.fetch_add(1, std::memory_order_relaxed);
    return false;
  }
  return true;
}

void JsonlSink::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ && !writer_.joinable()) return;
    stopping_ = true;
    if (!started_) {
      // Never started: what was queued cannot be written.
      dropped_stopped_.fetch_add(queue_.size(), std::memory_order_relaxed);
      queue_.clear();
      queued_bytes_ = 0;
      return;
    }
  }
  ready_.notify_all();
  writer_.join();  // the writer drains the queue before it returns
  if (fd_ >= 0) {
    ::fdatasync(fd_);
    ::close(fd_);
    fd_ = -1;
  }
}

JsonlSink::Stats JsonlSink::stats() const {
  Stats s;
  s.offered = offered_.load(std::memory_order_relaxed);
  s.written = written_.load(std::memory_order_relaxed);
  s.dropped_budget = dropped_budget_.load(std::memory_order_relaxed);
  s.dropped_queue_full = dropped_queue_full_.load(std::memory_order_relaxed);
  s.dropped_stopped = dropped_stopped_.load(std::memory_order_relaxed);
  s.write_errors = write_errors_.load(std::memory_order_relaxed);
  s.rotations = rotations_.load(std::memory_order_relaxed);
  return s;
}

size_t JsonlSink::queue_depth() const {
  std::lock_guard<std::mutex> lock(mu_);
  return queue_.size();
}

bool JsonlSink::OpenFile() {
  fd_ = ::open(options_.path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640);
  if (fd_ < 0) return false;
  struct stat st {};
  file_bytes_ = ::fstat(fd_, &st) == 0 ? static_cast<uint64_t>(st.st_size) : 0;
  return true;
}

void JsonlSink::Rotate() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
  if (options_.keep_files == 0) {
    ::unlink(options_.path.c_str());
  } else {
    // path.<keep-1> -> path.<keep> (replacing the oldest), ..., path -> path.1.
    for (uint32_t i = options_.keep_files; i >= 1; --i) {
      std::string from = i == 1 ? options_.path : options_.path + "." + std::to_string(i - 1);
      std::string to = options_.path + "." + std::to_string(i);
      ::rename(from.c_str(), to.c_str());  // ENOENT: fewer files so far
    }
  }
  rotations_.fetch_add(1, std::memory_order_relaxed);
  if (!OpenFile()) {
    log::Error("jsonl_store_reopen_failed",
               {{"path", options_.path}, {"error", std::strerror(errno)}});
  }
}

void JsonlSink::WriteAll(const std::string& bytes, size_t lines) {
  if (lines == 0) return;
  if (fd_ < 0 && !OpenFile()) {
    write_errors_.fetch_add(lines, std::memory_order_relaxed);
    return;
  }
  size_t done = 0;
  while (done < bytes.size()) {
    ssize_t n = ::write(fd_, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      write_errors_.fetch_add(lines, std::memory_order_relaxed);
      if (!failing_) {
        failing_ = true;
        log::Error(
            "jsonl_store_write_failed",
            {{"path", options_.path}, {"error", n < 0 ? std::strerror(errno) : "short write"}});
      }
      file_bytes_ += done;
      return;
    }
    done += static_cast<size_t>(n);
  }
  file_bytes_ += done;
  written_.fetch_add(lines, std::memory_order_relaxed);
  if (failing_) {
    failing_ = false;
    log::Info("jsonl_store_write_recovered", {{"path", options_.path}});
  }
}

void JsonlSink::WriterLoop() {
  std::string pending;
  for (;;) {
    std::deque<std::shared_ptr<const ExampleRecord>> batch;
    {
      std::unique_lock<std::mutex> lock(mu_);
      ready_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      batch.swap(queue_);
      queued_bytes_ = 0;
    }
    pending.clear();
    size_t lines = 0;
    for (const auto& record : batch) {
      size_t line_bytes = record->json.size() + 1;
      uint64_t file_after = file_bytes_ + pending.size() + line_bytes;
      if (file_bytes_ + pending.size() > 0 && file_after > options_.max_file_bytes) {
        WriteAll(pending, lines);
        pending.clear();
        lines = 0;
        Rotate();
      }
      pending.append(record->json);
      pending.push_back('\n');
      ++lines;
    }
    WriteAll(pending, lines);
  }
}

}  // namespace shadowdiff
