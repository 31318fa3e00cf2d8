#include "common/schedule/schedule.h"

#include <gtest/gtest.h>

#include "common/json/json.h"

namespace ferry::schedule {
namespace {

using namespace std::chrono;
using json = ferry::Json;

sys_seconds utcAt(int y, unsigned mo, unsigned d, int h, int mi = 0, int s = 0) {
  return sys_days{year{y} / month{mo} / day{d}} + hours{h} + minutes{mi} + seconds{s};
}

Schedule parse(const json& j) {
  Problems problems;
  auto s = Schedule::fromJson(j, "/schedule", problems);
  EXPECT_TRUE(s.has_value()) << formatProblems(problems);
  return s ? *s : Schedule::every(seconds{1});
}

std::string problemsOf(const json& j) {
  Problems problems;
  auto s = Schedule::fromJson(j, "/s", problems);
  EXPECT_FALSE(s.has_value());
  return formatProblems(problems);
}

TEST(ScheduleTest, CronDefaultsToUtc) {
  Schedule s = parse({{"cron", "*/5 * * * *"}});
  EXPECT_EQ(s.zone().name(), "UTC");
  EXPECT_EQ(s.next(utcAt(2026, 11, 22, 10, 2, 30)), utcAt(2026, 11, 22, 10, 5));
  EXPECT_EQ(s.next(utcAt(2026, 11, 22, 10, 5)), utcAt(2026, 11, 22, 10, 10));
}

TEST(ScheduleTest, CronInAZone) {
  Schedule s = parse({{"cron", "0 30 8 * * MON"}, {"timezone", "America/New_York"}});
  // Monday 2026-11-23 08:30 EST = 13:30 UTC.
  EXPECT_EQ(s.next(utcAt(2026, 11, 22, 0)), utcAt(2026, 11, 23, 13, 30));
}

TEST(ScheduleTest, SpringForwardRunsOnceAtTheNextValidTime) {
  Schedule s = parse({{"cron", "30 2 * * *"}, {"timezone", "Europe/Berlin"}});
  // 2026-03-29 has no 02:30 in Berlin: the job runs at 03:00 CEST (01:00 UTC), once.
  auto first = s.next(utcAt(2026, 3, 28, 1, 30));
  EXPECT_EQ(first, utcAt(2026, 3, 29, 1));
  EXPECT_EQ(s.next(*first), utcAt(2026, 3, 30, 0, 30));  // 02:30 CEST the day after
}

TEST(ScheduleTest, FallBackRunsOnceNotTwice) {
  Schedule s = parse({{"cron", "30 2 * * *"}, {"timezone", "Europe/Berlin"}});
  auto first = s.next(utcAt(2026, 10, 24, 0, 30));
  EXPECT_EQ(first, utcAt(2026, 10, 25, 0, 30));           // 02:30 CEST, the first 02:30
  EXPECT_EQ(s.next(*first), utcAt(2026, 10, 26, 1, 30));  // not 01:30 UTC (02:30 CET) again
}

TEST(ScheduleTest, HourlyWildcardRunsByElapsedTimeThroughTheRepeatedHour) {
  Schedule s = parse({{"cron", "*/15 * * * *"}, {"timezone", "Europe/Berlin"}});
  sys_seconds t = utcAt(2026, 10, 24, 23, 50);
  for (int i = 0; i < 12; ++i) {
    auto n = s.next(t);
    ASSERT_TRUE(n.has_value());
    EXPECT_EQ(*n - t, i == 0 ? minutes{10} : minutes{15}) << i;
    t = *n;
  }
}

TEST(ScheduleTest, SkippedQuarterHoursCollapseIntoOneRun) {
  Schedule s = parse({{"cron", "*/15 * * * *"}, {"timezone", "Europe/Berlin"}});
  EXPECT_EQ(s.next(utcAt(2026, 3, 29, 0, 40)), utcAt(2026, 3, 29, 0, 45));  // 01:45 CET
  EXPECT_EQ(s.next(utcAt(2026, 3, 29, 0, 45)), utcAt(2026, 3, 29, 1));      // 03:00 CEST
  EXPECT_EQ(s.next(utcAt(2026, 3, 29, 1)), utcAt(2026, 3, 29, 1, 15));
}

TEST(ScheduleTest, EveryIsAlignedToTheEpoch) {
  Schedule s = parse({{"every", "5m"}});
  EXPECT_EQ(s.interval(), minutes{5});
  EXPECT_EQ(s.next(utcAt(2026, 1, 1, 10, 2, 30)), utcAt(2026, 1, 1, 10, 5));
  EXPECT_EQ(s.next(utcAt(2026, 1, 1, 10, 5)), utcAt(2026, 1, 1, 10, 10));
  EXPECT_EQ(parse({{"every", "30s"}}).interval(), seconds{30});
  EXPECT_EQ(parse({{"every", "1h"}}).interval(), hours{1});
  EXPECT_EQ(parse({{"every", "2d"}}).interval(), hours{48});
}

TEST(ScheduleTest, ProblemsCarryPointers) {
  EXPECT_EQ(problemsOf({{"cron", "* * *"}}),
            "/s/cron: cron expression '* * *' has 3 fields; expected 5 (min hour day month "
            "weekday) or 6 (with seconds first)\n");
  EXPECT_EQ(problemsOf({{"cron", "* * * * *"}, {"timezone", "Europe/Berln"}}),
            "/s/timezone: unknown time zone 'Europe/Berln'; did you mean 'Europe/Berlin'?\n");
  EXPECT_NE(problemsOf({{"every", "5x"}}).find("/s/every: '5x' is not an interval"),
            std::string::npos);
  EXPECT_NE(problemsOf({{"every", "0s"}}).find("/s/every:"), std::string::npos);
  EXPECT_EQ(problemsOf(json::object()), "/s: a schedule needs 'cron' or 'every'\n");
  EXPECT_EQ(problemsOf({{"cron", "* * * * *"}, {"every", "5m"}}),
            "/s: give either 'cron' or 'every', not both\n");
  EXPECT_EQ(problemsOf({{"cron", "* * * * *"}, {"timezon", "UTC"}}),
            "/s/timezon: unknown key 'timezon'; did you mean 'timezone'?\n");
  EXPECT_EQ(problemsOf({{"every", "5m"}, {"timezone", "UTC"}}),
            "/s/timezone: 'timezone' only applies to 'cron'\n");
  EXPECT_NE(problemsOf(json("5m")).find("/s: a schedule must be an object"), std::string::npos);
}

}  // namespace
}  // namespace ferry::schedule
