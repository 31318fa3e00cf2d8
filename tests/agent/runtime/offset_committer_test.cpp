// The committer and the writer thread of a flow's pipeline, on a real queue.
#include "agent/runtime/offset_committer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <vector>

#include "agent/runtime/serial_worker.h"
#include "tests/support/temp_dir.h"

namespace ferry::agent::runtime {
namespace {

using json = ferry::Json;

std::unique_ptr<queue::LogQueue> openQueue(const std::string& dir) {
  queue::LogQueue::Options o;
  o.stateDir = dir;
  auto q = queue::LogQueue::open(o);
  EXPECT_TRUE(q.isOk());
  return std::move(*q);
}

TEST(OffsetCommitterTest, CommitsTheLatestDonePageOfEachTopic) {
  testing::TempDir dir;
  auto q = openQueue(dir.path());
  for (const char* topic : {"a", "b"}) {
    ASSERT_TRUE(q->registerConsumer("flow", topic, queue::LogQueue::StartAt::kEarliest).isOk());
    for (int i = 0; i < 20; ++i) ASSERT_TRUE(q->append(topic, {json{{"n", i}}}, {}).isOk());
  }
  ReadAhead ahead(100);
  {
    OffsetCommitter committer(*q, "flow", &ahead);
    for (std::uint64_t seq = 1; seq <= 20; ++seq) ASSERT_TRUE(committer.done("a", seq).isOk());
    ASSERT_TRUE(committer.done("b", 7).isOk());
    ASSERT_TRUE(committer.finish().isOk());
    EXPECT_EQ(*q->committed("flow", "a"), 20u);
    EXPECT_EQ(*q->committed("flow", "b"), 7u);
    ASSERT_TRUE(committer.done("b", 9).isOk());
  }  // the destructor commits what is pending
  EXPECT_EQ(*q->committed("flow", "b"), 9u);
}

TEST(OffsetCommitterTest, AFailedCommitStopsLaterOnesAndIsReported) {
  testing::TempDir dir;
  auto q = openQueue(dir.path());
  ASSERT_TRUE(q->registerConsumer("flow", "a", queue::LogQueue::StartAt::kEarliest).isOk());
  ASSERT_TRUE(q->append("a", {json{{"n", 1}}}, {}).isOk());
  OffsetCommitter committer(*q, "flow", nullptr);
  ASSERT_TRUE(committer.done("a", 5).isOk());  // beyond the last page: the queue refuses
  Status finished = committer.finish();
  EXPECT_EQ(finished.code(), StatusCode::kInvalidArgument) << finished.toString();
  EXPECT_FALSE(committer.done("a", 1).isOk()) << "nothing is committed after a failure";
  EXPECT_EQ(*q->committed("flow", "a"), 0u);
}

TEST(SerialWorkerTest, RunsTasksInOrderAndFinishesThemBeforeItEnds) {
  std::vector<int> order;
  std::vector<std::future<int>> results;
  {
    SerialWorker worker;
    for (int i = 0; i < 50; ++i) {
      results.push_back(worker.submit([i, &order] {
        order.push_back(i);  // one thread: no lock needed, which is the point
        return i * 2;
      }));
    }
    auto moveOnly = std::make_unique<int>(7);
    EXPECT_EQ(worker.submit([p = std::move(moveOnly)] { return *p; }).get(), 7);
  }
  ASSERT_EQ(order.size(), 50u);
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(order[static_cast<std::size_t>(i)], i);
    EXPECT_EQ(results[static_cast<std::size_t>(i)].get(), i * 2);
  }
}

}  // namespace
}  // namespace ferry::agent::runtime
