#include "src/core/pending_example.h"

#include <utility>

namespace shadowdiff {

PendingExample::PendingExample(const ExampleInput& input, const ExampleLimits& limits,
                               const ExampleRedactor* redactor)
    : input_(input),
      limits_(limits),
      redactor_(redactor),
      head_(ExampleHead(input, limits, redactor)) {}

PendingExample::PendingExample(std::shared_ptr<const ExampleRecord> record)
    : record_(std::move(record)) {}

const std::shared_ptr<const ExampleRecord>& PendingExample::Record() {
  if (record_ == nullptr) {
    record_ = std::make_shared<const ExampleRecord>(BuildExampleRecord(input_, limits_, redactor_));
  }
  return record_;
}

}  // namespace shadowdiff
