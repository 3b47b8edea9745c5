// FanoutSink: offers each record to several sinks in order (e.g. the JSONL file, the memory
// ring and PostgreSQL). Each sink applies its own budget and queue; one sink dropping a
// record does not keep it from the others.
//
// Ownership: the sinks are borrowed and must outlive the FanoutSink. The list is fixed at
// construction, so Offer is thread-safe when every sink's Offer is.
#ifndef SHADOWDIFF_STORE_FANOUT_SINK_H_
#define SHADOWDIFF_STORE_FANOUT_SINK_H_

#include <memory>
#include <utility>
#include <vector>

#include "src/store/example_sink.h"

namespace shadowdiff {

class FanoutSink : public ExampleSink {
 public:
  // Null entries are skipped, so optional sinks can be passed as they are.
  explicit FanoutSink(std::vector<ExampleSink*> sinks) {
    for (ExampleSink* sink : sinks) {
      if (sink != nullptr) sinks_.push_back(sink);
    }
  }

  using ExampleSink::Offer;
  // The record is built at most once, by the first sink that keeps it.
  void Offer(PendingExample& example) override {
    for (ExampleSink* sink : sinks_) sink->Offer(example);
  }

  size_t size() const { return sinks_.size(); }

 private:
  std::vector<ExampleSink*> sinks_;
};

}  // namespace shadowdiff

#endif  // SHADOWDIFF_STORE_FANOUT_SINK_H_
