// Pages kept decoded in memory for their consumers: the RecentPages bounds and the queue's
// use of them (a page appended by moving its records in is read back without decoding, and
// is the same page a fresh process reads from disk).
#include "agent/queue/recent_pages.h"

#include <gtest/gtest.h>

#include "agent/queue/log_queue.h"
#include "tests/support/temp_dir.h"

namespace ferry::agent::queue {
namespace {

using json = ferry::Json;

RecentPages::Records records(int n) {
  std::vector<json> out;
  for (int i = 0; i < n; ++i) out.push_back({{"n", i}, {"text", std::string(40, 'x')}});
  return std::make_shared<const std::vector<json>>(std::move(out));
}

TEST(RecentPagesTest, KeepsPagesWithinItsBoundsAndForgetsConsumedOnes) {
  RecentPages recent(6, 1000);
  EXPECT_TRUE(recent.offer("a", 1, 100, records(1)));
  EXPECT_TRUE(recent.offer("a", 2, 100, records(2)));
  EXPECT_FALSE(recent.offer("a", 2, 100, records(2))) << "a page is kept once";
  EXPECT_TRUE(recent.offer("b", 1, 100, records(3)));
  EXPECT_FALSE(recent.offer("a", 3, 100, records(1))) << "six records at most";
  EXPECT_EQ(recent.size(), 3u);
  ASSERT_NE(recent.find("a", 2), nullptr);
  EXPECT_EQ(recent.find("a", 2)->size(), 2u);
  EXPECT_EQ(recent.find("a", 3), nullptr);
  EXPECT_EQ(recent.find("c", 1), nullptr);

  recent.dropUpTo("a", 1);  // only topic a, only up to seq 1
  EXPECT_EQ(recent.find("a", 1), nullptr);
  EXPECT_NE(recent.find("a", 2), nullptr);
  EXPECT_NE(recent.find("b", 1), nullptr);
  EXPECT_TRUE(recent.offer("a", 3, 100, records(1))) << "room again";
  EXPECT_FALSE(recent.offer("a", 4, 100, records(1))) << "full again";

  RecentPages large(6, 1000);
  EXPECT_TRUE(large.offer("a", 1, 100, records(50))) << "an empty cache takes one large page";
  EXPECT_FALSE(large.offer("a", 2, 100, records(1)));
  large.dropUpTo("a", 1);
  EXPECT_TRUE(large.offer("a", 2, 100, records(1))) << "its records counted out again";

  RecentPages bytes(10, 250);
  EXPECT_TRUE(bytes.offer("a", 1, 200, records(1)));
  EXPECT_FALSE(bytes.offer("a", 2, 100, records(1))) << "over the byte bound";
  bytes.clear();
  EXPECT_EQ(bytes.size(), 0u);
  EXPECT_TRUE(bytes.offer("a", 2, 100, records(1)));

  RecentPages none(0, 1000);
  EXPECT_FALSE(none.offer("a", 1, 1, records(1)));
}

TEST(RecentPagesTest, AHandedOverPageReadsTheSameAsFromDisk) {
  testing::TempDir dir;
  std::vector<json> page;
  for (int i = 0; i < 100; ++i) {
    page.push_back({{"id", i}, {"name", "ü \"quoted\" " + std::to_string(i)}, {"x", 1.5}});
  }
  const std::vector<json> expected = page;
  {
    LogQueue::Options o;
    o.stateDir = dir.path();
    auto q = LogQueue::open(o);
    ASSERT_TRUE(q.isOk());
    ASSERT_TRUE((*q)->registerConsumer("f", "t", LogQueue::StartAt::kEarliest).isOk());
    ASSERT_TRUE((*q)->registerConsumer("g", "t", LogQueue::StartAt::kEarliest).isOk());
    auto seq = (*q)->append("t", std::move(page), {{"since", 1}});
    ASSERT_TRUE(seq.isOk());
    auto f = (*q)->read("f", "t", 10);
    auto g = (*q)->read("g", "t", 10);
    ASSERT_TRUE(f.isOk() && g.isOk());
    ASSERT_EQ(f->size(), 1u);
    EXPECT_EQ(*(*f)[0].records, expected);
    EXPECT_EQ((*f)[0].records, (*g)[0].records) << "both consumers share the kept page";
    // `after` skips pages processed but not yet committed.
    EXPECT_TRUE((*q)->read("f", "t", 10, *seq)->empty());
    ASSERT_TRUE((*q)->commit("f", "t", *seq).isOk());
    ASSERT_TRUE((*q)->commit("g", "t", *seq).isOk());
  }
  // Another process (a restart) reads the page from disk: the same records.
  LogQueue::Options o;
  o.stateDir = dir.path();
  auto q = LogQueue::open(o);
  ASSERT_TRUE(q.isOk());
  ASSERT_TRUE((*q)->registerConsumer("late", "t", LogQueue::StartAt::kEarliest).isOk());
  auto late = (*q)->read("late", "t", 10);
  ASSERT_TRUE(late.isOk());
  ASSERT_EQ(late->size(), 1u);
  EXPECT_EQ(*(*late)[0].records, expected);
}

TEST(RecentPagesTest, AFailedAppendKeepsTheCallersRecords) {
  testing::TempDir dir;
  LogQueue::Options o;
  o.stateDir = dir.path();
  o.quotaBytes = 10;  // any page is too big for the quota
  auto q = LogQueue::open(o);
  ASSERT_TRUE(q.isOk());
  std::vector<json> page = {{{"id", 1}}, {{"id", 2}}};
  auto seq = (*q)->append("t", std::move(page), json::object());
  EXPECT_EQ(seq.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(page.size(), 2u) << "the caller retries with the same records";
}

}  // namespace
}  // namespace ferry::agent::queue
