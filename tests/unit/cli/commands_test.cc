// In-process tests of `shadowdiff check` and `shadowdiff diff`: exit codes and exact output.
#include <gtest/gtest.h>

#include <iostream>
#include <sstream>
#include <string>
#include <vector>

#include "src/cli/commands.h"

namespace shadowdiff::cli {
namespace {

const std::string kData = std::string(SHADOWDIFF_TESTDATA) + "/cli/";

struct CommandRun {
  int code;
  std::string out;
  std::string err;
};

CommandRun Check(std::vector<std::string> args) {
  std::ostringstream out, err;
  int code = RunCheck(args, out, err);
  return {code, out.str(), err.str()};
}

CommandRun Diff(std::vector<std::string> args) {
  std::ostringstream out, err;
  int code = RunDiff(args, out, err);
  return {code, out.str(), err.str()};
}

TEST(CheckCommandTest, ValidConfigListsEndpoints) {
  CommandRun r = Check({"-c", kData + "rules.yaml"});
  EXPECT_EQ(r.code, kExitOk) << r.err;
  EXPECT_NE(r.out.find("rules.yaml: valid, 1 endpoint\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("GET  /customers/{token}  shadow: compare"), std::string::npos) << r.out;
  // No targets: check says what `proxy` will need.
  EXPECT_NE(r.out.find("note: "), std::string::npos) << r.out;
}

TEST(CheckCommandTest, EveryErrorWithItsPosition) {
  CommandRun r = Check({"-c", kData + "bad.yaml"});
  EXPECT_EQ(r.code, kExitFindings);
  EXPECT_NE(r.err.find(kData + "bad.yaml:2:3: unknown key `sampel`, did you mean `sample`?"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find(kData + "bad.yaml:3:15: "), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("invalid (2 errors)"), std::string::npos) << r.err;
}

TEST(CheckCommandTest, UsageErrors) {
  EXPECT_EQ(Check({}).code, kExitError);
  EXPECT_EQ(Check({}).err,
            "shadowdiff check: which config? Use -c FILE (e.g. -c endpoints.yaml)\n");
  EXPECT_EQ(Check({"--sample"}).code, kExitError);
  EXPECT_EQ(Check({"endpoints.yaml"}).code, kExitError);
  CommandRun missing = Check({"-c", kData + "no-such.yaml"});
  EXPECT_EQ(missing.code, kExitError);
  EXPECT_NE(missing.err.find("no-such.yaml"), std::string::npos) << missing.err;
}

TEST(CheckCommandTest, HelpExitsZero) {
  CommandRun r = Check({"--help"});
  EXPECT_EQ(r.code, kExitOk);
  EXPECT_EQ(r.out.rfind("usage: shadowdiff check -c FILE\n", 0), 0u) << r.out;
}

TEST(DiffCommandTest, EqualBodiesExitZero) {
  CommandRun r = Diff({kData + "old.json", kData + "old.json"});
  EXPECT_EQ(r.code, kExitOk) << r.err;
  EXPECT_EQ(r.out, "equal\n");
}

TEST(DiffCommandTest, BuiltInRulesSeeEverything) {
  CommandRun r = Diff({kData + "old.json", kData + "new.json"});
  EXPECT_EQ(r.code, kExitFindings) << r.err;
  EXPECT_NE(r.out.find("$.customer.updated_at"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("$.customer.request_id"), std::string::npos) << r.out;
  // 10 and 10.0 are the same number under any rules.
  EXPECT_EQ(r.out.find("balance"), std::string::npos) << r.out;
}

TEST(DiffCommandTest, EndpointRulesIgnoreAndPairByKey) {
  CommandRun r = Diff({kData + "old.json", kData + "new.json", "-c", kData + "rules.yaml",
                       "--endpoint", "GET /customers/c1?expand=addresses"});
  EXPECT_EQ(r.code, kExitFindings) << r.err;
  EXPECT_EQ(r.out,
            "$.customer.addresses[0].zip  value  \"111\" -> \"119\"\n"
            "1 difference (0 missing, 0 extra, 1 value, 0 type)\n");
}

TEST(DiffCommandTest, ConfigDefaultsApplyWithoutEndpoint) {
  CommandRun r = Diff({kData + "old.json", kData + "new.json", "-c", kData + "rules.yaml"});
  EXPECT_EQ(r.code, kExitFindings);
  EXPECT_EQ(r.out.find("updated_at"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("request_id"), std::string::npos) << r.out;
}

TEST(DiffCommandTest, JsonOutput) {
  CommandRun r = Diff({kData + "old.json", kData + "new.json", "-c", kData + "rules.yaml",
                       "--endpoint", "GET /customers/c1", "--json"});
  EXPECT_EQ(r.code, kExitFindings);
  EXPECT_EQ(r.out,
            "{\"equal\":false,\"diffs\":[{\"path\":\"$.customer.addresses[0].zip\",\"kind\":"
            "\"value\",\"old\":\"111\",\"new\":\"119\"}],\"truncated\":false}\n");
}

TEST(DiffCommandTest, InvalidJsonIsADifferenceNotACrash) {
  CommandRun r = Diff({kData + "old.json", kData + "broken.json", "--as", "json"});
  EXPECT_EQ(r.code, kExitFindings);
  EXPECT_NE(r.out.find("invalid_json"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("new: invalid JSON at offset"), std::string::npos) << r.out;
}

TEST(DiffCommandTest, ReadsOneBodyFromStandardInput) {
  std::istringstream input(R"({"customer": {"id": "c1", "balance": 11}})");
  std::streambuf* saved = std::cin.rdbuf(input.rdbuf());
  CommandRun r = Diff({kData + "old.json", "-"});
  std::cin.rdbuf(saved);
  EXPECT_EQ(r.code, kExitFindings) << r.err;
  EXPECT_NE(r.out.find("value    10 -> 11"), std::string::npos) << r.out;
}

TEST(DiffCommandTest, ErrorsExitTwoWithAReason) {
  CommandRun missing = Diff({kData + "old.json", kData + "nope.json"});
  EXPECT_EQ(missing.code, kExitError);
  EXPECT_NE(missing.err.find("cannot open `" + kData + "nope.json`"), std::string::npos);

  CommandRun one = Diff({kData + "old.json"});
  EXPECT_EQ(one.code, kExitError);
  EXPECT_EQ(one.err, "shadowdiff diff: expected two bodies, OLD and NEW (got 1); see --help\n");

  CommandRun no_config = Diff({kData + "old.json", kData + "new.json", "--endpoint", "GET /x"});
  EXPECT_EQ(no_config.code, kExitError);
  EXPECT_NE(no_config.err.find("add -c FILE"), std::string::npos);

  CommandRun no_match = Diff({kData + "old.json", kData + "new.json", "-c", kData + "rules.yaml",
                              "--endpoint", "POST /customers/c1"});
  EXPECT_EQ(no_match.code, kExitError);
  EXPECT_NE(no_match.err.find("matches POST /customers/c1; its endpoints are:\n  GET "
                              "/customers/{token}"),
            std::string::npos)
      << no_match.err;

  CommandRun bad_endpoint = Diff(
      {kData + "old.json", kData + "new.json", "-c", kData + "rules.yaml", "--endpoint", "GET"});
  EXPECT_EQ(bad_endpoint.code, kExitError);

  CommandRun bad_kind = Diff({kData + "old.json", kData + "new.json", "--as", "xml"});
  EXPECT_EQ(bad_kind.code, kExitError);
  EXPECT_EQ(bad_kind.err,
            "shadowdiff diff: --as takes auto, json, form, text or binary, not `xml`\n");

  CommandRun bad_config = Diff({kData + "old.json", kData + "new.json", "-c", kData + "bad.yaml"});
  EXPECT_EQ(bad_config.code, kExitError);
  EXPECT_NE(bad_config.err.find("did you mean `sample`?"), std::string::npos);
}

}  // namespace
}  // namespace shadowdiff::cli
