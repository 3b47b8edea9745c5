// Test helpers for the config loader tests: load text and get either the Config or the
// formatted errors, with messages that show the other when the expectation fails.
#ifndef SHADOWDIFF_TESTS_UNIT_CORE_CONFIG_TEST_UTIL_H_
#define SHADOWDIFF_TESTS_UNIT_CORE_CONFIG_TEST_UTIL_H_

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <string_view>

#include "src/core/config_loader.h"

namespace shadowdiff::testing {

// Loads `yaml` as "t.yaml"; fails the test (and returns null) if it does not load.
inline std::shared_ptr<const Config> LoadOk(std::string_view yaml) {
  auto result = LoadConfigString(yaml, "t.yaml");
  EXPECT_TRUE(result.ok()) << result.error().message;
  if (!result.ok()) return nullptr;
  return *result;
}

// Loads `yaml` as "t.yaml" and returns the formatted errors ("" if it loaded).
inline std::string LoadErrors(std::string_view yaml) {
  auto result = LoadConfigString(yaml, "t.yaml");
  if (result.ok()) return "";
  return result.error().message;
}

inline std::string Testdata(std::string_view name) {
  return std::string(SHADOWDIFF_TESTDATA) + "/config/" + std::string(name);
}

}  // namespace shadowdiff::testing

#endif  // SHADOWDIFF_TESTS_UNIT_CORE_CONFIG_TEST_UTIL_H_
