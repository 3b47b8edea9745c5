// libFuzzer target: arbitrary bytes into the endpoints.yaml loader. The loader must never
// crash, hang, overflow the stack or throw, whatever the input; on success the Config must
// be usable (its endpoint tree answers a match).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "src/core/config_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto result = shadowdiff::LoadConfigString(text, "fuzz.yaml");
  if (result.ok()) {
    const shadowdiff::Config& config = **result;
    (void)config.endpoints.Match("GET", "/merchants/1/customers/2?x=y");
    if (config.default_comparator == nullptr) __builtin_trap();
  } else if (result.error().message.empty()) {
    __builtin_trap();  // every failure must say what is wrong
  }
  return 0;
}
