#include "comparators/json/json_path_set.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

namespace shadowdiff {
namespace {

using Steps = std::vector<JsonPath::Step>;
JsonPath::Step K(std::string_view key) { return {false, key, 0}; }
JsonPath::Step I(size_t index) { return {true, {}, index}; }

std::vector<JsonPath> Patterns(const std::vector<std::string>& texts) {
  std::vector<JsonPath> out;
  for (const std::string& t : texts) {
    Result<JsonPath> p = JsonPath::Parse(t);
    EXPECT_TRUE(p.ok()) << t;
    if (p.ok()) out.push_back(*p);
  }
  return out;
}

// The set of each level of `steps` (the root's first), walking as the diff walk does: each
// level's states appended after its parent's.
std::vector<std::vector<JsonPathSet::State>> Walk(const JsonPathSet& set, const Steps& steps) {
  std::vector<JsonPathSet::State> states;
  set.AppendRootStates(&states);
  std::vector<std::vector<JsonPathSet::State>> levels = {states};
  size_t begin = 0;
  for (const JsonPath::Step& step : steps) {
    const size_t end = states.size();
    set.Advance(&states, begin, end, step);
    levels.emplace_back(states.begin() + static_cast<std::ptrdiff_t>(end), states.end());
    begin = end;
  }
  return levels;
}

// The ids of the patterns matching `steps`.
std::vector<uint32_t> Accepted(const JsonPathSet& set, const Steps& steps) {
  const std::vector<std::vector<JsonPathSet::State>> levels = Walk(set, steps);
  std::vector<uint32_t> ids;
  for (const JsonPathSet::State state : levels.back()) {
    const uint32_t id = set.AcceptedPattern(state);
    if (id != JsonPathSet::kNoPattern) ids.push_back(id);
  }
  std::sort(ids.begin(), ids.end());
  return ids;
}

TEST(JsonPathSet, MatchesLikeTheReferenceMatcher) {
  const std::vector<std::string> texts = {
      "$.a.b", "$.a[*].b", "$..b", "$.a[3]", "$['odd key']", "$.*", "$..*", "$.a..c[*]", "$"};
  const std::vector<JsonPath> patterns = Patterns(texts);
  const JsonPathSet set(patterns);
  const std::vector<Steps> paths = {
      {},
      {K("a")},
      {K("a"), K("b")},
      {K("a"), I(3)},
      {K("a"), I(3), K("b")},
      {K("x"), K("y"), K("b")},
      {K("odd key")},
      {K("a"), K("c"), I(0)},
      {K("a"), K("q"), K("c"), I(9)},
      {K("b"), K("b")},
  };
  for (const Steps& steps : paths) {
    std::vector<uint32_t> expected;
    for (uint32_t k = 0; k < patterns.size(); ++k) {
      if (patterns[k].Matches(steps)) expected.push_back(k);
    }
    EXPECT_EQ(Accepted(set, steps), expected) << "path of " << steps.size() << " steps";
  }
}

TEST(JsonPathSet, SpecificExpectations) {
  const JsonPathSet set(Patterns({"$..updated_at", "$.items[*].ts"}));
  EXPECT_EQ(Accepted(set, {K("updated_at")}), std::vector<uint32_t>{0});
  EXPECT_EQ(Accepted(set, {K("a"), I(2), K("updated_at")}), std::vector<uint32_t>{0});
  EXPECT_EQ(Accepted(set, {K("items"), I(5), K("ts")}), std::vector<uint32_t>{1});
  EXPECT_EQ(Accepted(set, {K("items"), K("ts")}), std::vector<uint32_t>{});
  EXPECT_EQ(Accepted(set, {K("updated_at"), K("x")}), std::vector<uint32_t>{});
}

TEST(JsonPathSet, StatesStayBounded) {
  // `$..a..a..a` on a deep path of `a`s must not grow the state set without bound.
  const JsonPathSet set(Patterns({"$..a..a..a"}));
  std::vector<JsonPathSet::State> states;
  set.AppendRootStates(&states);
  size_t begin = 0;
  for (int depth = 0; depth < 50; ++depth) {
    const size_t end = states.size();
    set.Advance(&states, begin, end, K("a"));
    begin = end;
    EXPECT_LE(states.size() - begin, 4u);
  }
}

// Sets derived from the root set are ascending, which Advance's duplicate check relies on
// for speed: check it on every set of a few walks.
TEST(JsonPathSet, AdvanceKeepsSetsAscending) {
  const JsonPathSet set(Patterns({"$..updated_at", "$..request_id", "$.a.b", "$..c.d", "$..*"}));
  const std::vector<Steps> paths = {
      {K("a"), K("b"), K("x")},
      {K("x"), I(0), K("updated_at")},
      {K("c"), K("d"), K("request_id")},
      {I(2), K("c"), K("c"), K("d")},
  };
  for (const Steps& steps : paths) {
    for (const std::vector<JsonPathSet::State>& level : Walk(set, steps)) {
      EXPECT_TRUE(std::is_sorted(level.begin(), level.end()));
      EXPECT_EQ(std::adjacent_find(level.begin(), level.end()), level.end());
    }
  }
}

// Sets made elsewhere need not be ascending: Advance still removes duplicates.
TEST(JsonPathSet, AdvanceOfAnUnorderedSetHasNoDuplicates) {
  // States: 0 `..a` -> 1 `..a` -> 2 accepts.
  const JsonPathSet set(Patterns({"$..a..a"}));
  std::vector<JsonPathSet::State> states = {1, 0};
  set.Advance(&states, 0, 2, K("a"));
  const std::vector<JsonPathSet::State> next(states.begin() + 2, states.end());
  EXPECT_EQ(next, (std::vector<JsonPathSet::State>{1, 2, 0}));
}

TEST(JsonPathSet, EmptySetHasNoStates) {
  const JsonPathSet set(std::vector<JsonPath>{});
  std::vector<JsonPathSet::State> states;
  set.AppendRootStates(&states);
  EXPECT_TRUE(states.empty());
  EXPECT_TRUE(set.empty());
}

}  // namespace
}  // namespace shadowdiff
