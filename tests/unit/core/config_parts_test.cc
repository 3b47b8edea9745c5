// The pieces of the config loader: did-you-mean, addresses, path templates, method sets,
// and the error list.
#include <gtest/gtest.h>

#include <array>

#include "src/core/config_error.h"
#include "src/core/method_set.h"
#include "src/core/net_address.h"
#include "src/core/path_template.h"
#include "src/core/suggest.h"

namespace shadowdiff {
namespace {

TEST(SuggestTest, EditDistance) {
  EXPECT_EQ(EditDistance("sample", "sample"), 0u);
  EXPECT_EQ(EditDistance("sampel", "sample"), 1u);  // transposition counts once
  EXPECT_EQ(EditDistance("Sample", "sample"), 0u);
  EXPECT_EQ(EditDistance("", "abc"), 3u);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
}

TEST(SuggestTest, SuggestsOnlyPlausibleTypos) {
  constexpr std::array<std::string_view, 3> keys = {"sample", "shadow", "timeout_ms"};
  EXPECT_EQ(Suggest("sampel", keys), "sample");
  EXPECT_EQ(Suggest("timeout", keys), "timeout_ms");
  EXPECT_EQ(Suggest("zzz", keys), std::nullopt);
  EXPECT_EQ(DidYouMean("shadw", keys), ", did you mean `shadow`?");
  EXPECT_EQ(DidYouMean("colour", keys), "");
}

TEST(NetAddressTest, HostPort) {
  EXPECT_EQ(ParseHostPort("127.0.0.1:8080", false)->ToString(), "127.0.0.1:8080");
  EXPECT_EQ(ParseHostPort("[::1]:9", false)->host, "::1");
  EXPECT_EQ(ParseHostPort("[::1]:9", false)->ToString(), "[::1]:9");
  EXPECT_EQ(ParseHostPort("localhost:0", true)->port, 0);
  EXPECT_EQ(ParseHostPort("localhost:0", false).error().message,
            "`localhost:0` is not HOST:PORT: port `0` must be a number from 1 to 65535");
  EXPECT_EQ(ParseHostPort(":80", false).error().message,
            "`:80` is not HOST:PORT: missing host (write e.g. `127.0.0.1`)");
}

TEST(NetAddressTest, TargetUrl) {
  Result<TargetUrl> url = ParseTargetUrl("http://svc.local:8002/v1/");
  ASSERT_TRUE(url.ok());
  EXPECT_EQ(url->address.ToString(), "svc.local:8002");
  EXPECT_EQ(url->base_path, "/v1");
  EXPECT_EQ(ParseTargetUrl("http://h")->address.port, 80);
  EXPECT_EQ(ParseTargetUrl("http://u:p@h:1").error().message,
            "`http://u:p@h:1` is not an http://HOST:PORT[/BASE] URL: credentials in the URL are "
            "not supported");
  EXPECT_EQ(ParseTargetUrl("http://h:1/a?b").error().message,
            "`http://h:1/a?b` is not an http://HOST:PORT[/BASE] URL: a target has no query "
            "string or fragment");
}

TEST(PathTemplateTest, ParsesSegments) {
  Result<PathTemplate> t = ParsePathTemplate("/merchants/{merchant_id}/customers");
  ASSERT_TRUE(t.ok());
  ASSERT_EQ(t->segments.size(), 3u);
  EXPECT_EQ(t->segments[1], (PathSegment{true, "merchant_id"}));
  EXPECT_EQ(t->Shape(), "/merchants/{}/customers");
  EXPECT_TRUE(ParsePathTemplate("/")->segments.empty());
  EXPECT_TRUE(ParsePathTemplate("/a%20b/@x:y").ok());
}

TEST(PathTemplateTest, Errors) {
  EXPECT_EQ(ParsePathTemplate("/a//b").error().message, "path `/a//b`: empty segment (`//`)");
  EXPECT_EQ(ParsePathTemplate("/{1x}").error().message,
            "path `/{1x}`: parameter `{1x}`: a name must be letters, digits and `_`, not "
            "starting with a digit");
  EXPECT_EQ(ParsePathTemplate("/a b").error().message,
            "path `/a b`: segment `a b`: character ` ` is not allowed in a path (no query "
            "strings or spaces)");
  EXPECT_EQ(ParsePathTemplate("/a?x=1").error().message,
            "path `/a?x=1`: segment `a?x=1`: character `?` is not allowed in a path (no query "
            "strings or spaces)");
  std::string long_path;
  for (int i = 0; i < 65; ++i) long_path += "/s";
  EXPECT_EQ(ParsePathTemplate(long_path).error().message,
            "path `" + long_path + "`: more than 64 segments");
}

TEST(PathTemplateTest, Join) {
  EXPECT_EQ(JoinTemplatePaths("", "/a"), "/a");
  EXPECT_EQ(JoinTemplatePaths("/", "/a"), "/a");
  EXPECT_EQ(JoinTemplatePaths("/a/{id}", "/b"), "/a/{id}/b");
}

TEST(MethodSetTest, Basics) {
  MethodSet set = MethodSet::None();
  EXPECT_TRUE(set.Add("GET"));
  EXPECT_TRUE(set.Add("HEAD"));
  EXPECT_FALSE(set.Add("get"));
  EXPECT_FALSE(set.Add("PROPFIND"));
  EXPECT_TRUE(set.Contains("GET"));
  EXPECT_FALSE(set.Contains("POST"));
  EXPECT_FALSE(set.Contains("PROPFIND"));
  EXPECT_TRUE(set.OnlySafe());
  EXPECT_EQ(set.ToString(), "GET, HEAD");
  EXPECT_TRUE(MethodSet::All().Contains("PROPFIND"));
  EXPECT_FALSE(MethodSet::All().OnlySafe());
  MethodSet post = MethodSet::None();
  post.Add("POST");
  EXPECT_FALSE(post.Overlaps(set));
  EXPECT_TRUE(post.Overlaps(MethodSet::All()));
  EXPECT_EQ(MethodSet::All().IntersectionText(post), "POST");
}

TEST(ConfigErrorTest, FormatAndSort) {
  ConfigErrors errors("f.yaml");
  errors.Add(SourceMark{3, 1}, "third");
  errors.Add(SourceMark{1, 9}, "first");
  errors.Add(SourceMark{0, 0}, "whole file");
  EXPECT_EQ(errors.Format(), "f.yaml: whole file\nf.yaml:1:9: first\nf.yaml:3:1: third");
}

}  // namespace
}  // namespace shadowdiff
