// The structured log line: JSON escaping and card masking of values.
#include "src/io/log.h"

#include <gtest/gtest.h>

namespace shadowdiff::log {
namespace {

TEST(LogLine, IsOneJsonObjectWithEscapedValues) {
  std::string line = FormatLine(Level::kWarn, "upstream_error", {{"error", "bad \"x\"\n"}});
  EXPECT_EQ(line.back(), '\n');
  EXPECT_NE(line.find("\"level\":\"warn\""), std::string::npos);
  EXPECT_NE(line.find("\"event\":\"upstream_error\""), std::string::npos);
  EXPECT_NE(line.find(R"("error":"bad \"x\"\n")"), std::string::npos) << line;
}

TEST(LogLine, MasksCardNumbersInValues) {
  std::string line = FormatLine(Level::kInfo, "request",
                                {{"target", "/pay?card=4111111111111111&x=1"},
                                 {"note", "card 5555-5555-5555-4444 declined"}});
  EXPECT_EQ(line.find("4111111111111111"), std::string::npos) << line;
  EXPECT_EQ(line.find("5555-5555-5555-4444"), std::string::npos) << line;
  EXPECT_NE(line.find("card=411111"), std::string::npos) << line;     // first six kept
  EXPECT_NE(line.find("-4444 declined"), std::string::npos) << line;  // last four kept
}

}  // namespace
}  // namespace shadowdiff::log
