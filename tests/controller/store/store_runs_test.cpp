#include <algorithm>
#include <set>

#include "tests/controller/store/store_fixture.h"

namespace ferry::controller::store::testing {
namespace {

class StoreRunsTest : public StoreTest {
 protected:
  static RunUpdate started(const std::string& runId, std::int64_t at,
                           const std::string& flow = "orders",
                           const std::string& agent = "plant-1") {
    RunUpdate u;
    u.kind = RunUpdate::Kind::kStarted;
    u.runId = runId;
    u.agentId = agent;
    u.flowId = flow;
    u.integration = "erp-to-dwh";
    u.trigger = "schedule";
    u.startedAtMs = at;
    return u;
  }
  static RunUpdate progress(const std::string& runId, RunCounts counts) {
    RunUpdate u;
    u.kind = RunUpdate::Kind::kProgress;
    u.runId = runId;
    u.agentId = "plant-1";
    u.counts = counts;
    return u;
  }
  static RunUpdate finished(const std::string& runId, std::int64_t at, const std::string& state,
                            RunCounts counts) {
    RunUpdate u;
    u.kind = RunUpdate::Kind::kFinished;
    u.runId = runId;
    u.agentId = "plant-1";
    u.state = state;
    u.counts = counts;
    u.finishedAtMs = at;
    u.errorSummary = state == "partial" ? "2 records failed" : "";
    return u;
  }

  std::vector<RunRecord> allPages(const RunFilter& filter, std::size_t pageSize) {
    std::vector<RunRecord> out;
    PageRequest page{pageSize, ""};
    for (int guard = 0; guard < 1000; ++guard) {
      auto p = must(store_->listRuns(filter, page));
      out.insert(out.end(), p.items.begin(), p.items.end());
      if (p.nextCursor.empty()) break;
      page.cursor = p.nextCursor;
    }
    return out;
  }
};

TEST_P(StoreRunsTest, EventsInAnyOrderEndInTheSameRun) {
  const RunCounts mid{5, 1, 3, 1};
  const RunCounts last{10, 2, 6, 2};
  std::vector<RunUpdate> events = {started("", kT0 + 100), progress("", mid),
                                   finished("", kT0 + 900, "partial", last)};
  std::vector<int> order = {0, 1, 2};
  int n = 0;
  do {
    const std::string id = "run-" + std::to_string(n++);
    for (int twice = 0; twice < 2; ++twice) {  // a re-sent event changes nothing
      for (int i : order) {
        RunUpdate u = events[i];
        u.runId = id;
        must(store_->upsertRun(u));
      }
    }
    RunRecord r = must(store_->getRun(id));
    SCOPED_TRACE("order " + std::to_string(order[0]) + std::to_string(order[1]) +
                 std::to_string(order[2]));
    EXPECT_EQ(r.agentId, "plant-1");
    EXPECT_EQ(r.flowId, "orders");
    EXPECT_EQ(r.integration, "erp-to-dwh");
    EXPECT_EQ(r.trigger, "schedule");
    EXPECT_EQ(r.state, "partial");
    EXPECT_EQ(r.counts, last);
    EXPECT_EQ(r.startedAtMs, kT0 + 100);
    EXPECT_EQ(r.finishedAtMs, kT0 + 900);
    EXPECT_EQ(r.errorSummary, "2 records failed");
  } while (std::next_permutation(order.begin(), order.end()));
}

TEST_P(StoreRunsTest, ProgressCountsOnlyGrowWhileRunning) {
  must(store_->upsertRun(started("r", kT0)));
  must(store_->upsertRun(progress("r", {10, 0, 10, 0})));
  must(store_->upsertRun(progress("r", {4, 0, 4, 0})));  // an older progress, late
  auto r = must(store_->getRun("r"));
  EXPECT_EQ(r.state, "running");
  EXPECT_EQ(r.counts, (RunCounts{10, 0, 10, 0}));
  EXPECT_EQ(r.finishedAtMs, 0);
  EXPECT_EQ(store_->getRun("nope").status().code(), StatusCode::kNotFound);
}

TEST_P(StoreRunsTest, CursorPagesNeitherRepeatNorSkipWhenRunsArriveBetweenPages) {
  std::set<std::string> original;
  for (int i = 0; i < 25; ++i) {
    // Pairs share a start time, so the run id breaks ties.
    const std::string id = "run-" + std::string(1, static_cast<char>('a' + i));
    must(store_->upsertRun(started(id, kT0 + (i / 2) * 1000)));
    original.insert(id);
  }
  std::vector<RunRecord> seen;
  PageRequest page{10, ""};
  int pages = 0;
  for (;;) {
    auto p = must(store_->listRuns({}, page));
    seen.insert(seen.end(), p.items.begin(), p.items.end());
    ++pages;
    // New runs arrive between pages: newer ones (above every cursor), and one late
    // arrival from an agent that was offline, older than everything listed so far.
    must(store_->upsertRun(started("new-" + std::to_string(pages), kT0 + 100000 + pages)));
    if (pages == 1) must(store_->upsertRun(started("late", kT0 - 5000)));
    if (p.nextCursor.empty()) break;
    page.cursor = p.nextCursor;
    ASSERT_LT(pages, 10);
  }
  std::set<std::string> ids;
  for (const RunRecord& r : seen) {
    EXPECT_TRUE(ids.insert(r.runId).second) << "listed twice: " << r.runId;
  }
  for (const std::string& id : original) EXPECT_EQ(ids.count(id), 1u) << "skipped: " << id;
  EXPECT_EQ(ids.count("late"), 1u);   // it sorts below the cursor, so it is listed once
  EXPECT_EQ(ids.count("new-1"), 0u);  // newer than the first page: not in this listing
  for (std::size_t i = 1; i < seen.size(); ++i) {
    EXPECT_TRUE(std::tie(seen[i - 1].startedAtMs, seen[i - 1].runId) >
                std::tie(seen[i].startedAtMs, seen[i].runId))
        << "out of order at " << i;
  }
  EXPECT_EQ(seen.size(), 26u);
}

TEST_P(StoreRunsTest, FiltersByFlowAgentIntegrationStateAndTime) {
  for (int i = 0; i < 12; ++i) {
    RunUpdate s = started("r" + std::to_string(i), kT0 + i * 1000, i % 2 ? "orders" : "prices",
                          i % 3 ? "plant-1" : "plant-2");
    s.integration = i < 6 ? "erp-to-dwh" : "shop";
    must(store_->upsertRun(s));
    if (i % 4 == 0) {
      RunUpdate f = finished(s.runId, kT0 + i * 1000 + 10, "failed", {});
      f.agentId = s.agentId;
      must(store_->upsertRun(f));
    }
  }
  auto count = [&](RunFilter f) { return allPages(f, 5).size(); };
  EXPECT_EQ(count({}), 12u);
  EXPECT_EQ(count({"orders", "", "", "", 0, 0}), 6u);
  EXPECT_EQ(count({"", "plant-2", "", "", 0, 0}), 4u);  // 0, 3, 6, 9
  EXPECT_EQ(count({"", "", "shop", "", 0, 0}), 6u);
  EXPECT_EQ(count({"", "", "", "failed", 0, 0}), 3u);  // 0, 4, 8
  EXPECT_EQ(count({"", "", "", "running", 0, 0}), 9u);
  EXPECT_EQ(count({"", "", "", "", kT0 + 3000, kT0 + 7000}), 4u);              // 3, 4, 5, 6
  EXPECT_EQ(count({"orders", "plant-1", "erp-to-dwh", "running", 0, 0}), 2u);  // 1, 5
  auto window = allPages({"", "", "", "", kT0 + 3000, kT0 + 7000}, 2);
  ASSERT_EQ(window.size(), 4u);
  EXPECT_EQ(window.front().runId, "r6");
  EXPECT_EQ(window.back().runId, "r3");
}

TEST_P(StoreRunsTest, ACursorIsOnlyValidWithItsOwnFilters) {
  for (int i = 0; i < 5; ++i) must(store_->upsertRun(started("r" + std::to_string(i), kT0 + i)));
  auto first = must(store_->listRuns({"orders", "", "", "", 0, 0}, {2, ""}));
  ASSERT_FALSE(first.nextCursor.empty());
  auto other = store_->listRuns({"prices", "", "", "", 0, 0}, {2, first.nextCursor});
  ASSERT_FALSE(other.isOk());
  EXPECT_EQ(other.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(other.status().message().find("other filters"), std::string::npos);
  auto junk = store_->listRuns({}, {2, "not*a*cursor"});
  ASSERT_FALSE(junk.isOk());
  EXPECT_EQ(junk.status().code(), StatusCode::kInvalidArgument);
  auto errorsCursor = store_->listErrors({}, {2, first.nextCursor});
  EXPECT_EQ(errorsCursor.status().code(), StatusCode::kInvalidArgument);
}

TEST_P(StoreRunsTest, PruningRemovesOldRunsAndTheirErrors) {
  const std::int64_t day = 86'400'000;
  must(store_->upsertRun(started("old", kT0)));
  must(store_->upsertRun(finished("old", kT0 + 10, "succeeded", {})));
  must(store_->upsertRun(started("stuck", kT0 + 20)));  // never finished, long ago
  must(store_->upsertRun(started("recent", kT0 + 10 * day)));
  must(store_->upsertRun(started("spans", kT0 + 2 * day)));  // started old, finished recently
  must(store_->upsertRun(finished("spans", kT0 + 9 * day, "succeeded", {})));
  clock_.set(kT0);
  RunErrorRecord e;
  e.runId = "old";
  e.agentId = "plant-1";
  for (const char* id : {"e1", "e2"}) {
    e.errorId = id;
    must(store_->insertError(e));
  }
  e.runId = "recent";
  e.errorId = "e3";
  e.createdAtMs = kT0 + 10 * day;
  must(store_->insertError(e));

  auto pruned = must(store_->pruneRuns(kT0 + 5 * day));
  EXPECT_EQ(pruned.runs, 2);
  EXPECT_EQ(pruned.errors, 2);
  EXPECT_EQ(store_->getRun("old").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->getRun("stuck").status().code(), StatusCode::kNotFound);
  must(store_->getRun("recent"));
  must(store_->getRun("spans"));
  EXPECT_EQ(store_->getError("e1").status().code(), StatusCode::kNotFound);
  must(store_->getError("e3"));
  EXPECT_EQ(must(store_->pruneRuns(kT0 + 5 * day)).runs, 0);
}

TEST_P(StoreRunsTest, PruningWorksThroughManyBatches) {
  for (int i = 0; i < 1200; ++i) {
    must(store_->upsertRun(started("r" + std::to_string(i), kT0 + i)));
  }
  must(store_->upsertRun(started("keep", kT0 + 5000)));
  EXPECT_EQ(must(store_->pruneRuns(kT0 + 2000)).runs, 1200);
  auto left = allPages({}, 100);
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].runId, "keep");
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreRunsTest,
                         ::testing::Values(TestBackend::kSqlite, TestBackend::kPostgresql),
                         backendParamName);

}  // namespace
}  // namespace ferry::controller::store::testing
