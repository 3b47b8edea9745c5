// docs/CONFIG.md against the schema: every key endpoints.yaml accepts (AllConfigKeys, taken
// from the lists the validator uses) must appear in the reference as `dotted.path`, and every
// ```yaml example in it must load, so the reference cannot silently fall behind the code.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "src/core/config_loader.h"
#include "src/core/config_schema.h"

namespace shadowdiff {
namespace {

std::string ReadDoc() {
  std::ifstream in(SHADOWDIFF_CONFIG_DOC);
  EXPECT_TRUE(in) << "cannot read " << SHADOWDIFF_CONFIG_DOC;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// The direct children of `section` ("defaults.compare") among AllConfigKeys().
std::vector<std::string> KeysUnder(std::string_view section) {
  const std::string prefix = std::string(section) + ".";
  std::vector<std::string> out;
  for (const std::string& key : AllConfigKeys()) {
    if (!key.starts_with(prefix)) continue;
    const std::string rest = key.substr(prefix.size());
    if (rest.find('.') == std::string::npos) out.push_back(rest);
  }
  return out;
}

// The keys the validator lists for the mapping where `yaml` puts the unknown key `zzz...`:
// "unknown key `zzz...` in `compare` (valid keys: status, headers, ...)".
std::vector<std::string> ValidKeysReported(std::string_view yaml) {
  auto result = LoadConfigString(yaml, "t.yaml");
  EXPECT_FALSE(result.ok()) << yaml;
  if (result.ok()) return {};
  const std::string& message = result.error().message;
  constexpr std::string_view kOpen = "(valid keys: ";
  const size_t begin = message.find(kOpen);
  const size_t end = message.find(')', begin);
  EXPECT_NE(begin, std::string::npos) << message;
  if (begin == std::string::npos || end == std::string::npos) return {};
  std::vector<std::string> keys;
  std::string_view list(message.data() + begin + kOpen.size(), end - begin - kOpen.size());
  while (!list.empty()) {
    const size_t comma = list.find(", ");
    keys.emplace_back(list.substr(0, comma));
    list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 2);
  }
  return keys;
}

TEST(ConfigDocsTest, EveryAcceptedKeyIsInConfigMd) {
  const std::string doc = ReadDoc();
  ASSERT_FALSE(doc.empty());
  std::string missing;
  for (const std::string& key : AllConfigKeys()) {
    if (doc.find("`" + key + "`") == std::string::npos) missing += "\n  `" + key + "`";
  }
  EXPECT_TRUE(missing.empty()) << "docs/CONFIG.md does not mention these keys the schema "
                                  "accepts (write each as `dotted.path`, with its type, range "
                                  "and default):"
                               << missing;
}

TEST(ConfigDocsTest, EveryYamlExampleInConfigMdLoads) {
  const std::string doc = ReadDoc();
  constexpr std::string_view kOpen = "```yaml\n";
  size_t examples = 0;
  for (size_t at = doc.find(kOpen); at != std::string::npos; at = doc.find(kOpen, at)) {
    at += kOpen.size();
    const size_t end = doc.find("```", at);
    ASSERT_NE(end, std::string::npos) << "unterminated ```yaml block";
    const std::string yaml = doc.substr(at, end - at);
    auto result = LoadConfigString(yaml, "CONFIG.md example");
    EXPECT_TRUE(result.ok()) << result.error().message << "\nin:\n" << yaml;
    ++examples;
  }
  EXPECT_GE(examples, 1u);
}

// A few keys from each kind of list, so that an empty or truncated AllConfigKeys cannot make
// the test above pass vacuously.
TEST(ConfigDocsTest, KeyListCoversEverySection) {
  const std::vector<std::string> keys = AllConfigKeys();
  for (std::string_view key :
       {"listen", "admin.token_env", "targets.secondary", "rollback.order", "unmatched",
        "store.postgres_max_rows_per_endpoint", "capture.max_bytes", "redact",
        "limits.max_inflight_shadow", "limits.max_diffs", "defaults.shadow",
        "defaults.compare.numbers.tolerance", "endpoints[].children", "endpoints[].rollback.order",
        "endpoints[].compare.ignore", "endpoints[].compare.arrays.by_key"}) {
    EXPECT_NE(std::find(keys.begin(), keys.end(), key), keys.end()) << key;
  }
}

// The `compare:` keys in AllConfigKeys (CompareSectionKeys) are exactly what the reader's
// error messages list as valid, section by section.
TEST(ConfigDocsTest, CompareKeysMatchWhatTheValidatorAccepts) {
  const std::string z = "zzzzzzzzzzzzzzzzzzzz";  // too far from every key for a did-you-mean
  EXPECT_EQ(ValidKeysReported("defaults: {compare: {" + z + ": 1}}\n"),
            KeysUnder("defaults.compare"));
  EXPECT_EQ(ValidKeysReported("defaults: {compare: {numbers: {" + z + ": 1}}}\n"),
            KeysUnder("defaults.compare.numbers"));
  EXPECT_EQ(ValidKeysReported("defaults: {compare: {arrays: {\"$.a\": {" + z + ": 1}}}}\n"),
            KeysUnder("defaults.compare.arrays"));
  EXPECT_EQ(KeysUnder("endpoints[].compare"), KeysUnder("defaults.compare"));
}

}  // namespace
}  // namespace shadowdiff
