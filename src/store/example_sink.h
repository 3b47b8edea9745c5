// ExampleSink: where stored examples go (SPEC.md "Stored mismatch examples"): the JSONL file
// (jsonl_sink.h), the in-memory ring the admin API serves (memory_ring.h), PostgreSQL
// (postgres_sink, its own issue), or several at once (fanout_sink.h).
//
// Records are built once (src/core/example_record.h), and only when a sink keeps them
// (src/core/pending_example.h), then shared, immutable, by every sink that keeps them, hence
// shared_ptr<const ExampleRecord>.
//
// Contract for implementations: Offer is thread-safe and never blocks the caller on I/O, on
// a slow disk or database, or on another sink: a sink that cannot take a record now drops it
// and counts the drop. Offer may be called from comparison workers at any rate. A sink
// decides on example.head() first and calls example.Record() only for a record it keeps,
// outside its locks (building takes ~100 us); a record its budget admitted may still be
// dropped when, built, it does not fit the sink's queue (the budget stays charged).
#ifndef SHADOWDIFF_STORE_EXAMPLE_SINK_H_
#define SHADOWDIFF_STORE_EXAMPLE_SINK_H_

#include <memory>
#include <utility>

#include "src/core/example_record.h"
#include "src/core/pending_example.h"

namespace shadowdiff {

class ExampleSink {
 public:
  virtual ~ExampleSink() = default;
  virtual void Offer(PendingExample& example) = 0;
  // An already built record; `record` is non-null.
  void Offer(std::shared_ptr<const ExampleRecord> record) {
    PendingExample example(std::move(record));
    Offer(example);
  }
};

}  // namespace shadowdiff

#endif  // SHADOWDIFF_STORE_EXAMPLE_SINK_H_
