// The replay progress line and its ETA (src/replay/replay_progress.h): from --limit, from the
// input bytes read against the inputs' size, the earlier of both, and none when neither is
// known or nothing is left to send.
#include "src/replay/replay_progress.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace shadowdiff {
namespace {

using ::testing::EndsWith;
using ::testing::HasSubstr;
using ::testing::Not;
using ::testing::Optional;

ReplayProgress At(uint64_t sent, double seconds) {
  ReplayProgress p;
  p.sent = sent;
  p.seconds = seconds;
  return p;
}

TEST(ReplayProgress, EtaFromTheLimit) {
  ReplayProgress p = At(100, 2);  // 50/s
  p.limit = 300;
  EXPECT_THAT(EstimateSecondsLeft(p), Optional(4.0));
  p.sent = 300;
  EXPECT_EQ(EstimateSecondsLeft(p), std::nullopt);  // all sent
  p.sent = 0;
  EXPECT_EQ(EstimateSecondsLeft(p), std::nullopt);  // no rate yet
}

TEST(ReplayProgress, EtaFromTheInputBytesWithoutALimit) {
  ReplayProgress p = At(10, 3);
  p.input_bytes_read = 250;
  p.input_bytes_total = 1000;  // a quarter in 3 s: three quarters in 9 s
  EXPECT_THAT(EstimateSecondsLeft(p), Optional(9.0));
  // Sums over several inputs work the same: the runner passes sums.
  p.input_bytes_read = 750;
  EXPECT_THAT(EstimateSecondsLeft(p), Optional(1.0));
  p.input_bytes_read = 1000;  // read to the end: only requests in flight remain
  EXPECT_EQ(EstimateSecondsLeft(p), std::nullopt);
  p.input_bytes_read = 0;  // nothing measured yet
  EXPECT_EQ(EstimateSecondsLeft(p), std::nullopt);
}

TEST(ReplayProgress, NoEtaWhenTheInputSizeIsUnknown) {
  ReplayProgress p = At(10, 3);
  p.input_bytes_read = 250;  // a pipe: bytes read, but no size
  EXPECT_EQ(EstimateSecondsLeft(p), std::nullopt);
  EXPECT_EQ(EstimateSecondsLeft(At(0, 0)), std::nullopt);
}

TEST(ReplayProgress, TheEarlierOfLimitAndInputWins) {
  ReplayProgress p = At(100, 2);  // 50/s
  p.limit = 200;                  // 2 s left by the limit
  p.input_bytes_read = 100;
  p.input_bytes_total = 1000;  // 18 s left by the input
  EXPECT_THAT(EstimateSecondsLeft(p), Optional(2.0));
  p.limit = 100000;  // 1998 s by the limit: the input ends first
  EXPECT_THAT(EstimateSecondsLeft(p), Optional(18.0));
}

TEST(ReplayProgress, LineShowsTheEtaOnlyWhenKnown) {
  ReplayProgress p = At(120, 2);
  p.counts[Outcome::kMatch] = 90;
  p.counts[Outcome::kMismatch] = 10;
  p.counts[Outcome::kShadowError] = 2;
  EXPECT_EQ(FormatProgressLine(p),
            "sent 120 (60/s) | compared 100 | match 90.0% | mismatch 10 | errors 2");
  p.input_bytes_read = 400;
  p.input_bytes_total = 1000;
  EXPECT_THAT(FormatProgressLine(p), EndsWith(" | errors 2 | ETA 3s"));
  p.input_bytes_total.reset();
  EXPECT_THAT(FormatProgressLine(p), Not(HasSubstr("ETA")));
  EXPECT_THAT(FormatProgressLine(At(0, 0.2)), HasSubstr("| match - |"));
}

}  // namespace
}  // namespace shadowdiff
