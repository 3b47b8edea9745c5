#include "src/cli/args.h"

#include <gtest/gtest.h>

namespace shadowdiff::cli {
namespace {

const std::vector<FlagSpec> kSpecs = {
    {"config", 'c', true, "FILE", "the endpoints.yaml"},
    {"endpoint", 0, true, "'METHOD /path'", "endpoint whose rules apply"},
    {"json", 0, false, "", "machine-readable output"},
};

TEST(ArgsTest, LongShortInlineAndPositionals) {
  auto r =
      ParseArgs({"old.json", "-c", "e.yaml", "--endpoint=GET /a", "--json", "new.json"}, kSpecs);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->Value("config"), "e.yaml");
  EXPECT_EQ(r->Value("endpoint"), "GET /a");
  EXPECT_TRUE(r->Has("json"));
  EXPECT_FALSE(r->Has("missing"));
  EXPECT_EQ(r->positionals, (std::vector<std::string>{"old.json", "new.json"}));
}

TEST(ArgsTest, DoubleDashEndsFlags) {
  auto r = ParseArgs({"--", "--json", "-"}, kSpecs);
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->Has("json"));
  EXPECT_EQ(r->positionals, (std::vector<std::string>{"--json", "-"}));
}

TEST(ArgsTest, ErrorsNameTheProblem) {
  EXPECT_EQ(ParseArgs({"--jsno"}, kSpecs).error().message,
            "unknown option `--jsno`; see --help for the options this command takes");
  EXPECT_EQ(ParseArgs({"-c"}, kSpecs).error().message, "option `-c` needs a value (FILE)");
  EXPECT_EQ(ParseArgs({"--json=yes"}, kSpecs).error().message, "option `--json` takes no value");
  EXPECT_EQ(ParseArgs({"-c", "a", "--config", "b"}, kSpecs).error().message,
            "option `--config` is given more than once");
}

TEST(ArgsTest, HelpIsAligned) {
  EXPECT_EQ(FlagHelp(kSpecs),
            "  -c, --config FILE               the endpoints.yaml\n"
            "      --endpoint 'METHOD /path'   endpoint whose rules apply\n"
            "      --json                      machine-readable output\n");
}

}  // namespace
}  // namespace shadowdiff::cli
