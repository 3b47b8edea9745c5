// EndpointTree::Match: precedence, methods, query strings, trailing slashes, the root.
#include "src/core/endpoint_tree.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace shadowdiff {
namespace {

MethodSet Methods(std::initializer_list<std::string_view> names) {
  MethodSet set = MethodSet::None();
  for (std::string_view name : names) EXPECT_TRUE(set.Add(name)) << name;
  return set;
}

class EndpointTreeTest : public ::testing::Test {
 protected:
  void Add(std::string_view path, MethodSet methods = MethodSet::All()) {
    Endpoint endpoint;
    endpoint.path_template = std::string(path);
    endpoint.settings.methods = methods;
    endpoint.location = SourceLocation{"t.yaml", SourceMark{1, 1}};
    Status status = tree_.Add(std::move(endpoint));
    ASSERT_TRUE(status.ok()) << status.error().message;
  }
  // The template that wins, or "none".
  std::string Winner(std::string_view method, std::string_view target) const {
    const Endpoint* e = tree_.Match(method, target);
    return e ? e->path_template + " " + e->settings.methods.ToString() : "none";
  }

  EndpointTree tree_;
};

TEST_F(EndpointTreeTest, EmptyTreeMatchesNothing) {
  EXPECT_EQ(Winner("GET", "/"), "none");
  EXPECT_EQ(Winner("GET", "/a"), "none");
}

TEST_F(EndpointTreeTest, LiteralBeatsParameter) {
  Add("/customers/{token}");
  Add("/customers/search");
  EXPECT_EQ(Winner("GET", "/customers/search"), "/customers/search all methods");
  EXPECT_EQ(Winner("GET", "/customers/c_1"), "/customers/{token} all methods");
}

TEST_F(EndpointTreeTest, FirstDifferingSegmentDecides) {
  Add("/a/{x}/c");
  Add("/{y}/b/c");
  // Both match /a/b/c; the literal `a` at the first position wins.
  EXPECT_EQ(Winner("GET", "/a/b/c"), "/a/{x}/c all methods");
  EXPECT_EQ(Winner("GET", "/z/b/c"), "/{y}/b/c all methods");
}

TEST_F(EndpointTreeTest, BacktracksWhenTheLiteralBranchDeadEnds) {
  Add("/a/b/c");
  Add("/a/{x}/d");
  EXPECT_EQ(Winner("GET", "/a/b/d"), "/a/{x}/d all methods");
  EXPECT_EQ(Winner("GET", "/a/b/c"), "/a/b/c all methods");
  EXPECT_EQ(Winner("GET", "/a/b/e"), "none");
}

TEST_F(EndpointTreeTest, ExactSegmentCountOnly) {
  Add("/merchants/{merchant_id}");
  Add("/merchants/{merchant_id}/customers/{token}");
  EXPECT_EQ(Winner("GET", "/merchants/m1"), "/merchants/{merchant_id} all methods");
  EXPECT_EQ(Winner("GET", "/merchants/m1/customers/c1"),
            "/merchants/{merchant_id}/customers/{token} all methods");
  EXPECT_EQ(Winner("GET", "/merchants/m1/customers"), "none");  // the parent does not catch it
  EXPECT_EQ(Winner("GET", "/merchants"), "none");
}

TEST_F(EndpointTreeTest, MethodFiltering) {
  Add("/customers", Methods({"GET"}));
  Add("/customers", Methods({"POST"}));
  Add("/customers/{token}", Methods({"GET", "HEAD"}));
  Add("/customers/search", Methods({"POST"}));
  EXPECT_EQ(Winner("GET", "/customers"), "/customers GET");
  EXPECT_EQ(Winner("POST", "/customers"), "/customers POST");
  EXPECT_EQ(Winner("DELETE", "/customers"), "none");
  // The literal does not serve GET: the parameter template that does wins.
  EXPECT_EQ(Winner("GET", "/customers/search"), "/customers/{token} GET, HEAD");
  EXPECT_EQ(Winner("POST", "/customers/search"), "/customers/search POST");
  EXPECT_EQ(Winner("get", "/customers"), "none");  // methods are case-sensitive
}

TEST_F(EndpointTreeTest, QueryStringAndFragmentAreIgnored) {
  Add("/customers/{token}");
  EXPECT_EQ(Winner("GET", "/customers/c1?expand=cards&x=/y"), "/customers/{token} all methods");
  EXPECT_EQ(Winner("GET", "/customers/c1#frag"), "/customers/{token} all methods");
  EXPECT_EQ(Winner("GET", "/customers?token=c1"), "none");
}

TEST_F(EndpointTreeTest, OneTrailingSlashIsIgnored) {
  Add("/customers/{token}");
  EXPECT_EQ(Winner("GET", "/customers/c1/"), "/customers/{token} all methods");
  EXPECT_EQ(Winner("GET", "/customers/c1//"), "none");
  EXPECT_EQ(Winner("GET", "/customers//c1"), "none");
  EXPECT_EQ(Winner("GET", "/customers/"), "none");  // a parameter never matches ""
}

TEST_F(EndpointTreeTest, RootPath) {
  Add("/", Methods({"GET"}));
  Add("/{x}", Methods({"GET"}));
  EXPECT_EQ(Winner("GET", "/"), "/ GET");
  EXPECT_EQ(Winner("GET", "/?a=b"), "/ GET");
  EXPECT_EQ(Winner("GET", "/a"), "/{x} GET");
  EXPECT_EQ(Winner("GET", ""), "none");
  EXPECT_EQ(Winner("OPTIONS", "*"), "none");
}

TEST_F(EndpointTreeTest, AbsoluteFormTargets) {
  Add("/a/{x}");
  EXPECT_EQ(Winner("GET", "http://example.com/a/1?q"), "/a/{x} all methods");
  EXPECT_EQ(Winner("GET", "HTTPS://example.com:8443/a/1"), "/a/{x} all methods");
  EXPECT_EQ(Winner("GET", "http://example.com"), "none");
  EXPECT_EQ(Winner("GET", "ftp://example.com/a/1"), "none");
}

TEST_F(EndpointTreeTest, SegmentsAreRawAndCaseSensitive) {
  Add("/Customers");
  EXPECT_EQ(Winner("GET", "/customers"), "none");
  EXPECT_EQ(Winner("GET", "/Customers"), "/Customers all methods");
  EXPECT_EQ(Winner("GET", "/%43ustomers"), "none");
}

TEST_F(EndpointTreeTest, OverlapIsRefusedAndTreeUnchanged) {
  Add("/c/{id}", Methods({"GET", "HEAD"}));
  Endpoint dup;
  dup.path_template = "/c/{token}";
  dup.settings.methods = Methods({"HEAD", "POST"});
  dup.location = SourceLocation{"t.yaml", SourceMark{9, 5}};
  Status status = tree_.Add(std::move(dup));
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().message,
            "endpoint `/c/{token}` overlaps `/c/{id}` (line 1): both serve HEAD; give each a "
            "different `methods:` list or remove one");
  EXPECT_EQ(tree_.size(), 1u);
  EXPECT_EQ(Winner("POST", "/c/1"), "none");
  Endpoint all;
  all.path_template = "/c/{z}";
  EXPECT_FALSE(tree_.Add(std::move(all)).ok());  // all methods overlap GET, HEAD
}

TEST_F(EndpointTreeTest, IdsAreFileOrder) {
  Add("/b");
  Add("/a");
  EXPECT_EQ(tree_.Match("GET", "/b")->id, 0u);
  EXPECT_EQ(tree_.Match("GET", "/a")->id, 1u);
}

TEST_F(EndpointTreeTest, ConcurrentReaders) {
  for (int i = 0; i < 100; ++i) Add("/r" + std::to_string(i) + "/{id}");
  const EndpointTree& tree = tree_;
  std::vector<std::thread> threads;
  std::vector<int> hits(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&tree, &hits, t] {
      for (int i = 0; i < 10000; ++i) {
        const Endpoint* e = tree.Match("GET", "/r" + std::to_string(i % 100) + "/x?y");
        if (e != nullptr && e->id == static_cast<size_t>(i % 100)) ++hits[t];
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(hits, std::vector<int>(4, 10000));
}

}  // namespace
}  // namespace shadowdiff
