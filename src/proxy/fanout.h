// FanOut: the RequestHandler of the proxy. For each client request it matches the endpoint,
// decides whether to shadow it (ShadowPolicy), relays the primary's response to the client as
// it arrives, calls the shadow (and the secondary, for noise) concurrently with their own
// deadlines, and, once every side is in, hands the exchange to the comparison pool.
//
// The client's path never waits for the shadow, a comparison, a metric or a store — except
// for `shadow: rollback` endpoints with `rollback.order: before_primary`, where the primary
// is sent after the shadow answers or after shadow_timeout_ms, so both see the same data.
//
// One FanOut per I/O thread: it owns that thread's upstream pools and is not thread-safe;
// every coroutine of a request runs on the thread's executor, so the join of primary, shadow
// and secondary needs no locks. Shared state goes through ProxyRuntime.
#ifndef SHADOWDIFF_PROXY_FANOUT_H_
#define SHADOWDIFF_PROXY_FANOUT_H_

#include <cstdint>
#include <memory>
#include <random>

#include <boost/asio/any_io_executor.hpp>

#include "src/proxy/proxy_runtime.h"
#include "src/proxy/request_handler.h"

namespace shadowdiff {

class UpstreamPool;

class FanOut final : public RequestHandler {
 public:
  FanOut(boost::asio::any_io_executor executor, ProxyRuntime& runtime);
  ~FanOut() override;

  boost::asio::awaitable<HandlerResult> Handle(InboundRequest& request,
                                               boost::beast::tcp_stream& client) override;

 private:
  // This thread's pools for one config generation's targets; shared with the shadow
  // coroutines still running when a reload replaces them.
  struct Pools {
    uint64_t generation = 0;
    std::shared_ptr<UpstreamPool> old_pool;
    std::shared_ptr<UpstreamPool> new_pool;
    std::shared_ptr<UpstreamPool> secondary_pool;  // null without targets.secondary
  };
  const Pools& PoolsFor(const LiveConfig& live);
  std::string NextShadowId();

  boost::asio::any_io_executor executor_;
  ProxyRuntime& runtime_;
  Pools pools_;
  std::mt19937_64 rng_;
  uint64_t id_prefix_;
  uint64_t id_counter_ = 0;
};

}  // namespace shadowdiff

#endif  // SHADOWDIFF_PROXY_FANOUT_H_
