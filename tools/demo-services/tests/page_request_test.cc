#include "tools/demo-services/common/page_request.h"

#include <gtest/gtest.h>

namespace demo {
namespace {

TEST(ParsePageRequest, DefaultsAndValues) {
  auto empty = ParsePageRequest("");
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->limit, 20);
  EXPECT_FALSE(empty->after);
  auto given = ParsePageRequest("x=1&limit=100&after=cus%5F1");
  ASSERT_TRUE(given.ok());
  EXPECT_EQ(given->limit, 100);
  EXPECT_EQ(given->after, "cus_1");
  EXPECT_FALSE(ParsePageRequest("after=")->after);
}

TEST(ParsePageRequest, RejectsBadLimitsWithTheRange) {
  for (const char* bad : {"limit=0", "limit=101", "limit=", "limit=1x", "limit=-1", "limit=1.5"}) {
    auto page = ParsePageRequest(bad);
    ASSERT_FALSE(page.ok()) << bad;
    EXPECT_EQ(page.error().message, "limit must be an integer from 1 to 100");
  }
  EXPECT_EQ(ParsePageRequest("limit=1&limit=2").error().message, "limit is given more than once");
  EXPECT_FALSE(ParsePageRequest("after=%g1").ok());
}

}  // namespace
}  // namespace demo
