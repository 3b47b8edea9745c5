// LiveConfig and ConfigHolder: the configuration the proxy is serving with right now, and the
// one place a reload swaps it.
//
// A LiveConfig is immutable: the validated Config plus what was derived from it at load (the
// metric handles of its endpoints, the rollback secret read from the environment). Requests
// take a shared_ptr to it when they start and keep it until their comparison is reported, so a
// reload never changes the rules under a request in flight, and the old generation is freed
// when its last request ends.
//
// ConfigHolder is thread-safe: any thread may Get() while another Set()s.
#ifndef SHADOWDIFF_PROXY_LIVE_CONFIG_H_
#define SHADOWDIFF_PROXY_LIVE_CONFIG_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "src/core/config.h"

namespace shadowdiff {

class EndpointMetricsTable;
class TripRegistry;
class ExampleRedactor;

struct LiveConfig {
  std::shared_ptr<const Config> config;
  std::shared_ptr<const EndpointMetricsTable> metrics;
  // HMAC key for Shadow-Signature, read from the environment variable rollback.secret_env
  // names; empty: shadow calls are not signed.
  std::string rollback_secret;
  // Applied to every stored example (never null in a running proxy).
  std::shared_ptr<const ExampleRedactor> redactor;
  // Tripped endpoints of this generation, by Endpoint::id (trips carry over on reload).
  std::shared_ptr<TripRegistry> trips;
  uint64_t generation = 0;  // increases by one with every successful (re)load
};

class ConfigHolder {
 public:
  std::shared_ptr<const LiveConfig> Get() const { return current_.load(std::memory_order_acquire); }
  void Set(std::shared_ptr<const LiveConfig> live) {
    current_.store(std::move(live), std::memory_order_release);
  }

 private:
  std::atomic<std::shared_ptr<const LiveConfig>> current_;
};

}  // namespace shadowdiff

#endif  // SHADOWDIFF_PROXY_LIVE_CONFIG_H_
