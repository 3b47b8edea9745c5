#include "src/core/shadow_policy.h"

#include <gtest/gtest.h>

#include "src/core/config_loader.h"

namespace shadowdiff {
namespace {

std::shared_ptr<const Config> Load(const std::string& yaml) {
  auto config = LoadConfigString(yaml, "test.yaml");
  EXPECT_TRUE(config.ok()) << config.error().message;
  return config.ok() ? *config : nullptr;
}

const char* kConfig = R"(
targets: {old: "http://127.0.0.1:1", new: "http://127.0.0.1:2"}
defaults: {sample: 0.25}
endpoints:
  - path: /read
    methods: [GET]
  - path: /write
    methods: [POST]
    shadow: rollback
    rollback: {order: before_primary}
  - path: /never
    methods: [GET]
    shadow: "off"
  - path: /flip
    methods: [GET]
    cutover_percent: 30
    sample: 1
)";

TEST(ShadowPolicyTest, SamplesTheConfiguredShare) {
  auto config = Load(kConfig);
  const Endpoint* read = config->endpoints.Match("GET", "/read");
  ASSERT_NE(read, nullptr);
  ShadowDecision in = DecideShadow(*config, read, "GET", false, 0.9, 0.2);
  EXPECT_TRUE(in.shadowed());
  EXPECT_EQ(in.primary, Side::kOld);
  EXPECT_EQ(in.shadow(), Side::kNew);
  EXPECT_EQ(in.mode, ShadowMode::kCompare);
  ShadowDecision out = DecideShadow(*config, read, "GET", false, 0.9, 0.25);
  EXPECT_EQ(out.skip, ShadowSkip::kSampledOut);
  EXPECT_EQ(ShadowSkipName(*out.skip), "sampled_out");
}

TEST(ShadowPolicyTest, RollbackEndpointsCarryModeAndOrder) {
  auto config = Load(kConfig);
  const Endpoint* write = config->endpoints.Match("POST", "/write");
  ShadowDecision d = DecideShadow(*config, write, "POST", false, 0.9, 0.0);
  EXPECT_TRUE(d.shadowed());
  EXPECT_EQ(d.mode, ShadowMode::kRollback);
  EXPECT_EQ(d.order, RollbackOrder::kBeforePrimary);
}

TEST(ShadowPolicyTest, TrippedAndOffAreNotShadowed) {
  auto config = Load(kConfig);
  const Endpoint* write = config->endpoints.Match("POST", "/write");
  EXPECT_EQ(DecideShadow(*config, write, "POST", true, 0.9, 0.0).skip, ShadowSkip::kTripped);
  const Endpoint* never = config->endpoints.Match("GET", "/never");
  EXPECT_EQ(DecideShadow(*config, never, "GET", false, 0.9, 0.0).skip, ShadowSkip::kOff);
}

TEST(ShadowPolicyTest, CutoverFlipsThePrimaryForItsShare) {
  auto config = Load(kConfig);
  const Endpoint* flip = config->endpoints.Match("GET", "/flip");
  ShadowDecision flipped = DecideShadow(*config, flip, "GET", false, 0.29, 0.5);
  EXPECT_EQ(flipped.primary, Side::kNew);
  EXPECT_EQ(flipped.shadow(), Side::kOld);
  EXPECT_TRUE(flipped.shadowed());
  EXPECT_EQ(DecideShadow(*config, flip, "GET", false, 0.30, 0.5).primary, Side::kOld);
}

TEST(ShadowPolicyTest, UnmatchedFollowsThePolicy) {
  auto config = Load(kConfig);
  EXPECT_EQ(DecideShadow(*config, nullptr, "GET", false, 0.9, 0.0).skip, ShadowSkip::kUnmatched);

  auto safe = Load(std::string(kConfig) + "unmatched: shadow_safe_methods\n");
  ShadowDecision get = DecideShadow(*safe, nullptr, "GET", false, 0.9, 0.0);
  EXPECT_TRUE(get.shadowed());
  EXPECT_EQ(get.settings, &safe->defaults);
  EXPECT_EQ(DecideShadow(*safe, nullptr, "POST", false, 0.9, 0.0).skip, ShadowSkip::kUnmatched);
  EXPECT_EQ(DecideShadow(*safe, nullptr, "GET", false, 0.9, 0.3).skip, ShadowSkip::kSampledOut);
}

TEST(ShadowPolicyTest, NoShadowTargetMeansNoShadow) {
  auto config = Load(
      "targets: {old: \"http://127.0.0.1:1\"}\nendpoints:\n  - path: /a\n"
      "    methods: [GET]\n");
  const Endpoint* a = config->endpoints.Match("GET", "/a");
  EXPECT_EQ(DecideShadow(*config, a, "GET", false, 0.9, 0.0).skip, ShadowSkip::kNoTarget);
}

}  // namespace
}  // namespace shadowdiff
