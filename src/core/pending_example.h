// PendingExample: a stored-example record (example_record.h) that is built only if a sink
// keeps it.
//
// Building a record (copying, decoding, redacting and re-serialising up to three bodies)
// costs about a hundred times a sink's budget check, and in a flood of one mismatch the
// budgets refuse nearly every record. So a report hands its sinks a PendingExample: head()
// is the record's metadata (ExampleHead: time, endpoint, method, outcome, fields; json
// empty), which is all a budget decides on, and Record() builds the whole record the first
// time it is called and returns that same record after.
//
// Not thread-safe: one lives for one report on one thread, which offers it to the sinks in
// turn. The ExampleInput's pointees (request, responses, comparison) must outlive it.
#ifndef SHADOWDIFF_CORE_PENDING_EXAMPLE_H_
#define SHADOWDIFF_CORE_PENDING_EXAMPLE_H_

#include <memory>

#include "src/core/example_record.h"

namespace shadowdiff {

class PendingExample {
 public:
  // Built from `input` on demand; `redactor` (may be null) is borrowed like the input.
  PendingExample(const ExampleInput& input, const ExampleLimits& limits,
                 const ExampleRedactor* redactor);
  // Already built; `record` is non-null.
  explicit PendingExample(std::shared_ptr<const ExampleRecord> record);

  PendingExample(const PendingExample&) = delete;
  PendingExample& operator=(const PendingExample&) = delete;

  // The metadata; equal to Record()'s except that json is empty until built.
  const ExampleRecord& head() const { return record_ != nullptr ? *record_ : head_; }
  // Builds the record on the first call.
  const std::shared_ptr<const ExampleRecord>& Record();
  bool built() const { return record_ != nullptr; }

 private:
  ExampleInput input_;
  ExampleLimits limits_;
  const ExampleRedactor* redactor_ = nullptr;
  ExampleRecord head_;
  std::shared_ptr<const ExampleRecord> record_;
};

}  // namespace shadowdiff

#endif  // SHADOWDIFF_CORE_PENDING_EXAMPLE_H_
