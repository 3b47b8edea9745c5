#include "src/store/memory_ring.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "src/store/fanout_sink.h"
#include "tests/unit/store/store_test_util.h"

namespace shadowdiff {
namespace {

using testing::Hour;
using testing::MakeRecord;

MemoryRing::Options Unbudgeted(size_t capacity, size_t max_bytes = size_t{1} << 30) {
  MemoryRing::Options o;
  o.capacity = capacity;
  o.max_bytes = max_bytes;
  o.budget.per_field = 0;
  o.budget.per_endpoint = 0;
  return o;
}

std::vector<std::string> JsonOf(const std::vector<std::shared_ptr<const ExampleRecord>>& records) {
  std::vector<std::string> out;
  for (const auto& r : records) out.push_back(r->json.substr(0, r->json.find(',')));
  return out;
}

TEST(MemoryRingTest, KeepsTheLastNNewestFirst) {
  MemoryRing ring(Unbudgeted(3));
  for (int i = 0; i < 5; ++i) ring.Offer(MakeRecord(i));
  EXPECT_EQ(ring.size(), 3u);
  EXPECT_EQ(JsonOf(ring.Recent("", "", 10)),
            (std::vector<std::string>{"{\"n\":4", "{\"n\":3", "{\"n\":2"}));
  EXPECT_EQ(JsonOf(ring.Recent("", "", 1)), (std::vector<std::string>{"{\"n\":4"}));
  EXPECT_TRUE(ring.Recent("", "", 0).empty());
}

TEST(MemoryRingTest, FiltersByEndpointAndField) {
  MemoryRing ring(Unbudgeted(100));
  ring.Offer(MakeRecord(1, "/a", {"$.x"}));
  ring.Offer(MakeRecord(2, "/b", {"$.x", "$.y"}));
  ring.Offer(MakeRecord(3, "/a", {"$.y"}));
  ring.Offer(MakeRecord(4, "/a", {}, Hour(0), 40, Outcome::kShadowTimeout));
  EXPECT_EQ(JsonOf(ring.Recent("/a", "", 10)),
            (std::vector<std::string>{"{\"n\":4", "{\"n\":3", "{\"n\":1"}));
  EXPECT_EQ(JsonOf(ring.Recent("", "$.y", 10)), (std::vector<std::string>{"{\"n\":3", "{\"n\":2"}));
  EXPECT_EQ(JsonOf(ring.Recent("/b", "$.y", 10)), (std::vector<std::string>{"{\"n\":2"}));
  EXPECT_EQ(JsonOf(ring.Recent("/a", "outcome:shadow_timeout", 10)),
            (std::vector<std::string>{"{\"n\":4"}));
  EXPECT_TRUE(ring.Recent("/c", "", 10).empty());
  EXPECT_TRUE(ring.Recent("/a", "$.z", 10).empty());
}

TEST(MemoryRingTest, BoundedInBytes) {
  MemoryRing ring(Unbudgeted(100, 1000));
  for (int i = 0; i < 10; ++i) ring.Offer(MakeRecord(i, "/a", {"$.x"}, Hour(0), 300));
  EXPECT_EQ(ring.size(), 3u);
  EXPECT_LE(ring.bytes(), 1000u);
  ring.Offer(MakeRecord(99, "/a", {"$.x"}, Hour(0), 5000));  // larger than the ring: refused
  EXPECT_EQ(ring.size(), 3u);
}

TEST(MemoryRingTest, BudgetKeepsAFloodFromEvictingEverythingElse) {
  MemoryRing::Options options = Unbudgeted(10);
  options.budget.per_field = 3;
  MemoryRing ring(options);
  ring.Offer(MakeRecord(1, "/b", {"$.rare"}));
  for (int i = 0; i < 100; ++i) ring.Offer(MakeRecord(100 + i, "/a", {"$.flood"}));
  EXPECT_EQ(ring.Recent("/b", "", 10).size(), 1u);
  EXPECT_EQ(ring.Recent("/a", "", 10).size(), 3u);
  EXPECT_EQ(ring.dropped_budget(), 97u);
}

TEST(MemoryRingTest, ConcurrentOfferAndRecent) {
  MemoryRing ring(Unbudgeted(50));
  std::thread writer([&] {
    for (int i = 0; i < 5000; ++i) ring.Offer(MakeRecord(i, i % 2 ? "/a" : "/b"));
  });
  size_t max_seen = 0;
  for (int i = 0; i < 200; ++i) max_seen = std::max(max_seen, ring.Recent("/a", "", 100).size());
  writer.join();
  EXPECT_LE(max_seen, 50u);
  EXPECT_EQ(ring.size(), 50u);
}

// Counts offers; keeps (and so builds) the record only when `keeps`.
class CountingSink : public ExampleSink {
 public:
  explicit CountingSink(bool keeps = true) : keeps_(keeps) {}
  using ExampleSink::Offer;
  void Offer(PendingExample& example) override {
    ++count;
    if (keeps_) last = example.Record();
  }
  std::shared_ptr<const ExampleRecord> last;
  int count = 0;

 private:
  bool keeps_;
};

TEST(FanoutSinkTest, OffersTheSameRecordToEverySink) {
  CountingSink a, b;
  FanoutSink fanout({&a, nullptr, &b});
  EXPECT_EQ(fanout.size(), 2u);
  auto record = MakeRecord(1);
  fanout.Offer(record);
  EXPECT_EQ(a.count, 1);
  EXPECT_EQ(b.count, 1);
  EXPECT_EQ(a.last.get(), record.get());  // shared, not copied
  EXPECT_EQ(b.last.get(), record.get());
}

TEST(FanoutSinkTest, BuildsARecordOnceForTheSinksThatKeepIt) {
  CountingSink refuses(false), a, b;
  FanoutSink fanout({&refuses, &a, &b});
  testing::MismatchInput input;
  PendingExample example(input.Input(), ExampleLimits{}, nullptr);
  fanout.Offer(example);
  EXPECT_EQ(refuses.count, 1);
  ASSERT_NE(a.last, nullptr);
  EXPECT_EQ(a.last.get(), b.last.get());
  EXPECT_NE(a.last->json.find("\"diffs\":[{\"path\":\"$.x\""), std::string::npos) << a.last->json;

  CountingSink only_refuses(false);
  FanoutSink none({&only_refuses});
  PendingExample unwanted(input.Input(), ExampleLimits{}, nullptr);
  none.Offer(unwanted);
  EXPECT_FALSE(unwanted.built());
}

TEST(MemoryRingTest, BuildsOnlyTheRecordsItsBudgetAdmits) {
  MemoryRing::Options options;
  options.budget.per_field = 1;
  options.budget.per_endpoint = 0;
  MemoryRing ring(options);
  testing::MismatchInput x("/a", "$.x"), y("/a", "$.y");
  PendingExample first(x.Input(), ExampleLimits{}, nullptr);
  ring.Offer(first);
  EXPECT_TRUE(first.built());
  PendingExample same_field(x.Input(), ExampleLimits{}, nullptr);
  ring.Offer(same_field);
  EXPECT_FALSE(same_field.built());
  PendingExample new_field(y.Input(), ExampleLimits{}, nullptr);
  ring.Offer(new_field);
  EXPECT_TRUE(new_field.built());
  EXPECT_EQ(ring.size(), 2u);
  EXPECT_EQ(ring.dropped_budget(), 1u);
  EXPECT_EQ(ring.Recent("", "", 10).front().get(), new_field.Record().get());
}

}  // namespace
}  // namespace shadowdiff
