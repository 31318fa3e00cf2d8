#include "agent/queue/log_queue.h"

#include <gtest/gtest.h>

#include <fstream>

#include "agent/queue/sqlite_db.h"
#include "tests/support/temp_dir.h"

namespace ferry::agent::queue {
namespace {

using json = ferry::Json;
using testing::TempDir;

std::unique_ptr<LogQueue> openQueue(const std::string& dir, std::int64_t quota = 1 << 30) {
  LogQueue::Options o;
  o.stateDir = dir;
  o.quotaBytes = quota;
  o.retentionBatchPages = 1;
  auto q = LogQueue::open(o);
  EXPECT_TRUE(q.isOk()) << q.status().toString();
  return q.isOk() ? std::move(*q) : nullptr;
}

std::vector<json> page(int first, int n) {
  std::vector<json> out;
  for (int i = first; i < first + n; ++i) out.push_back({{"id", i}});
  return out;
}

TEST(LogQueueTest, AppendReadCommitInOrder) {
  TempDir dir;
  auto q = openQueue(dir.path());
  EXPECT_EQ(q->queueId().size(), 36u);
  ASSERT_TRUE(q->registerConsumer("flow-a", "orders", LogQueue::StartAt::kEarliest).isOk());
  EXPECT_EQ(*q->append("orders", page(1, 3), {{"since", "t1"}}), 1u);
  EXPECT_EQ(*q->append("orders", page(4, 2), {{"since", "t2"}}), 2u);
  EXPECT_EQ(*q->progress("orders"), json({{"since", "t2"}}));
  EXPECT_TRUE(q->progress("other")->is_null());
  auto pages = q->read("flow-a", "orders", 10);
  ASSERT_TRUE(pages.isOk());
  ASSERT_EQ(pages->size(), 2u);
  EXPECT_EQ((*pages)[0].seq, 1u);
  EXPECT_EQ(*(*pages)[0].records, page(1, 3));
  ASSERT_TRUE(q->commit("flow-a", "orders", 1).isOk());
  pages = q->read("flow-a", "orders", 10);
  ASSERT_EQ(pages->size(), 1u);
  EXPECT_EQ((*pages)[0].seq, 2u);
  EXPECT_EQ(*q->committed("flow-a", "orders"), 1u);
}

TEST(LogQueueTest, TwoConsumersEachSeeEveryPageAndRetentionWaitsForBoth) {
  TempDir dir;
  auto q = openQueue(dir.path());
  ASSERT_TRUE(q->registerConsumer("a", "t", LogQueue::StartAt::kEarliest).isOk());
  ASSERT_TRUE(q->registerConsumer("b", "t", LogQueue::StartAt::kEarliest).isOk());
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(q->append("t", page(i, 1), i).isOk());
  ASSERT_TRUE(q->commit("a", "t", 5).isOk());
  EXPECT_EQ(q->stats()->depthPages["t"], 5u);  // b has read nothing: all pages stay
  EXPECT_EQ(q->read("b", "t", 10)->size(), 5u);
  ASSERT_TRUE(q->commit("b", "t", 3).isOk());
  EXPECT_EQ(q->stats()->depthPages["t"], 2u);
  auto stats = q->stats();
  ASSERT_EQ(stats->consumers.size(), 2u);
  EXPECT_EQ(stats->consumers[0].lagPages, 0u);
  EXPECT_EQ(stats->consumers[1].lagPages, 2u);
}

TEST(LogQueueTest, SequencesAreNeverReusedAfterRetentionEmptiesATopic) {
  TempDir dir;
  {
    auto q = openQueue(dir.path());
    ASSERT_TRUE(q->registerConsumer("a", "t", LogQueue::StartAt::kEarliest).isOk());
    ASSERT_TRUE(q->append("t", page(1, 1), 1).isOk());
    ASSERT_TRUE(q->append("t", page(2, 1), 2).isOk());
    ASSERT_TRUE(q->commit("a", "t", 2).isOk());
    ASSERT_TRUE(q->runRetention().isOk());
    EXPECT_EQ(q->stats()->depthPages.count("t"), 0u);
  }
  auto q = openQueue(dir.path());
  EXPECT_EQ(*q->append("t", page(3, 1), 3), 3u);
  auto pages = q->read("a", "t", 10);
  ASSERT_EQ(pages->size(), 1u);
  EXPECT_EQ((*pages)[0].seq, 3u);
}

TEST(LogQueueTest, LateConsumerChoosesEarliestOrLatest) {
  TempDir dir;
  auto q = openQueue(dir.path());
  ASSERT_TRUE(q->append("t", page(1, 1), 1).isOk());
  ASSERT_TRUE(q->append("t", page(2, 1), 2).isOk());
  ASSERT_TRUE(q->registerConsumer("early", "t", LogQueue::StartAt::kEarliest).isOk());
  ASSERT_TRUE(q->registerConsumer("late", "t", LogQueue::StartAt::kLatest).isOk());
  EXPECT_EQ(q->read("early", "t", 10)->size(), 2u);
  EXPECT_EQ(q->read("late", "t", 10)->size(), 0u);
  ASSERT_TRUE(q->append("t", page(3, 1), 3).isOk());
  EXPECT_EQ(q->read("late", "t", 10)->size(), 1u);
  // Registering again keeps the offset.
  ASSERT_TRUE(q->commit("early", "t", 2).isOk());
  ASSERT_TRUE(q->registerConsumer("early", "t", LogQueue::StartAt::kEarliest).isOk());
  EXPECT_EQ(*q->committed("early", "t"), 2u);
}

TEST(LogQueueTest, QuotaRefusesWithoutDroppingAnything) {
  TempDir dir;
  auto q = openQueue(dir.path(), 200);
  ASSERT_TRUE(q->registerConsumer("a", "t", LogQueue::StartAt::kEarliest).isOk());
  ASSERT_TRUE(q->append("t", page(1, 10), 1).isOk());  // ~100 bytes
  auto full = q->append("t", page(11, 20), 2);
  ASSERT_FALSE(full.isOk());
  EXPECT_EQ(full.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(full.status().message().find("queue full"), std::string::npos);
  EXPECT_EQ(*q->progress("t"), 1);             // the refused page's progress was not stored
  ASSERT_TRUE(q->commit("a", "t", 1).isOk());  // consumer catches up, space is freed
  EXPECT_TRUE(q->append("t", page(11, 10), 2).isOk());
}

TEST(LogQueueTest, BadInputIsRefused) {
  TempDir dir;
  auto q = openQueue(dir.path());
  EXPECT_EQ(q->append("t", {}, 1).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(q->read("ghost", "t", 1).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(q->commit("ghost", "t", 1).code(), StatusCode::kNotFound);
  ASSERT_TRUE(q->registerConsumer("a", "t", LogQueue::StartAt::kEarliest).isOk());
  ASSERT_TRUE(q->append("t", page(1, 1), 1).isOk());
  auto beyond = q->commit("a", "t", 2);
  EXPECT_EQ(beyond.code(), StatusCode::kInvalidArgument);
  EXPECT_NE(beyond.message().find("beyond the last page (1)"), std::string::npos);
  ASSERT_TRUE(q->commit("a", "t", 1).isOk());
  EXPECT_TRUE(q->commit("a", "t", 1).isOk());  // the same offset again
  ASSERT_TRUE(q->append("t", page(2, 1), 2).isOk());
  ASSERT_TRUE(q->commit("a", "t", 2).isOk());
  auto backwards = q->commit("a", "t", 1);
  EXPECT_EQ(backwards.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(backwards.message().find("backwards"), std::string::npos);
  LogQueue::Options small;
  small.stateDir = dir.path();
  small.maxPageBytes = 50;
  q.reset();
  auto limited = LogQueue::open(small);
  ASSERT_TRUE(limited.isOk());
  auto oversized = (*limited)->append("t", page(1, 20), 1);
  EXPECT_EQ(oversized.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(oversized.status().message().find("exceeds the page limit"), std::string::npos);
  (*limited)->close();
  EXPECT_EQ((*limited)->append("t", page(1, 1), 1).status().code(),
            StatusCode::kFailedPrecondition);
  EXPECT_EQ((*limited)->read("a", "t", 1).status().code(), StatusCode::kFailedPrecondition);
}

TEST(LogQueueTest, QueueIdSurvivesReopen) {
  TempDir dir;
  std::string id = openQueue(dir.path())->queueId();
  EXPECT_EQ(openQueue(dir.path())->queueId(), id);
  TempDir other;
  EXPECT_NE(openQueue(other.path())->queueId(), id);
}

// The first column of the first row `sql` returns from the database at `path`.
std::int64_t queryInt(const std::string& path, const std::string& sql) {
  auto c = Connection::open(path, false, "FULL");
  EXPECT_TRUE(c.isOk());
  auto s = (*c)->prepare(sql);
  EXPECT_TRUE(s.isOk());
  auto row = s->step();
  EXPECT_TRUE(row.isOk() && *row);
  return s->columnInt(0);
}

std::int64_t pageSizeOf(const std::string& path) {
  return queryInt(path, "PRAGMA page_size");
}

bool hasPageIndex(const std::string& path) {
  return queryInt(path, "SELECT count(*) FROM sqlite_master WHERE name = 'pages_by_seq'") == 1;
}

TEST(LogQueueTest, NewFilesGetLargeDatabasePagesAndOldOnesKeepTheirsAndGetTheKeyIndex) {
  TempDir fresh;
  openQueue(fresh.path());
  EXPECT_EQ(pageSizeOf(fresh.file("queue.db")), 16384);
  EXPECT_TRUE(hasPageIndex(fresh.file("queue.db")));

  // A queue.db an older Ferry made (4 KiB pages, no index of page keys) keeps its pages,
  // gets the index, and its pages stay readable when they are no longer held decoded.
  TempDir old;
  {
    auto c = Connection::open(old.file("queue.db"), true, "FULL");
    ASSERT_TRUE(c.isOk());
    ASSERT_TRUE((*c)->exec("CREATE TABLE pages(topic TEXT NOT NULL, seq INTEGER NOT NULL, "
                           "records INTEGER NOT NULL, bytes INTEGER NOT NULL, appended_at "
                           "INTEGER NOT NULL, payload BLOB NOT NULL, PRIMARY KEY(topic, seq)) "
                           "WITHOUT ROWID")
                    .isOk());
  }
  EXPECT_EQ(pageSizeOf(old.file("queue.db")), 4096);
  EXPECT_FALSE(hasPageIndex(old.file("queue.db")));
  LogQueue::Options o;
  o.stateDir = old.path();
  o.recentRecords = 0;
  auto q = LogQueue::open(o);
  ASSERT_TRUE(q.isOk()) << q.status().toString();
  ASSERT_TRUE((*q)->registerConsumer("f", "t", LogQueue::StartAt::kEarliest).isOk());
  std::vector<json> big;
  for (int i = 0; i < 2000; ++i) big.push_back({{"id", i}, {"text", std::string(100, 'x')}});
  ASSERT_TRUE((*q)->append("t", big, json::object()).isOk());
  auto pages = (*q)->read("f", "t", 10);
  ASSERT_TRUE(pages.isOk());
  ASSERT_EQ(pages->size(), 1u);
  EXPECT_EQ(*(*pages)[0].records, big);
  EXPECT_EQ(pageSizeOf(old.file("queue.db")), 4096);
  EXPECT_TRUE(hasPageIndex(old.file("queue.db")));
}

TEST(LogQueueTest, NewerSchemaAndCorruptFilesAreRefusedByName) {
  TempDir dir;
  openQueue(dir.path());
  {
    auto c = Connection::open(dir.file("queue.db"), false, "FULL");
    ASSERT_TRUE(c.isOk());
    ASSERT_TRUE((*c)->exec("PRAGMA user_version=7").isOk());
  }
  LogQueue::Options o;
  o.stateDir = dir.path();
  auto newer = LogQueue::open(o);
  ASSERT_FALSE(newer.isOk());
  EXPECT_EQ(newer.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(newer.status().message().find(dir.file("queue.db")), std::string::npos);
  EXPECT_NE(newer.status().message().find("version 7"), std::string::npos);

  TempDir bad;
  std::ofstream(bad.file("queue.db")) << std::string(8192, 'x');
  o.stateDir = bad.path();
  auto corrupt = LogQueue::open(o);
  ASSERT_FALSE(corrupt.isOk());
  EXPECT_EQ(corrupt.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(corrupt.status().message().find(bad.file("queue.db")), std::string::npos);
  o.synchronous = "SOMETIMES";
  EXPECT_EQ(LogQueue::open(o).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ferry::agent::queue
