#include "agent/runtime/read_ahead.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

namespace ferry::agent::runtime {
namespace {

using namespace std::chrono_literals;

TEST(ReadAheadTest, TheReaderWaitsWhileAWindowAheadAndGoesOnAsPagesAreConsumed) {
  ReadAhead ahead(2);
  auto never = [] { return false; };
  ahead.waitForRoom("t", never);  // nothing appended yet: no wait
  ahead.appended("t", 1);
  ahead.waitForRoom("t", never);  // one ahead of nothing consumed: room
  ahead.appended("t", 2);
  std::atomic<bool> through{false};
  std::thread reader([&] {
    ahead.waitForRoom("t", never);
    through = true;
  });
  std::this_thread::sleep_for(150ms);
  EXPECT_FALSE(through) << "two pages ahead of the consumer: the reader waits";
  ahead.appended("other", 50);  // another topic has its own window
  ahead.consumed("t", 1);
  reader.join();
  EXPECT_TRUE(through);
}

TEST(ReadAheadTest, ReleaseAndStoppingEndTheWait) {
  ReadAhead ahead(1);
  ahead.appended("t", 5);
  std::atomic<bool> returned{false};
  std::thread released([&] {
    ahead.waitForRoom("t", [] { return false; });
    returned = true;
  });
  std::this_thread::sleep_for(100ms);
  EXPECT_FALSE(returned) << "five pages ahead: waiting";
  ahead.release();  // the consumer is gone
  released.join();
  EXPECT_TRUE(returned);

  ReadAhead other(1);
  other.appended("t", 5);
  std::atomic<bool> stop{false};
  std::atomic<bool> stoppedWaiting{false};
  std::thread stopped([&] {
    other.waitForRoom("t", [&] { return stop.load(); });
    stoppedWaiting = true;
  });
  std::this_thread::sleep_for(100ms);
  EXPECT_FALSE(stoppedWaiting);
  stop = true;
  stopped.join();  // within one wake-up period
  EXPECT_TRUE(stoppedWaiting);
}

}  // namespace
}  // namespace ferry::agent::runtime
