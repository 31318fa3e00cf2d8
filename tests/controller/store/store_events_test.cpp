#include <atomic>
#include <thread>

#include "tests/controller/store/store_fixture.h"

namespace ferry::controller::store::testing {
namespace {

class StoreEventsTest : public StoreTest {};

TEST_P(StoreEventsTest, EventsAreStoredOnceAndThePrefixStopsAtTheFirstGap) {
  EXPECT_EQ(must(store_->contiguousPrefix("a", "epoch-1")), 0u);
  EXPECT_TRUE(must(store_->recordEvent("a", "epoch-1", 1)));
  EXPECT_TRUE(must(store_->recordEvent("a", "epoch-1", 2)));
  EXPECT_TRUE(must(store_->recordEvent("a", "epoch-1", 4)));
  EXPECT_EQ(must(store_->contiguousPrefix("a", "epoch-1")), 2u);
  EXPECT_FALSE(must(store_->recordEvent("a", "epoch-1", 2)));  // re-sent: only re-acked
  EXPECT_FALSE(must(store_->recordEvent("a", "epoch-1", 4)));
  EXPECT_TRUE(must(store_->recordEvent("a", "epoch-1", 3)));
  EXPECT_EQ(must(store_->contiguousPrefix("a", "epoch-1")), 4u);
  EXPECT_FALSE(must(store_->recordEvent("a", "epoch-1", 1)));

  // A new state directory (epoch) and another agent start from nothing.
  EXPECT_EQ(must(store_->contiguousPrefix("a", "epoch-2")), 0u);
  EXPECT_TRUE(must(store_->recordEvent("a", "epoch-2", 1)));
  EXPECT_TRUE(must(store_->recordEvent("b", "epoch-1", 1)));
  EXPECT_EQ(must(store_->contiguousPrefix("a", "epoch-2")), 1u);
  EXPECT_EQ(must(store_->contiguousPrefix("a", "epoch-1")), 4u);

  EXPECT_EQ(store_->recordEvent("a", "epoch-1", 0).status().code(), StatusCode::kInvalidArgument);
}

TEST_P(StoreEventsTest, AGapFilledLateExtendsThePrefixOverEverythingBehindIt) {
  for (std::uint64_t seq = 2; seq <= 300; ++seq) must(store_->recordEvent("a", "e", seq));
  EXPECT_EQ(must(store_->contiguousPrefix("a", "e")), 0u);
  EXPECT_TRUE(must(store_->recordEvent("a", "e", 1)));
  EXPECT_EQ(must(store_->contiguousPrefix("a", "e")), 300u);
}

TEST_P(StoreEventsTest, PruningSeenRowsKeepsOldEventsRecognised) {
  for (std::uint64_t seq = 1; seq <= 5; ++seq) must(store_->recordEvent("a", "e", seq));
  must(store_->recordEvent("a", "e", 7));
  clock_.set(kT0 + 86'400'000);
  auto pruned = must(store_->pruneRuns(kT0 + 1));
  EXPECT_EQ(pruned.events, 5);  // 1..5; 7 is above the prefix and stays
  EXPECT_FALSE(must(store_->recordEvent("a", "e", 3)));
  EXPECT_FALSE(must(store_->recordEvent("a", "e", 7)));
  EXPECT_TRUE(must(store_->recordEvent("a", "e", 6)));
  EXPECT_EQ(must(store_->contiguousPrefix("a", "e")), 7u);
}

TEST_P(StoreEventsTest, ABatchAppliesEachNewEventOnceAndReturnsThePrefixes) {
  must(store_->createAgent("a", "", ""));
  auto cmd = must(store_->enqueueCommand("a", "run-flow", "{}"));
  RunUpdate started;
  started.kind = RunUpdate::Kind::kStarted;
  started.runId = "run-1";
  started.flowId = "orders";
  started.trigger = "manual";
  started.startedAtMs = kT0 + 1;
  RunUpdate finished;
  finished.kind = RunUpdate::Kind::kFinished;
  finished.runId = "run-1";
  finished.state = "partial";
  finished.counts = {3, 0, 2, 1};
  finished.finishedAtMs = kT0 + 9;
  RunErrorRecord error;
  error.errorId = "err-1";
  error.runId = "run-1";
  error.flowId = "orders";
  error.message = "bad";
  error.record = R"({"id":1})";
  RunUpdate broken;  // no run id: the store cannot use it
  broken.kind = RunUpdate::Kind::kProgress;

  std::vector<IngestEvent> batch = {
      {{"a", "e1", 4}, "run.finished", kT0 + 50, finished},  // arrives first
      {{"a", "e1", 1}, "run.started", kT0 + 50, started},
      {{"a", "e1", 2}, "record.error", kT0 + 50, error},
      {{"a", "e1", 3}, "bogus.type", kT0 + 50, Quarantine{"unknown type", R"({"x":1})"}},
      {{"a", "e1", 6}, "run.progress", kT0 + 50, broken},
      {{"a", "e1", 7}, "command.result", kT0 + 50, CommandResult{cmd.commandId, true, "ok"}},
      {{"a", "e2", 1}, "heartbeat", kT0 + 60, HeartbeatStats{{5, 12, 2, R"({"q":2})"}}},
      {{"a", "e1", 2}, "record.error", kT0 + 50, error},  // the same event twice in a batch
  };
  auto result = must(store_->ingestEvents(batch));
  EXPECT_EQ(result.fresh, (std::vector<bool>{true, true, true, true, true, true, true, false}));
  ASSERT_EQ(result.prefixes.size(), 2u);
  EXPECT_EQ(result.prefixes[0].epoch, "e1");
  EXPECT_EQ(result.prefixes[0].upTo, 4u);  // 5 is missing
  EXPECT_EQ(result.prefixes[1].epoch, "e2");
  EXPECT_EQ(result.prefixes[1].upTo, 1u);

  auto run = must(store_->getRun("run-1"));
  EXPECT_EQ(run.agentId, "a");
  EXPECT_EQ(run.state, "partial");
  EXPECT_EQ(run.flowId, "orders");
  EXPECT_EQ(run.startedAtMs, kT0 + 1);
  EXPECT_EQ(must(store_->getError("err-1")).agentId, "a");
  EXPECT_EQ(must(store_->getCommand(cmd.commandId)).state, CommandState::kDone);
  auto agent = must(store_->getAgent("a"));
  EXPECT_EQ(agent.stats.outboxBacklog, 5);
  EXPECT_EQ(agent.lastSeenMs, kT0 + 60);
  auto quarantined = must(store_->listQuarantinedEvents("a", 10));
  ASSERT_EQ(quarantined.size(), 2u);  // the unknown type and the unusable body
  EXPECT_EQ(quarantined[0].key.seq + quarantined[1].key.seq, 9u);

  // The whole batch again (the agent re-sent it): nothing is new, nothing changes twice.
  must(store_->setErrorState({"err-1"}, ErrorState::kResolved, "resolved"));
  auto again = must(store_->ingestEvents(batch));
  EXPECT_EQ(again.fresh, std::vector<bool>(batch.size(), false));
  EXPECT_EQ(again.prefixes[0].upTo, 4u);
  EXPECT_EQ(must(store_->getError("err-1")).state, ErrorState::kResolved);

  // error.closed from the agent; unknown ids are ignored.
  must(store_->insertError([&] {
    RunErrorRecord e = error;
    e.errorId = "err-2";
    e.agentId = "a";
    return e;
  }()));
  auto closed = must(store_->ingestEvents(
      {{{"a", "e1", 5}, "error.closed", 0, ErrorsClosed{{"err-2", "never-seen"}, "retried"}}}));
  EXPECT_EQ(closed.prefixes[0].upTo, 7u);
  auto e2 = must(store_->getError("err-2"));
  EXPECT_EQ(e2.state, ErrorState::kResolved);
  EXPECT_EQ(e2.resolution, "retried");
}

TEST_P(StoreEventsTest, AnAgentCreatedAgainGoesOnWithItsEpoch) {
  // The agent keeps its state directory (and outbox) when an admin deletes it and creates
  // it again: events it sends later still extend the acknowledged prefix.
  must(store_->createAgent("a", "", ""));
  for (std::uint64_t seq = 1; seq <= 3; ++seq) {
    must(store_->ingestEvents({{{"a", "e1", seq}, "heartbeat", 0, std::monostate{}}}));
  }
  must(store_->deleteAgent("a"));
  must(store_->createAgent("a", "", ""));
  auto later = must(store_->ingestEvents({{{"a", "e1", 4}, "heartbeat", 0, std::monostate{}}}));
  ASSERT_EQ(later.prefixes.size(), 1u);
  EXPECT_EQ(later.prefixes[0].upTo, 4u);
  auto resent = must(store_->ingestEvents({{{"a", "e1", 2}, "heartbeat", 0, std::monostate{}}}));
  EXPECT_FALSE(resent.fresh[0]);
}

TEST_P(StoreEventsTest, ARetryCommandsAnswerReopensItsErrorsThatWereNotRetried) {
  must(store_->createAgent("a", "", ""));
  must(store_->createAgent("b", "", ""));
  for (const char* id : {"x1", "x2", "x3"}) {
    RunErrorRecord e;
    e.errorId = id;
    e.runId = "run-1";
    e.agentId = "a";
    e.flowId = "orders";
    e.message = "bad";
    e.record = "{}";
    must(store_->insertError(e));
  }
  must(store_->setErrorState({"x1", "x2", "x3"}, ErrorState::kRetrying, ""));
  auto cmd = must(store_->enqueueCommand("a", "retry-errors", R"({"errorIds":["x1","x2"]})"));
  // Another agent cannot close a's errors nor answer a's command.
  must(store_->ingestEvents(
      {{{"b", "e9", 1}, "error.closed", 0, ErrorsClosed{{"x1"}, "resolved"}},
       {{"b", "e9", 2}, "command.result", 0, CommandResult{cmd.commandId, true, "forged"}}}));
  EXPECT_EQ(must(store_->getError("x1")).state, ErrorState::kRetrying);
  EXPECT_EQ(must(store_->getCommand(cmd.commandId)).state, CommandState::kPending);
  // a retried x1 (it went through) but not x2 (it failed again): x2 is open again; x3 was not
  // part of the command and stays as it was.
  must(store_->ingestEvents({{{"a", "e1", 1}, "error.closed", 0, ErrorsClosed{{"x1"}, "retried"}},
                             {{"a", "e1", 2},
                              "command.result",
                              0,
                              CommandResult{cmd.commandId, false, "x2: failed again"}}}));
  EXPECT_EQ(must(store_->getError("x1")).state, ErrorState::kResolved);
  EXPECT_EQ(must(store_->getError("x2")).state, ErrorState::kOpen);
  EXPECT_EQ(must(store_->getError("x3")).state, ErrorState::kRetrying);
  EXPECT_EQ(must(store_->getCommand(cmd.commandId)).state, CommandState::kFailed);
}

// Two controller replicas (two stores on one database), each with two threads, record
// the same events: every event is new exactly once and the prefix covers them all.
TEST_P(StoreEventsTest, ConcurrentWritersStoreEachEventOnce) {
  auto replica = openAnother();
  ASSERT_NE(replica, nullptr);
  constexpr std::uint64_t kEvents = 150;
  std::atomic<int> fresh{0};
  std::atomic<int> failures{0};
  auto writer = [&](Store* store, std::uint64_t first, std::uint64_t step) {
    for (std::uint64_t seq = first; seq <= kEvents; seq += step) {
      for (int attempt = 0;; ++attempt) {
        auto r = store->recordEvent("a", "e", seq);
        if (r.isOk()) {
          if (*r) ++fresh;
          break;
        }
        // Busy or a deadlock victim: what the sync side does too (retry the call).
        if (!(r.status().retryable() || r.status().code() == StatusCode::kAborted) ||
            attempt > 20) {
          ADD_FAILURE() << r.status().toString();
          ++failures;
          break;
        }
      }
    }
  };
  std::thread t1(writer, store_.get(), 1, 1);
  std::thread t2(writer, replica.get(), 1, 1);
  std::thread t3(writer, store_.get(), 2, 2);
  std::thread t4(writer, replica.get(), 1, 2);
  for (auto* t : {&t1, &t2, &t3, &t4}) t->join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(fresh.load(), static_cast<int>(kEvents));
  EXPECT_EQ(must(store_->contiguousPrefix("a", "e")), kEvents);
  EXPECT_EQ(must(replica->contiguousPrefix("a", "e")), kEvents);
}

TEST_P(StoreEventsTest, ConcurrentBatchesFromTwoReplicasStoreEachEventOnce) {
  auto replica = openAnother();
  ASSERT_NE(replica, nullptr);
  constexpr std::uint64_t kEvents = 400;
  std::atomic<int> fresh{0};
  auto writer = [&](Store* store, bool reverse) {
    for (std::uint64_t start = 1; start <= kEvents; start += 20) {
      std::vector<IngestEvent> batch;
      for (std::uint64_t seq = start; seq < start + 20; ++seq) {
        std::uint64_t s = reverse ? kEvents + 1 - seq : seq;
        batch.push_back({{"a", "e", s}, "heartbeat", 0, {}});
        batch.push_back({{"b", "e", s}, "heartbeat", 0, {}});
      }
      for (int attempt = 0;; ++attempt) {
        auto r = store->ingestEvents(batch);
        if (r.isOk()) {
          for (bool f : r->fresh) fresh += f ? 1 : 0;
          break;
        }
        ASSERT_TRUE(r.status().retryable() || r.status().code() == StatusCode::kAborted)
            << r.status().toString();
        ASSERT_LT(attempt, 20) << r.status().toString();
      }
    }
  };
  std::thread t1(writer, store_.get(), false);
  std::thread t2(writer, replica.get(), true);
  t1.join();
  t2.join();
  EXPECT_EQ(fresh.load(), static_cast<int>(2 * kEvents));
  EXPECT_EQ(must(store_->contiguousPrefix("a", "e")), kEvents);
  EXPECT_EQ(must(store_->contiguousPrefix("b", "e")), kEvents);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreEventsTest,
                         ::testing::Values(TestBackend::kSqlite, TestBackend::kPostgresql),
                         backendParamName);

}  // namespace
}  // namespace ferry::controller::store::testing
