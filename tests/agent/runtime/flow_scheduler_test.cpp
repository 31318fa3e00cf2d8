// The scheduler on a fake clock: no sleeping.
#include "agent/runtime/flow_scheduler.h"
#include "common/json/json.h"

#include <gtest/gtest.h>

namespace ferry::agent::runtime {
namespace {

using namespace std::chrono_literals;

// A fake clock the test moves by hand.
class FakeClock final : public Clock {
 public:
  TimePoint now() const override { return now_; }
  SteadyPoint steadyNow() const override { return SteadyPoint(now_.time_since_epoch()); }
  void advance(std::chrono::seconds s) { now_ += s; }
  void set(TimePoint t) { now_ = t; }

 private:
  TimePoint now_ = TimePoint(std::chrono::sys_days(std::chrono::year(2026) / 11 / 30));
};

model::Flow flow(const std::string& id, const ferry::Json& schedule) {
  model::Flow f;
  f.id = id;
  Problems problems;
  f.schedule = schedule::Schedule::fromJson(schedule, "/schedule", problems);
  EXPECT_TRUE(f.schedule.has_value());
  return f;
}

TEST(FlowSchedulerTest, RunsOnEachTickAndNeverTwiceAtOnce) {
  FakeClock clock;
  FlowScheduler s(clock);
  auto f = flow("f", {{"every", "5m"}});
  s.setFlows({&f}, {});
  EXPECT_TRUE(s.takeDue().empty());  // a new flow waits for its first tick
  clock.advance(5min);
  EXPECT_EQ(s.takeDue(), std::vector<std::string>{"f"});
  clock.advance(10min);  // still running across two ticks
  EXPECT_TRUE(s.takeDue().empty());
  EXPECT_TRUE(s.running("f"));
  s.finished("f");
  // Two ticks passed while it ran: it runs once now, not twice.
  EXPECT_EQ(s.takeDue(), std::vector<std::string>{"f"});
  s.finished("f");
  EXPECT_TRUE(s.takeDue().empty());
  ASSERT_TRUE(s.nextWake().has_value());
  EXPECT_EQ(*s.nextWake(), clock.now() + 5min);
}

TEST(FlowSchedulerTest, AScheduleMissedWhileDownRunsOnceOnStart) {
  FakeClock clock;
  auto f = flow("nightly", {{"cron", "0 2 * * *"}, {"timezone", "Europe/Berlin"}});
  const auto lastRun = clock.now() - std::chrono::hours(24 * 3);  // three nights missed
  FlowScheduler s(clock);
  s.setFlows({&f}, {{"nightly", lastRun}});
  EXPECT_EQ(s.takeDue(), std::vector<std::string>{"nightly"});
  s.finished("nightly");
  EXPECT_TRUE(s.takeDue().empty());
  // The next run is at 02:00 Berlin time (01:00 UTC in winter).
  auto wake = s.nextWake();
  ASSERT_TRUE(wake.has_value());
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(wake->time_since_epoch());
  EXPECT_EQ(seconds.count() % 86400, 3600);
}

TEST(FlowSchedulerTest, OnDemandRunsWaitForARunningOne) {
  FakeClock clock;
  FlowScheduler s(clock);
  auto f = flow("f", {{"every", "1h"}});
  s.setFlows({&f}, {});
  EXPECT_TRUE(s.startOnDemand("f"));
  EXPECT_FALSE(s.startOnDemand("f"));
  s.finished("f");
  EXPECT_TRUE(s.startOnDemand("f"));
}

}  // namespace
}  // namespace ferry::agent::runtime
