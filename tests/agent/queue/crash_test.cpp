// Kills a real process that appends and commits (SIGKILL at random moments, 50 times) and
// checks after each kill that nothing it was told was stored is missing, doubled or out of
// order, that offsets never move backwards, and that the file is intact.
#include <gtest/gtest.h>
#include <signal.h>

#include <map>
#include <random>
#include <sstream>
#include <thread>

#include "agent/queue/log_queue.h"
#include "agent/queue/sqlite_db.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

namespace ferry::agent::queue {
namespace {

struct Reported {
  std::map<std::uint64_t, std::pair<long long, long long>> appends;  // seq → ids
  std::uint64_t maxCommit = 0;
};

Reported parse(const std::string& out) {
  Reported r;
  std::istringstream in(out);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream l(line);
    char kind;
    l >> kind;
    if (kind == 'A') {
      std::uint64_t seq;
      long long first, last;
      if (l >> seq >> first >> last) r.appends[seq] = {first, last};
    } else if (kind == 'C') {
      std::uint64_t seq;
      if (l >> seq) r.maxCommit = std::max(r.maxCommit, seq);
    }
  }
  return r;
}

class QueueCrashTest : public ::testing::TestWithParam<std::string> {};

TEST_P(QueueCrashTest, KilledWriterLosesAndDoublesNothing) {
  ferry::testing::TempDir dir;
  std::mt19937 rng(12345);
  std::uint64_t lastCommitted = 0;
  long long lastProgress = 0;
  int killsWithWork = 0;
  for (int round = 0; round < 50; ++round) {
    Reported reported;
    {
      ferry::testing::ChildProcess child({FERRY_QUEUE_CRASH_CHILD, dir.path(), GetParam()},
                                         dir.path());
      std::this_thread::sleep_for(std::chrono::milliseconds(30 + rng() % 150));
      child.signal(SIGKILL);
      auto code = child.wait(std::chrono::seconds(10));
      ASSERT_TRUE(code.has_value());
      ASSERT_EQ(*code, 128 + SIGKILL) << child.stderrText();
      reported = parse(child.stdoutText());
    }
    if (!reported.appends.empty()) ++killsWithWork;

    {
      auto conn = Connection::open(dir.file("queue.db"), false, "FULL");
      ASSERT_TRUE(conn.isOk()) << conn.status().toString();
      auto check = (*conn)->prepare("PRAGMA integrity_check");
      ASSERT_TRUE(check.isOk());
      ASSERT_TRUE(*check->step());
      EXPECT_EQ(check->columnText(0), "ok") << "round " << round;
    }
    LogQueue::Options o;
    o.stateDir = dir.path();
    auto q = LogQueue::open(o);
    ASSERT_TRUE(q.isOk()) << q.status().toString();
    auto committed = (*q)->committed("flow", "orders");
    ASSERT_TRUE(committed.isOk());
    EXPECT_GE(*committed, lastCommitted) << "offset moved backwards in round " << round;
    EXPECT_GE(*committed, reported.maxCommit) << "a reported commit was lost in round " << round;
    lastCommitted = *committed;

    // Read everything retained through a fresh consumer that starts at the earliest page.
    std::string reader = "check-" + std::to_string(round);
    ASSERT_TRUE((*q)->registerConsumer(reader, "orders", LogQueue::StartAt::kEarliest).isOk());
    auto pages = (*q)->read(reader, "orders", 1000000);
    ASSERT_TRUE(pages.isOk());
    std::map<std::uint64_t, std::pair<long long, long long>> stored;
    std::uint64_t prevSeq = 0;
    long long prevId = -1;
    for (const auto& p : *pages) {
      if (prevSeq) {
        EXPECT_EQ(p.seq, prevSeq + 1) << "gap in sequences, round " << round;
      }
      prevSeq = p.seq;
      for (const auto& r : *p.records) {
        long long id = r["id"].get<long long>();
        if (prevId >= 0) {
          ASSERT_EQ(id, prevId + 1) << "record missing or doubled, round " << round;
        }
        prevId = id;
      }
      stored[p.seq] = {p.records->front()["id"].get<long long>(),
                       p.records->back()["id"].get<long long>()};
    }
    for (const auto& [seq, ids] : reported.appends) {
      if (seq <= *committed) continue;  // consumed and possibly removed by retention
      auto it = stored.find(seq);
      ASSERT_NE(it, stored.end()) << "reported append " << seq << " lost in round " << round;
      EXPECT_EQ(it->second, ids);
    }
    // The export's progress is the last stored page's, never behind what was reported.
    auto progress = (*q)->progress("orders");
    ASSERT_TRUE(progress.isOk());
    if (!progress->is_null()) {
      long long p = (*progress)["lastId"].get<long long>();
      if (!stored.empty()) {
        EXPECT_EQ(p, stored.rbegin()->second.second);
      }
      if (!reported.appends.empty()) {
        EXPECT_GE(p, reported.appends.rbegin()->second.second);
      }
      EXPECT_GE(p, lastProgress);
      lastProgress = p;
    }
    // Drop the checking consumer so it does not hold retention back.
    auto c = Connection::open(dir.file("queue.db"), false, "FULL");
    ASSERT_TRUE(c.isOk());
    ASSERT_TRUE((*c)->exec("DELETE FROM consumers WHERE consumer LIKE 'check-%'").isOk());
  }
  EXPECT_GE(killsWithWork, 40) << "most kills must interrupt real work";
}

INSTANTIATE_TEST_SUITE_P(Durability, QueueCrashTest, ::testing::Values("FULL", "NORMAL"));

}  // namespace
}  // namespace ferry::agent::queue
