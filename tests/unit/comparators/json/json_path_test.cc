#include "comparators/json/json_path.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace shadowdiff {
namespace {

using Kind = JsonPathSegment::Kind;

std::vector<JsonPathSegment> SegmentsOf(std::string_view text) {
  Result<JsonPath> path = JsonPath::Parse(text);
  EXPECT_TRUE(path.ok()) << text << ": " << (path.ok() ? "" : path.error().message);
  return path.ok() ? path->segments() : std::vector<JsonPathSegment>{};
}

JsonPathSegment Key(std::string key) { return {Kind::kKey, std::move(key), 0}; }
JsonPathSegment Index(size_t i) { return {Kind::kIndex, "", i}; }
JsonPathSegment Any() { return {Kind::kAny, "", 0}; }
JsonPathSegment DescKey(std::string key) { return {Kind::kDescendantKey, std::move(key), 0}; }
JsonPathSegment DescAny() { return {Kind::kDescendantAny, "", 0}; }

TEST(JsonPathParse, ValidForms) {
  EXPECT_EQ(SegmentsOf("$"), std::vector<JsonPathSegment>{});
  EXPECT_EQ(SegmentsOf("$.a.b"), (std::vector{Key("a"), Key("b")}));
  EXPECT_EQ(SegmentsOf("$.a[*].b"), (std::vector{Key("a"), Any(), Key("b")}));
  EXPECT_EQ(SegmentsOf("$..updated_at"), (std::vector{DescKey("updated_at")}));
  EXPECT_EQ(SegmentsOf("$.a[3]"), (std::vector{Key("a"), Index(3)}));
  EXPECT_EQ(SegmentsOf("$['odd key'].x"), (std::vector{Key("odd key"), Key("x")}));
  EXPECT_EQ(SegmentsOf("$[\"dq\"]"), (std::vector{Key("dq")}));
  EXPECT_EQ(SegmentsOf("$['it\\'s']"), (std::vector{Key("it's")}));
  EXPECT_EQ(SegmentsOf("$.*"), (std::vector{Any()}));
  EXPECT_EQ(SegmentsOf("$..*"), (std::vector{DescAny()}));
  EXPECT_EQ(SegmentsOf("$..['a b']"), (std::vector{DescKey("a b")}));
  EXPECT_EQ(SegmentsOf("$.x-request-id"), (std::vector{Key("x-request-id")}));
  EXPECT_EQ(SegmentsOf("$[0][12]"), (std::vector{Index(0), Index(12)}));
}

std::string ErrorOf(std::string_view text) {
  Result<JsonPath> path = JsonPath::Parse(text);
  EXPECT_FALSE(path.ok()) << text;
  return path.ok() ? "" : path.error().message;
}

TEST(JsonPathParse, ErrorsNameTheColumn) {
  EXPECT_EQ(ErrorOf(""), "JSONPath `` at column 1: expected `$` at the start");
  EXPECT_EQ(ErrorOf("a.b"), "JSONPath `a.b` at column 1: expected `$` at the start");
  EXPECT_EQ(ErrorOf("$.a["),
            "JSONPath `$.a[` at column 5: expected an index, `*` or a quoted key after `[`");
  EXPECT_EQ(ErrorOf("$.a[x]"),
            "JSONPath `$.a[x]` at column 5: expected an index, `*` or a quoted key after `[`");
  EXPECT_EQ(ErrorOf("$.a[3"), "JSONPath `$.a[3` at column 6: expected `]`");
  EXPECT_EQ(ErrorOf("$['abc"),
            "JSONPath `$['abc` at column 7: expected a closing `'` for the "
            "quoted key");
  EXPECT_EQ(ErrorOf("$."),
            "JSONPath `$.` at column 3: expected a key name or `*` after `.` "
            "(use ['...'] for keys with other characters)");
  EXPECT_EQ(ErrorOf("$.a b"), "JSONPath `$.a b` at column 4: expected `.` or `[`");
  EXPECT_EQ(ErrorOf("$.."), "JSONPath `$..` at column 4: expected a key name or `*` after `..`");
  EXPECT_EQ(ErrorOf("$..[2]"),
            "JSONPath `$..[2]` at column 4: `..` cannot be followed by an index; use `..*` or "
            "`..name`");
  EXPECT_EQ(ErrorOf("$a"), "JSONPath `$a` at column 2: expected `.` or `[`");
}

using Steps = std::vector<JsonPath::Step>;
JsonPath::Step K(std::string_view key) { return {false, key, 0}; }
JsonPath::Step I(size_t index) { return {true, {}, index}; }

bool Matches(std::string_view pattern, const Steps& steps) {
  Result<JsonPath> path = JsonPath::Parse(pattern);
  EXPECT_TRUE(path.ok()) << pattern;
  return path.ok() && path->Matches(steps);
}

TEST(JsonPathMatches, ReferenceMatcher) {
  EXPECT_TRUE(Matches("$", {}));
  EXPECT_FALSE(Matches("$", {K("a")}));
  EXPECT_TRUE(Matches("$.a.b", {K("a"), K("b")}));
  EXPECT_FALSE(Matches("$.a.b", {K("a")}));
  EXPECT_FALSE(Matches("$.a.b", {K("a"), K("b"), K("c")}));
  EXPECT_TRUE(Matches("$.a[*].b", {K("a"), I(7), K("b")}));
  EXPECT_FALSE(Matches("$.a[*].b", {K("a"), K("x"), K("c")}));
  EXPECT_TRUE(Matches("$.a[3]", {K("a"), I(3)}));
  EXPECT_FALSE(Matches("$.a[3]", {K("a"), I(4)}));
  EXPECT_FALSE(Matches("$.a[3]", {K("a"), K("3")}));
  EXPECT_TRUE(Matches("$..b", {K("b")}));
  EXPECT_TRUE(Matches("$..b", {K("a"), I(1), K("c"), K("b")}));
  EXPECT_FALSE(Matches("$..b", {K("b"), K("c")}));
  EXPECT_TRUE(Matches("$.a..b", {K("a"), K("b")}));
  EXPECT_FALSE(Matches("$.a..b", {K("x"), K("b")}));
  EXPECT_TRUE(Matches("$..*", {K("x"), I(2)}));
  EXPECT_FALSE(Matches("$..*", {}));
  EXPECT_TRUE(Matches("$.*", {I(0)}));
  EXPECT_TRUE(Matches("$['odd key']", {K("odd key")}));
}

}  // namespace
}  // namespace shadowdiff
