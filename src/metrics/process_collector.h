// ProcessCollector: the standard process_* metrics of Prometheus client libraries
// (process_cpu_seconds_total, process_resident_memory_bytes, process_virtual_memory_bytes,
// process_open_fds, process_max_fds, process_start_time_seconds), read from /proc/self each
// time Collect() runs — i.e. on scrape, never on the request path.
//
// Linux only. When a /proc file cannot be read or parsed, the metrics that depend on it are
// left out of that scrape (never reported as 0) and the next scrape tries again.
// Thread-safe: Collect() keeps no state between calls.
#ifndef SHADOWDIFF_METRICS_PROCESS_COLLECTOR_H_
#define SHADOWDIFF_METRICS_PROCESS_COLLECTOR_H_

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

namespace shadowdiff {

// The fields of /proc/<pid>/stat the collector uses (proc(5): utime, stime, starttime,
// vsize, rss), in the units the kernel writes them.
struct ProcStat {
  uint64_t utime_ticks = 0;
  uint64_t stime_ticks = 0;
  uint64_t start_ticks_after_boot = 0;
  uint64_t virtual_bytes = 0;
  uint64_t resident_pages = 0;
};

// Parses the text of /proc/<pid>/stat. The command name (field 2) may hold spaces and
// parentheses: fields are counted from the last ')'. nullopt when the text is malformed.
std::optional<ProcStat> ParseProcStat(std::string_view text);

// The `btime` line of /proc/stat: boot time in seconds since the epoch, or nullopt.
std::optional<uint64_t> ParseBootTime(std::string_view proc_stat_text);

class ProcessCollector : public prometheus::Collectable {
 public:
  std::vector<prometheus::MetricFamily> Collect() const override;
};

}  // namespace shadowdiff

#endif  // SHADOWDIFF_METRICS_PROCESS_COLLECTOR_H_
