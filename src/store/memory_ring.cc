#include "src/store/memory_ring.h"

#include <algorithm>
#include <string>
#include <utility>

namespace shadowdiff {

MemoryRing::MemoryRing(Options options) : options_(options), budget_(options.budget) {}

void MemoryRing::Offer(PendingExample& example) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (options_.capacity == 0) return;
    if (!budget_.Admit(example.head())) {
      ++dropped_budget_;
      return;
    }
  }
  std::shared_ptr<const ExampleRecord> record = example.Record();  // built outside the lock
  if (record->json.size() > options_.max_bytes) return;
  std::shared_ptr<const ExampleRecord> evicted_last;  // released outside the lock
  std::lock_guard<std::mutex> lock(mu_);
  bytes_ += record->json.size();
  records_.push_back(std::move(record));
  while (records_.size() > options_.capacity || bytes_ > options_.max_bytes) {
    bytes_ -= records_.front()->json.size();
    evicted_last = std::move(records_.front());
    records_.pop_front();
  }
}

std::vector<std::shared_ptr<const ExampleRecord>> MemoryRing::Recent(std::string_view endpoint,
                                                                     std::string_view field,
                                                                     size_t limit) const {
  std::vector<std::shared_ptr<const ExampleRecord>> out;
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = records_.rbegin(); it != records_.rend() && out.size() < limit; ++it) {
    const ExampleRecord& record = **it;
    if (!endpoint.empty() && record.endpoint != endpoint) continue;
    if (!field.empty()) {
      bool has_field;
      if (record.fields.empty()) {
        has_field = field == "outcome:" + std::string(OutcomeName(record.outcome));
      } else {
        has_field =
            std::find(record.fields.begin(), record.fields.end(), field) != record.fields.end();
      }
      if (!has_field) continue;
    }
    out.push_back(*it);
  }
  return out;
}

size_t MemoryRing::size() const {
  std::lock_guard<std::mutex> lock(mu_);
  return records_.size();
}

size_t MemoryRing::bytes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return bytes_;
}

uint64_t MemoryRing::dropped_budget() const {
  std::lock_guard<std::mutex> lock(mu_);
  return dropped_budget_;
}

}  // namespace shadowdiff
