// The run history: the errors quota and retention.
#include "agent/runtime/run_store.h"

#include <gtest/gtest.h>

#include "tests/support/temp_dir.h"

namespace ferry::agent::runtime {
namespace {

using namespace std::chrono_literals;

RunSummary runWithErrors(const std::string& id, std::chrono::system_clock::time_point start,
                         int errors) {
  RunSummary run;
  run.runId = id;
  run.flowId = "f";
  run.state = RunState::kPartial;
  run.startedAt = start;
  run.finishedAt = start + 1s;
  run.counts.failed = static_cast<std::uint64_t>(errors);
  for (int i = 0; i < errors; ++i) {
    run.errors.push_back({id + "-e" + std::to_string(i),
                          static_cast<std::size_t>(i),
                          0,
                          "map",
                          "a message of some length",
                          {{"pad", std::string(70, 'x')}}});
  }
  return run;
}

TEST(RunStoreTest, ErrorsBeyondTheQuotaAreCountedNotStored) {
  testing::TempDir dir;
  auto store = RunStore::open({dir.path(), 100000, 500});  // about four errors fit
  ASSERT_TRUE(store.isOk()) << store.status().toString();
  ASSERT_TRUE((*store)
                  ->record(runWithErrors("r1", std::chrono::system_clock::now(), 10), "schedule")
                  .isOk());
  auto stored = (*store)->errors("open", 100);
  ASSERT_TRUE(stored.isOk());
  EXPECT_EQ(stored->size(), 4u);
  auto runs = (*store)->recentRuns(10);
  ASSERT_TRUE(runs.isOk());
  EXPECT_EQ((*runs)[0].counts.failed, 10u);  // the run still says how many failed
  // Resolving frees room.
  ASSERT_TRUE((*store)->resolve({(*stored)[0].errorId, (*stored)[1].errorId}).isOk());
  ASSERT_TRUE((*store)
                  ->record(runWithErrors("r2", std::chrono::system_clock::now(), 3), "schedule")
                  .isOk());
  EXPECT_EQ((*store)->errors("open", 100)->size(), 4u);
}

TEST(RunStoreTest, RetentionPrunesOldRunsAndErrors) {
  testing::TempDir dir;
  auto store = RunStore::open({dir.path()});
  ASSERT_TRUE(store.isOk());
  const auto now = std::chrono::system_clock::now();
  ASSERT_TRUE((*store)->record(runWithErrors("old", now - 40 * 24h, 2), "schedule").isOk());
  ASSERT_TRUE((*store)->record(runWithErrors("new", now - 1h, 1), "schedule").isOk());
  auto pruned = (*store)->prune(now - 30 * 24h, now - 30 * 24h);
  ASSERT_TRUE(pruned.isOk());
  EXPECT_EQ(*pruned, 1u);
  auto runs = (*store)->recentRuns(10);
  ASSERT_EQ(runs->size(), 1u);
  EXPECT_EQ((*runs)[0].runId, "new");
  EXPECT_EQ((*store)->errors("", 100)->size(), 1u);
  ASSERT_TRUE((*store)->lastRunStart("f").isOk());
}

}  // namespace
}  // namespace ferry::agent::runtime
