// ExampleSink: where stored examples go (SPEC.md "Stored mismatch examples"): the JSONL file
// (jsonl_sink.h), the in-memory ring the admin API serves (memory_ring.h), PostgreSQL
// (postgres_sink, its own issue), or several at once (fanout_sink.h).
//
// Records are built once (src/core/example_record.h) and shared, immutable, by every sink
// that keeps them, hence shared_ptr<const ExampleRecord>.
//
// Contract for implementations: Offer is thread-safe and never blocks the caller on I/O, on
// a slow disk or database, or on another sink: a sink that cannot take a record now drops it
// and counts the drop. Offer may be called from comparison workers at any rate.
#ifndef SHADOWDIFF_STORE_EXAMPLE_SINK_H_
#define SHADOWDIFF_STORE_EXAMPLE_SINK_H_

#include <memory>

#include "src/core/example_record.h"

namespace shadowdiff {

class ExampleSink {
 public:
  virtual ~ExampleSink() = default;
  // `record` is non-null.
  virtual void Offer(std::shared_ptr<const ExampleRecord> record) = 0;
};

}  // namespace shadowdiff

#endif  // SHADOWDIFF_STORE_EXAMPLE_SINK_H_
