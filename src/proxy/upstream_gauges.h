// UpstreamGauges: the connection counts of every upstream pool, for
// shadowdiff_upstream_connections{target,state}.
//
// Each I/O thread's FanOut owns its own pools (upstream_pool.h), which only that thread may
// touch, and a reload may replace them. So each pool publishes its counts into an
// UpstreamPoolGauge (relaxed atomics it alone writes, shared with this registry), and the
// scrape sums the gauges of the live pools by role ("old", "new", "secondary": the targets:
// key, not the URL, so the label survives a reload that moves a target). A pool's gauge goes
// to zero when the pool is destroyed, and the registry forgets it at the next scrape or
// registration, so it holds no more entries than there are live pools plus those released
// since (a config reload replaces each I/O thread's pools).
//
// Thread-safety: Register and Read from any thread (one mutex, taken per pool construction
// and per scrape, never per request); the gauges themselves are lock-free.
#ifndef SHADOWDIFF_PROXY_UPSTREAM_GAUGES_H_
#define SHADOWDIFF_PROXY_UPSTREAM_GAUGES_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace shadowdiff {

// One pool's connections. Written by the pool's thread only; read by the scrape.
struct UpstreamPoolGauge {
  std::atomic<uint32_t> idle{0};
  std::atomic<uint32_t> active{0};
};

class UpstreamGauges {
 public:
  // A new pool's gauge, counted under `role` until the pool releases it.
  std::shared_ptr<UpstreamPoolGauge> Register(std::string_view role);

  // Calls `fn(role, idle, active)` once per role that has (or had) a pool, with the sums over
  // the live pools, in the order the roles were first registered.
  void Read(const std::function<void(std::string_view role, uint64_t idle, uint64_t active)>& fn);

  // Gauges held: the live pools', and those released since the last Read or Register.
  size_t size() const;

 private:
  void ForgetReleased();  // requires mu_

  mutable std::mutex mu_;
  std::vector<std::string> roles_;  // guarded by mu_
  std::vector<std::pair<size_t, std::shared_ptr<UpstreamPoolGauge>>>
      gauges_;  // (role index, gauge)
};

}  // namespace shadowdiff

#endif  // SHADOWDIFF_PROXY_UPSTREAM_GAUGES_H_
