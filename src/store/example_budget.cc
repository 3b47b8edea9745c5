#include "src/store/example_budget.h"

#include <string_view>
#include <vector>

namespace shadowdiff {

ExampleBudget::ExampleBudget(Options options) : options_(options) {
  if (options_.window.count() <= 0) options_.window = std::chrono::seconds(3600);
}

bool ExampleBudget::Admit(const ExampleRecord& record) {
  int64_t window =
      std::chrono::floor<std::chrono::seconds>(record.time).time_since_epoch().count() /
      options_.window.count();
  if (window > window_) {
    window_ = window;
    counts_.clear();
  }

  std::string endpoint_key = record.endpoint + '\n' + record.method;
  // A counter's value without creating it (0 when absent).
  auto used = [this](const std::string& key) -> uint32_t {
    auto it = counts_.find(key);
    return it == counts_.end() ? 0 : it->second;
  };
  auto has_room = [this](const std::string& key) {
    return counts_.count(key) > 0 || counts_.size() < options_.max_keys;
  };

  if (options_.per_endpoint != 0 &&
      (used(endpoint_key) >= options_.per_endpoint || !has_room(endpoint_key))) {
    ++refused_;
    return false;
  }
  std::vector<std::string> field_keys;
  if (record.fields.empty()) {
    field_keys.push_back(endpoint_key + "\noutcome:" + std::string(OutcomeName(record.outcome)));
  } else {
    field_keys.reserve(record.fields.size());
    for (const std::string& field : record.fields)
      field_keys.push_back(endpoint_key + '\n' + field);
  }
  bool any_room = options_.per_field == 0;
  for (const std::string& key : field_keys) {
    if (any_room) break;
    any_room = has_room(key) && used(key) < options_.per_field;
  }
  if (!any_room) {
    ++refused_;
    return false;
  }
  if (options_.per_endpoint != 0) ++counts_[endpoint_key];
  if (options_.per_field != 0) {
    for (const std::string& key : field_keys) {
      if (has_room(key)) ++counts_[key];
    }
  }
  return true;
}

}  // namespace shadowdiff
