// One appender and three consumers on one topic: each consumer sees every page once, in
// order, while commits and retention run concurrently.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "agent/queue/log_queue.h"
#include "tests/support/temp_dir.h"

namespace ferry::agent::queue {
namespace {

TEST(LogQueueConcurrencyTest, OneAppenderThreeConsumers) {
  ferry::testing::TempDir dir;
  LogQueue::Options o;
  o.stateDir = dir.path();
  o.synchronous = "NORMAL";
  o.retentionBatchPages = 8;
  auto q = LogQueue::open(o);
  ASSERT_TRUE(q.isOk());
  LogQueue& queue = **q;
  constexpr int kPages = 600;
  for (int c = 0; c < 3; ++c) {
    ASSERT_TRUE(
        queue.registerConsumer("c" + std::to_string(c), "t", LogQueue::StartAt::kEarliest).isOk());
  }
  std::atomic<bool> failed{false};
  std::thread appender([&] {
    for (int i = 1; i <= kPages && !failed; ++i) {
      auto seq = queue.append("t", {{{"n", i}}}, i);
      if (!seq || *seq != static_cast<std::uint64_t>(i)) failed = true;
    }
  });
  std::vector<std::vector<int>> seen(3);
  std::vector<std::thread> consumers;
  for (int c = 0; c < 3; ++c) {
    consumers.emplace_back([&, c] {
      std::string name = "c" + std::to_string(c);
      auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
      while (seen[c].size() < kPages && !failed && std::chrono::steady_clock::now() < deadline) {
        auto pages = queue.read(name, "t", 16);
        if (!pages) {
          failed = true;
          return;
        }
        for (const auto& p : *pages) seen[c].push_back((*p.records)[0]["n"].get<int>());
        if (!pages->empty() && !queue.commit(name, "t", pages->back().seq).isOk()) failed = true;
        if (pages->empty()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
    });
  }
  appender.join();
  for (auto& t : consumers) t.join();
  ASSERT_FALSE(failed);
  for (int c = 0; c < 3; ++c) {
    ASSERT_EQ(seen[c].size(), static_cast<std::size_t>(kPages)) << "consumer " << c;
    for (int i = 0; i < kPages; ++i) ASSERT_EQ(seen[c][i], i + 1) << "consumer " << c;
  }
  ASSERT_TRUE(queue.runRetention().isOk());
  EXPECT_EQ(queue.stats()->depthPages.count("t"), 0u);
}

}  // namespace
}  // namespace ferry::agent::queue
