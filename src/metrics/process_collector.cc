#include "src/metrics/process_collector.h"

#include <sys/resource.h>
#include <unistd.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <system_error>
#include <utility>

namespace shadowdiff {
namespace {

// Reads a whole (small) file; nullopt when it cannot be opened.
std::optional<std::string> ReadFile(const char* path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (in.bad()) return std::nullopt;
  return text;
}

std::optional<uint64_t> ParseU64(std::string_view text) {
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// Splits on single spaces; empty tokens are kept so malformed input is noticed.
std::vector<std::string_view> SplitSpaces(std::string_view text) {
  std::vector<std::string_view> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(' ', start);
    if (end == std::string_view::npos) end = text.size();
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

prometheus::MetricFamily OneValue(std::string name, std::string help, prometheus::MetricType type,
                                  double value) {
  prometheus::MetricFamily family;
  family.name = std::move(name);
  family.help = std::move(help);
  family.type = type;
  prometheus::ClientMetric metric;
  if (type == prometheus::MetricType::Counter) {
    metric.counter.value = value;
  } else {
    metric.gauge.value = value;
  }
  family.metric.push_back(std::move(metric));
  return family;
}

std::optional<size_t> CountOpenFds() {
  std::error_code ec;
  std::filesystem::directory_iterator it("/proc/self/fd", ec);
  if (ec) return std::nullopt;
  size_t count = 0;
  for (const std::filesystem::directory_iterator end; it != end; it.increment(ec)) {
    if (ec) return std::nullopt;
    ++count;
  }
  if (ec) return std::nullopt;
  // The iterator's own descriptor is one of them.
  return count > 0 ? count - 1 : 0;
}

}  // namespace

std::optional<ProcStat> ParseProcStat(std::string_view text) {
  size_t close = text.rfind(')');
  if (close == std::string_view::npos || close + 2 > text.size()) return std::nullopt;
  std::string_view rest = text.substr(close + 2);  // from field 3 (state)
  while (!rest.empty() && (rest.back() == '\n' || rest.back() == ' ')) rest.remove_suffix(1);
  std::vector<std::string_view> fields = SplitSpaces(rest);
  // proc(5) numbers fields from 1; rest[0] is field 3.
  auto field = [&](size_t number) -> std::optional<uint64_t> {
    if (number - 3 >= fields.size()) return std::nullopt;
    return ParseU64(fields[number - 3]);
  };
  auto utime = field(14);
  auto stime = field(15);
  auto starttime = field(22);
  auto vsize = field(23);
  auto rss = field(24);
  if (!utime || !stime || !starttime || !vsize || !rss) return std::nullopt;
  return ProcStat{*utime, *stime, *starttime, *vsize, *rss};
}

std::optional<uint64_t> ParseBootTime(std::string_view proc_stat_text) {
  size_t pos = 0;
  while (pos < proc_stat_text.size()) {
    size_t end = proc_stat_text.find('\n', pos);
    if (end == std::string_view::npos) end = proc_stat_text.size();
    std::string_view line = proc_stat_text.substr(pos, end - pos);
    constexpr std::string_view kPrefix = "btime ";
    if (line.substr(0, kPrefix.size()) == kPrefix) return ParseU64(line.substr(kPrefix.size()));
    pos = end + 1;
  }
  return std::nullopt;
}

std::vector<prometheus::MetricFamily> ProcessCollector::Collect() const {
  using prometheus::MetricType;
  std::vector<prometheus::MetricFamily> out;
  const long ticks_per_second = sysconf(_SC_CLK_TCK);
  const long page_size = sysconf(_SC_PAGESIZE);

  std::optional<std::string> stat_text = ReadFile("/proc/self/stat");
  std::optional<ProcStat> stat = stat_text ? ParseProcStat(*stat_text) : std::nullopt;
  if (stat && ticks_per_second > 0) {
    out.push_back(OneValue("process_cpu_seconds_total",
                           "Total user and system CPU time spent in seconds.", MetricType::Counter,
                           static_cast<double>(stat->utime_ticks + stat->stime_ticks) /
                               static_cast<double>(ticks_per_second)));
  }
  if (stat && page_size > 0) {
    out.push_back(OneValue(
        "process_resident_memory_bytes", "Resident memory size in bytes.", MetricType::Gauge,
        static_cast<double>(stat->resident_pages) * static_cast<double>(page_size)));
  }
  if (stat) {
    out.push_back(OneValue("process_virtual_memory_bytes", "Virtual memory size in bytes.",
                           MetricType::Gauge, static_cast<double>(stat->virtual_bytes)));
  }
  if (std::optional<size_t> fds = CountOpenFds()) {
    out.push_back(OneValue("process_open_fds", "Number of open file descriptors.",
                           MetricType::Gauge, static_cast<double>(*fds)));
  }
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
    out.push_back(OneValue("process_max_fds", "Maximum number of open file descriptors.",
                           MetricType::Gauge, static_cast<double>(limit.rlim_cur)));
  }
  std::optional<std::string> system_stat = ReadFile("/proc/stat");
  std::optional<uint64_t> boot = system_stat ? ParseBootTime(*system_stat) : std::nullopt;
  if (stat && boot && ticks_per_second > 0) {
    out.push_back(
        OneValue("process_start_time_seconds",
                 "Start time of the process since unix epoch in seconds.", MetricType::Gauge,
                 static_cast<double>(*boot) + static_cast<double>(stat->start_ticks_after_boot) /
                                                  static_cast<double>(ticks_per_second)));
  }
  return out;
}

}  // namespace shadowdiff
