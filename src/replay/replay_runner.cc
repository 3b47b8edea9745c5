#include "src/replay/replay_runner.h"

#include <sys/stat.h>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <ostream>
#include <thread>

#include "src/proxy/exchange_observer.h"
#include "src/proxy/proxy_server.h"
#include "src/replay/entry_normalize.h"
#include "src/replay/pacer.h"
#include "src/replay/recorded_responder.h"
#include "src/replay/replay_client.h"
#include "src/replay/replay_progress.h"

namespace shadowdiff {
namespace {

using Clock = std::chrono::steady_clock;

// Builds the report from the proxy's outcomes (comparison workers and I/O threads).
class ReportObserver final : public ExchangeObserver {
 public:
  void OnExchange(const ObservedExchange& x) override {
    static const std::vector<Diff> kNone;
    {
      std::lock_guard lock(mu_);
      std::string_view example;
      if (x.example != nullptr && report_.WantsExample(x.endpoint, x.method)) {
        example = x.example->Record()->json;
      }
      report_.Count(x.endpoint, x.method, x.outcome, x.diffs != nullptr ? *x.diffs : kNone,
                    example);
      running_[x.outcome]++;
      ++observed_;
    }
    changed_.notify_all();
  }

  // Waits until `count` outcomes arrived or `deadline` passed.
  bool WaitFor(uint64_t count, Clock::time_point deadline) {
    std::unique_lock lock(mu_);
    return changed_.wait_until(lock, deadline, [&] { return observed_ >= count; });
  }
  // Waits until outcomes plus `failed` sends (which never produce an outcome and do not
  // notify: re-checked every 20 ms) reach `count`, or `deadline` passed.
  bool WaitForSettled(uint64_t count, const std::atomic<uint64_t>& failed,
                      Clock::time_point deadline) {
    std::unique_lock lock(mu_);
    while (observed_ + failed.load(std::memory_order_relaxed) < count) {
      if (Clock::now() >= deadline) return false;
      changed_.wait_for(lock, std::chrono::milliseconds(20));
    }
    return true;
  }
  OutcomeCounts Running() {
    std::lock_guard lock(mu_);
    return running_;
  }
  uint64_t observed() {
    std::lock_guard lock(mu_);
    return observed_;
  }
  ReplayReport TakeReport() {
    std::lock_guard lock(mu_);
    return std::move(report_);
  }

 private:
  std::mutex mu_;
  std::condition_variable changed_;
  ReplayReport report_;    // guarded by mu_
  OutcomeCounts running_;  // guarded by mu_
  uint64_t observed_ = 0;  // guarded by mu_
};

struct Work {
  uint64_t entry = 0;  // replay-wide entry number (the recorded-responder key)
  Request request;
};

// A bounded hand-off from the reading thread to the senders: Push blocks while full.
class WorkQueue {
 public:
  explicit WorkQueue(size_t capacity) : capacity_(capacity) {}
  void Push(Work work) {
    std::unique_lock lock(mu_);
    not_full_.wait(lock, [&] { return queue_.size() < capacity_; });
    queue_.push_back(std::move(work));
    not_empty_.notify_one();
  }
  std::optional<Work> Pop() {
    std::unique_lock lock(mu_);
    not_empty_.wait(lock, [&] { return !queue_.empty() || closed_; });
    if (queue_.empty()) return std::nullopt;
    Work w = std::move(queue_.front());
    queue_.pop_front();
    not_full_.notify_one();
    return w;
  }
  void Close() {
    std::lock_guard lock(mu_);
    closed_ = true;
    not_empty_.notify_all();
  }

 private:
  const size_t capacity_;
  std::mutex mu_;
  std::condition_variable not_full_, not_empty_;
  std::deque<Work> queue_;
  bool closed_ = false;
};

struct SendCounters {
  std::atomic<uint64_t> queued{0};
  std::atomic<uint64_t> answered{0};
  std::atomic<uint64_t> failed{0};
  std::mutex mu;
  std::string first_failure;  // guarded by mu
};

// Who writes to the terminal: the progress thread redraws its line ("\r\033[K" + text) and
// the reader warns about bad entries on the same stream. A warning first clears a progress
// line that is shown, so it starts at the left margin; the next tick draws the line again.
struct Console {
  std::mutex mu;
  bool line_shown = false;  // guarded by mu: a TTY progress line without its newline is on screen
};

// The reading side: selection, pacing and hand-off of each entry.
//
// Back-pressure: at most `window` entries are sent and not yet settled (compared, counted
// without comparison, or failed). Reading faster than the comparisons would otherwise fill the
// proxy's comparison queue, which drops what does not fit (right for live traffic, wrong for a
// replay) and holds every queued pair of bodies in memory.
class Dispatcher final : public EntryVisitor {
 public:
  Dispatcher(const Config& config, const ReplayOptions& options, WorkQueue& queue,
             RecordedResponder* responder, ReplayReport& bad, SendCounters& counters,
             Console& console, ReportObserver& observer, uint64_t window,
             std::chrono::milliseconds settle_limit)
      : config_(config),
        console_(console),
        observer_(observer),
        window_(window),
        settle_limit_(settle_limit),
        options_(options),
        queue_(queue),
        responder_(responder),
        bad_(bad),
        counters_(counters),
        pacer_(options.rate    ? Pacer::Rate(*options.rate)
               : options.speed ? Pacer::Speed(*options.speed)
                               : Pacer::AsFast()) {}

  bool OnEntry(ReplayEntry&& entry) override {
    const uint64_t index = read_++;
    // Selection first: an entry that --shard or --filter leaves out is not this replay's
    // concern, even when it could not be sent.
    if (!options_.shard.Owns(index)) return true;
    if (options_.filter) {
      const Endpoint* e = config_.endpoints.Match(entry.request.method, entry.request.target);
      if (!options_.filter->Matches(entry.request.method, e ? e->path_template : "",
                                    entry.request.target)) {
        return true;
      }
    }
    if (options_.limit > 0 && sent_ >= options_.limit) return false;
    if (std::string problem = RequestProblem(entry.request); !problem.empty()) {
      return Reject(entry.location, problem);
    }
    if (options_.against_recorded && !entry.response) {
      // Not the input's fault (a HAR of a blocked request has none): skipped, never fatal.
      Warn(entry.location, "no recorded response to compare with; skipped");
      bad_.CountBadEntry();
      return true;
    }
    const auto due = pacer_.Next(entry.time_ms);
    if (!started_) {
      started_ = true;
      start_ = Clock::now();
    }
    std::this_thread::sleep_until(start_ + due);
    if (sent_ >= window_) {
      // Bounded: a request whose outcome never comes (see LongestTimeoutMs) does not stall
      // the replay; it is counted as unanswered at the end.
      (void)observer_.WaitForSettled(sent_ - window_ + 1, counters_.failed,
                                     Clock::now() + settle_limit_);
    }
    Work work{index + 1, std::move(entry.request)};
    if (responder_ != nullptr) responder_->Put(work.entry, std::move(*entry.response));
    ++sent_;
    counters_.queued.fetch_add(1, std::memory_order_relaxed);
    queue_.Push(std::move(work));
    return options_.limit == 0 || sent_ < options_.limit;
  }

  bool OnBadEntry(const BadEntry& bad) override {
    const uint64_t index = read_++;
    if (!options_.shard.Owns(index)) return true;
    return Reject(bad.location, bad.message);
  }

  uint64_t read() const { return read_; }
  uint64_t sent() const { return sent_; }
  bool limit_reached() const { return options_.limit > 0 && sent_ >= options_.limit; }
  const std::string& stopped_by() const { return stopped_by_; }

 private:
  // A bad entry: warned about and counted; with --strict, reading stops.
  bool Reject(const std::string& location, const std::string& message) {
    Warn(location, message + (options_.strict ? "" : "; skipped"));
    bad_.CountBadEntry();
    if (options_.strict) {
      stopped_by_ = location + ": " + message;
      return false;
    }
    return true;
  }

  void Warn(const std::string& location, const std::string& message) {
    if (options_.warnings == nullptr) return;
    std::lock_guard lock(console_.mu);
    if (console_.line_shown && warned_ <= options_.max_bad_lines) {
      *options_.warnings << "\r\033[K";
      console_.line_shown = false;
    }
    if (warned_ < options_.max_bad_lines) {
      *options_.warnings << "shadowdiff replay: " << location << ": " << message << "\n";
    } else if (warned_ == options_.max_bad_lines) {
      *options_.warnings << "shadowdiff replay: more bad entries follow; the summary counts them\n";
    }
    ++warned_;
  }

  const Config& config_;
  Console& console_;
  ReportObserver& observer_;
  const uint64_t window_;
  const std::chrono::milliseconds settle_limit_;
  const ReplayOptions& options_;
  WorkQueue& queue_;
  RecordedResponder* responder_;
  ReplayReport& bad_;
  SendCounters& counters_;
  Pacer pacer_;
  uint64_t read_ = 0;
  uint64_t sent_ = 0;
  size_t warned_ = 0;
  bool started_ = false;
  Clock::time_point start_;
  std::string stopped_by_;
};

void Sender(uint16_t port, const ReplayOptions& options, WorkQueue& queue, SendCounters& counters) {
  ReplayClient client(port, options.request_timeout);
  const std::string entry_header(kReplayEntryHeader.data(), kReplayEntryHeader.size());
  while (std::optional<Work> work = queue.Pop()) {
    HeaderList extra;
    if (options.against_recorded) extra.emplace_back(entry_header, std::to_string(work->entry));
    Result<int> status = client.Send(work->request, extra);
    if (status.ok()) {
      counters.answered.fetch_add(1, std::memory_order_relaxed);
    } else {
      counters.failed.fetch_add(1, std::memory_order_relaxed);
      std::lock_guard lock(counters.mu);
      if (counters.first_failure.empty()) {
        counters.first_failure =
            work->request.method + " " + work->request.target + ": " + status.error().message;
      }
    }
  }
}

// The size of each input in bytes (compressed, for gzip); nullopt for one that is not a
// regular file (a pipe, a device), which has no size to measure progress against.
std::vector<std::optional<uint64_t>> InputFileSizes(const std::vector<std::string>& inputs) {
  std::vector<std::optional<uint64_t>> sizes;
  for (const std::string& input : inputs) {
    struct stat st {};
    if (::stat(input.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
      sizes.emplace_back(static_cast<uint64_t>(st.st_size));
    } else {
      sizes.emplace_back(std::nullopt);
    }
  }
  return sizes;
}

// Their sum, or nullopt when one size is unknown.
std::optional<uint64_t> TotalSize(const std::vector<std::optional<uint64_t>>& sizes) {
  uint64_t total = 0;
  for (const std::optional<uint64_t>& size : sizes) {
    if (!size) return std::nullopt;
    total += *size;
  }
  return total;
}

uint32_t LongestTimeoutMs(const Config& config) {
  uint32_t longest = std::max(config.defaults.timeout_ms, config.defaults.shadow_timeout_ms);
  for (const Endpoint& e : config.endpoints.endpoints()) {
    longest = std::max({longest, e.settings.timeout_ms, e.settings.shadow_timeout_ms});
  }
  return longest;
}

}  // namespace

Result<ReplayResult> RunReplay(std::shared_ptr<const Config> loaded, const ReplayOptions& options) {
  auto config = std::make_shared<Config>(*loaded);
  // Replay writes its report, nothing else: no example stores, no capture of the replay.
  config->store.jsonl.clear();
  config->store.postgres.clear();
  config->capture.path.clear();

  std::unique_ptr<RecordedResponder> responder;
  if (options.against_recorded) {
    responder = std::make_unique<RecordedResponder>();
    if (Status s = responder->Start(); !s.ok()) return s.error();
    auto old_target = ParseTargetUrl("http://127.0.0.1:" + std::to_string(responder->port()));
    if (!old_target.ok()) return old_target.error();
    config->targets.old_target = *old_target;
  }
  if (Status s = RequireTargets(*config); !s.ok()) return s.error();

  auto observer = std::make_shared<ReportObserver>();
  ProxyServerOptions server_options;
  server_options.io_threads = std::max<size_t>(1, options.io_threads);
  server_options.listen = HostPort{"127.0.0.1", 0};
  server_options.admin_listen = HostPort{"127.0.0.1", 0};
  server_options.observer = observer;
  server_options.version = "replay";
  auto server = ProxyServer::Start(config, server_options);
  if (!server.ok()) return Error{"cannot start the in-process proxy: " + server.error().message};
  const uint16_t port = (*server)->port();

  ReplayResult result;
  ReplayReport bad;
  SendCounters counters;
  WorkQueue queue(std::max<size_t>(1, options.concurrency));
  std::vector<std::thread> senders;
  for (size_t i = 0; i < std::max<size_t>(1, options.concurrency); ++i) {
    senders.emplace_back(Sender, port, std::cref(options), std::ref(queue), std::ref(counters));
  }

  // Progress through the inputs: file bytes read (ReadCapture adds them as it goes).
  const std::vector<std::optional<uint64_t>> input_sizes = InputFileSizes(options.inputs);
  const std::optional<uint64_t> input_bytes_total = TotalSize(input_sizes);
  std::atomic<uint64_t> input_bytes_read{0};
  const auto started = Clock::now();
  std::atomic<bool> done{false};
  Console console;
  std::thread progress;
  if (options.progress != nullptr) {
    progress = std::thread([&] {
      auto next = Clock::now() + (options.progress_tty ? std::chrono::milliseconds(200)
                                                       : options.progress_interval);
      while (!done.load()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        if (Clock::now() < next) continue;
        next += options.progress_tty ? std::chrono::milliseconds(200) : options.progress_interval;
        ReplayProgress now;
        now.sent = counters.answered + counters.failed;
        now.seconds = std::chrono::duration<double>(Clock::now() - started).count();
        now.counts = observer->Running();
        now.limit = options.limit;
        now.input_bytes_read = input_bytes_read.load(std::memory_order_relaxed);
        now.input_bytes_total = input_bytes_total;
        const std::string text = FormatProgressLine(now);
        if (options.progress_tty) {
          std::lock_guard lock(console.mu);
          *options.progress << "\r\033[K" << text << std::flush;
          console.line_shown = true;
        } else {
          *options.progress << "shadowdiff replay: " << text << std::endl;
        }
      }
    });
  }

  const uint64_t window = std::max<uint64_t>(16, 2 * std::max<size_t>(1, options.concurrency));
  Dispatcher dispatcher(
      *config, options, queue, responder.get(), bad, counters, console, *observer, window,
      std::chrono::milliseconds(LongestTimeoutMs(*config)) + std::chrono::seconds(5));
  for (size_t i = 0; i < options.inputs.size(); ++i) {
    const std::string& input = options.inputs[i];
    const uint64_t read_before = input_bytes_read.load(std::memory_order_relaxed);
    Status s = ReadCapture(input, options.format, dispatcher, &input_bytes_read);
    const bool read_to_end =
        s.ok() && dispatcher.stopped_by().empty() && !dispatcher.limit_reached();
    const uint64_t reported = input_bytes_read.load(std::memory_order_relaxed) - read_before;
    if (read_to_end && input_sizes[i] && *input_sizes[i] > reported) {
      // The whole file counts (its last entry may end before the file does).
      input_bytes_read.fetch_add(*input_sizes[i] - reported, std::memory_order_relaxed);
    }
    if (!s.ok()) {
      result.input_error = s.error().message;
      break;
    }
    if (!dispatcher.stopped_by().empty()) {
      result.input_error = dispatcher.stopped_by() + " (--strict)";
      break;
    }
    if (dispatcher.limit_reached()) break;
  }
  queue.Close();
  for (std::thread& t : senders) t.join();

  // Outcomes of answered requests arrive after the answer (the comparison runs after the
  // client got its response): wait for them, bounded by the longest configured timeout.
  const uint64_t answered = counters.answered.load();
  observer->WaitFor(answered, Clock::now() + std::chrono::milliseconds(LongestTimeoutMs(*config)) +
                                  std::chrono::seconds(5));
  (*server)->Drain();
  if (responder) responder->Stop();
  done = true;
  if (progress.joinable()) progress.join();
  if (options.progress != nullptr && options.progress_tty) *options.progress << "\r\033[K";

  result.report = observer->TakeReport();
  result.report.Merge(bad);
  result.entries_read = dispatcher.read();
  result.sent = dispatcher.sent();
  const uint64_t observed = result.report.Totals().sent();
  if (result.sent > observed) result.report.CountUnanswered(result.sent - observed);
  if (counters.failed > 0 && options.warnings != nullptr) {
    *options.warnings << "shadowdiff replay: " << counters.failed
                      << " requests got no answer from the in-process proxy; first: "
                      << counters.first_failure << "\n";
  }
  result.seconds = std::chrono::duration<double>(Clock::now() - started).count();
  return result;
}

}  // namespace shadowdiff
