// Config errors: each kind, with its exact `FILE:LINE:COL: message`, several reported at
// once, and never a Config when there is any error.
#include <gtest/gtest.h>

#include "src/core/config_loader.h"
#include "tests/unit/core/config_test_util.h"

namespace shadowdiff {
namespace {

using testing::LoadErrors;
using testing::Testdata;

TEST(ConfigErrorsTest, UnknownKeyWithDidYouMean) {
  EXPECT_EQ(LoadErrors("defaults:\n  sampel: 0.5\n"),
            "t.yaml:2:3: unknown key `sampel`, did you mean `sample`?");
  EXPECT_EQ(LoadErrors("endpoints:\n  - path: /a\n    method: [GET]\n"),
            "t.yaml:3:5: unknown key `method`, did you mean `methods`?");
  EXPECT_EQ(LoadErrors("targets:\n  olde: http://a:1\n"),
            "t.yaml:2:3: unknown key `olde`, did you mean `old`?");
}

TEST(ConfigErrorsTest, UnknownKeyWithoutSuggestionListsValidKeys) {
  EXPECT_EQ(LoadErrors("capture:\n  colour: red\n"),
            "t.yaml:2:3: unknown key `colour` in `capture` (valid keys: path, sample, gzip, "
            "max_bytes)");
  EXPECT_EQ(LoadErrors("endpoints:\n  - path: /a\n    compare: {zzzzzz: 1}\n"),
            "t.yaml:3:15: unknown key `zzzzzz` in `compare` (valid keys: status, headers, "
            "ignore, arrays, numbers)");
}

TEST(ConfigErrorsTest, WrongTypes) {
  EXPECT_EQ(LoadErrors("defaults:\n  sample: lots\n"),
            "t.yaml:2:11: expected a number between 0 and 1 for `sample`, got `lots`");
  EXPECT_EQ(LoadErrors("defaults:\n  cutover_percent: 101\n"),
            "t.yaml:2:20: expected a number between 0 and 100 for `cutover_percent`, got `101`");
  EXPECT_EQ(LoadErrors("defaults:\n  timeout_ms: 1.5\n"),
            "t.yaml:2:15: expected a whole number between 1 and 3600000 for `timeout_ms`, got "
            "`1.5`");
  EXPECT_EQ(LoadErrors("capture:\n  gzip: yes\n"),
            "t.yaml:2:9: expected true or false for `gzip`, got `yes`");
  EXPECT_EQ(LoadErrors("defaults:\n  compare: {numbers: {tolerance: -1}}\n"),
            "t.yaml:2:34: expected a number >= 0 for `tolerance`, got `-1`");
  EXPECT_EQ(LoadErrors("defaults:\n  compare: [status]\n"),
            "t.yaml:2:12: expected a mapping for `compare`, got a list");
  EXPECT_EQ(LoadErrors("redact: \"$..cvv\"\n"),
            "t.yaml:1:9: expected a list for `redact`, got `$..cvv`");
  EXPECT_EQ(LoadErrors("- a\n- b\n"),
            "t.yaml:1:1: expected a mapping at the top level (keys such as `targets:` and "
            "`endpoints:`), got a list");
}

TEST(ConfigErrorsTest, EnumsSuggestTheNearestValue) {
  EXPECT_EQ(LoadErrors("defaults:\n  primary: olld\n"),
            "t.yaml:2:12: expected `old` or `new` for `primary`, got `olld`, did you mean `old`?");
  EXPECT_EQ(LoadErrors("unmatched: primary\n"),
            "t.yaml:1:12: expected `primary_only` or `shadow_safe_methods` for `unmatched`, got "
            "`primary`");
  EXPECT_EQ(LoadErrors("defaults: {compare: {arrays: unorderd}}\n"),
            "t.yaml:1:30: expected `ordered` or `unordered` for `arrays`, got `unorderd`, did "
            "you mean `unordered`?");
  EXPECT_EQ(LoadErrors("endpoints:\n  - path: /a\n    methods: [get]\n"),
            "t.yaml:3:15: expected an HTTP method such as `GET` or `POST` in `methods`, got "
            "`get`, did you mean `GET`?");
}

TEST(ConfigErrorsTest, ArraysMapErrors) {
  EXPECT_EQ(LoadErrors("defaults: {compare: {arrays: {by_kye: id}}}\n"),
            "t.yaml:1:31: expected `ordered`, `unordered`, `{by_key: KEY}`, or a map from "
            "JSONPath to one of those; `by_kye` is not a JSONPath (they start with `$`), did "
            "you mean `by_key`?");
  EXPECT_EQ(LoadErrors("defaults: {compare: {arrays: {\"$.a\": sorted}}}\n"),
            "t.yaml:1:38: expected `ordered` or `unordered` for `arrays`, got `sorted`");
}

TEST(ConfigErrorsTest, InvalidJsonPathsAreRejectedWithTheParsersMessage) {
  const std::string errors = LoadErrors("defaults: {compare: {ignore: [\"a.b\"]}}\n");
  EXPECT_EQ(errors.substr(0, 49), "t.yaml:1:31: invalid JSONPath in `ignore`: JSONPa");
  EXPECT_NE(errors.find("expected `$` at the start"), std::string::npos) << errors;
  const std::string redact = LoadErrors("redact: [\"header:\", \"$.a[\"]\n");
  EXPECT_NE(redact.find("t.yaml:1:10: expected `header:NAME` (e.g. `header:authorization`) in "
                        "`redact`, got `header:`"),
            std::string::npos)
      << redact;
  EXPECT_NE(redact.find("t.yaml:1:21: expected a JSONPath (e.g. `$..cvv`) or `header:NAME` in "
                        "`redact`: "),
            std::string::npos)
      << redact;
}

TEST(ConfigErrorsTest, Addresses) {
  EXPECT_EQ(LoadErrors("targets:\n  old: https://a:1\n"),
            "t.yaml:2:8: `targets.old`: `https://a:1` is not an http://HOST:PORT[/BASE] URL: "
            "https targets are not supported yet; point shadowdiff at a plain-HTTP address "
            "(e.g. a local TLS-terminating sidecar)");
  EXPECT_EQ(LoadErrors("targets:\n  new: http://a:99999\n"),
            "t.yaml:2:8: `targets.new`: `http://a:99999` is not an http://HOST:PORT[/BASE] URL: "
            "port `99999` must be a number from 1 to 65535");
  EXPECT_EQ(LoadErrors("targets:\n  new: 127.0.0.1:8002\n"),
            "t.yaml:2:8: `targets.new`: `127.0.0.1:8002` is not an http://HOST:PORT[/BASE] URL: "
            "it must start with `http://`");
  EXPECT_EQ(LoadErrors("listen: localhost\n"),
            "t.yaml:1:9: `listen`: `localhost` is not HOST:PORT: missing `:PORT`");
  EXPECT_EQ(LoadErrors("admin: {token_env: \"s3cr3t value\"}\n"),
            "t.yaml:1:20: `token_env` names an environment variable (letters, digits, `_`), "
            "got `s3cr3t value`; put the secret itself in the environment, not in this file");
}

TEST(ConfigErrorsTest, PathTemplates) {
  EXPECT_EQ(LoadErrors("endpoints:\n  - path: customers\n"),
            "t.yaml:2:11: `path` must start with `/`, got `customers`");
  EXPECT_EQ(LoadErrors("endpoints:\n  - path: /a/{id}/b/{id}\n    methods: [GET]\n"),
            "t.yaml:2:11: path `/a/{id}/b/{id}`: parameter `{id}` appears twice");
  // Duplicates across a parent and a child are found in the full template.
  EXPECT_EQ(LoadErrors("endpoints:\n  - path: /a/{id}\n    methods: [GET]\n    children:\n"
                       "      - path: /{id}\n        methods: [GET]\n"),
            "t.yaml:5:15: path `/a/{id}/{id}`: parameter `{id}` appears twice");
  EXPECT_EQ(LoadErrors("endpoints:\n  - path: /a/cus_{id}\n"),
            "t.yaml:2:11: path `/a/cus_{id}`: segment `cus_{id}`: a parameter must be a whole "
            "segment, like `{id}`");
  EXPECT_EQ(LoadErrors("endpoints:\n  - path: /a/\n"),
            "t.yaml:2:11: path `/a/`: must not end with `/` (a trailing slash in a request is "
            "ignored when matching, so write the path without it)");
  EXPECT_EQ(LoadErrors("endpoints:\n  - methods: [GET]\n"),
            "t.yaml:2:5: endpoint without `path:` (e.g. `path: /customers/{token}`)");
}

TEST(ConfigErrorsTest, OverlappingEndpoints) {
  auto result = LoadConfigFile(Testdata("bad_overlap.yaml"));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().message,
            Testdata("bad_overlap.yaml") +
                ":4:11: endpoint `/customers/{token}` overlaps `/customers/{id}` (line 2): both "
                "serve HEAD; give each a different `methods:` list or remove one");
}

TEST(ConfigErrorsTest, NonIdempotentCompareNeedsAllowSideEffects) {
  EXPECT_EQ(LoadErrors("endpoints:\n  - path: /c\n    methods: [POST]\n    shadow: compare\n"),
            "t.yaml:4:13: endpoint `/c` is not idempotent (it serves POST, not only GET, HEAD "
            "or OPTIONS) but has `shadow: compare`: the shadow call would really write to the "
            "new service. Use `shadow: rollback` (the shadow service rolls its transaction "
            "back) or, if the side effects are harmless, say `allow_side_effects: true`");
  // Inherited from `defaults:`: reported at the endpoint, naming where it came from.
  EXPECT_EQ(LoadErrors("defaults:\n  shadow: compare\nendpoints:\n  - path: /c\n"
                       "    idempotent: false\n    methods: [GET]\n"),
            "t.yaml:4:5: endpoint `/c` is not idempotent (it says `idempotent: false`) but has "
            "`shadow: compare` (inherited from line 2): the shadow call would really write to "
            "the new service. Use `shadow: rollback` (the shadow service rolls its transaction "
            "back) or, if the side effects are harmless, say `allow_side_effects: true`");
}

TEST(ConfigErrorsTest, DuplicateKeys) {
  EXPECT_EQ(LoadErrors("defaults:\n  sample: 1\n  sample: 0.5\n"),
            "t.yaml:3:3: duplicate key `sample` (first at line 2)");
}

TEST(ConfigErrorsTest, YamlSyntaxErrorHasPosition) {
  auto result = LoadConfigFile(Testdata("bad_syntax.yaml"));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().message,
            Testdata("bad_syntax.yaml") +
                ":3:7: YAML syntax error: illegal map value (check the indentation of this line "
                "against the lines above; YAML nests by indentation, with spaces only)");
}

TEST(ConfigErrorsTest, AllErrorsAreReportedTogetherInFileOrder) {
  std::vector<ConfigError> errors;
  auto result = LoadConfigFile(Testdata("bad_many_errors.yaml"), &errors);
  ASSERT_FALSE(result.ok());
  const std::string f = Testdata("bad_many_errors.yaml");
  ASSERT_EQ(errors.size(), 6u) << result.error().message;
  EXPECT_EQ(errors[0].Format(),
            f + ":1:9: `listen`: `127.0.0.1` is not HOST:PORT: missing `:PORT`");
  EXPECT_EQ(errors[1].mark, (SourceMark{3, 8}));
  EXPECT_EQ(errors[2].Format(), f + ":6:3: unknown key `sampel`, did you mean `sample`?");
  EXPECT_EQ(errors[3].Format(),
            f + ":7:11: expected a number between 0 and 1 for `sample`, got `lots`");
  EXPECT_EQ(errors[4].mark, (SourceMark{11, 13}));
  EXPECT_EQ(errors[4].file, f);
  EXPECT_EQ(errors[5].Format(), f + ":12:11: path `/customers/{id}/x/{id}`: parameter `{id}` "
                                    "appears twice");
  // The single message is the same list, one per line.
  std::string joined;
  for (const ConfigError& e : errors) joined += (joined.empty() ? "" : "\n") + e.Format();
  EXPECT_EQ(result.error().message, joined);
}

TEST(ConfigErrorsTest, MissingFile) {
  std::vector<ConfigError> errors;
  auto result = LoadConfigFile("/nonexistent/endpoints.yaml", &errors);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().message,
            "/nonexistent/endpoints.yaml: cannot read the config: no such file (pass the right "
            "path with -c)");
  ASSERT_EQ(errors.size(), 1u);
  EXPECT_EQ(errors[0].mark, (SourceMark{0, 0}));
}

TEST(ConfigErrorsTest, ErrorFloodIsCapped) {
  std::string yaml = "defaults:\n";
  for (int i = 0; i < 300; ++i) yaml += "  bogus_key_" + std::to_string(i) + ": 1\n";
  const std::string errors = LoadErrors(yaml);
  EXPECT_EQ(std::count(errors.begin(), errors.end(), '\n'), 100);
  EXPECT_NE(errors.find("t.yaml: 200 more error(s) not shown"), std::string::npos);
}

}  // namespace
}  // namespace shadowdiff
