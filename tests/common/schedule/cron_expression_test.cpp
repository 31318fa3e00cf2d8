#include "common/schedule/cron_expression.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "common/json/json.h"

namespace ferry::schedule {
namespace {

using namespace std::chrono;

// "YYYY-MM-DD HH:MM:SS" as a naive wall-clock time.
local_seconds at(const std::string& s) {
  int y, mo, d, h, mi, se;
  EXPECT_EQ(std::sscanf(s.c_str(), "%d-%d-%d %d:%d:%d", &y, &mo, &d, &h, &mi, &se), 6) << s;
  return local_days{year{y} / month{static_cast<unsigned>(mo)} / day{static_cast<unsigned>(d)}} +
         hours{h} + minutes{mi} + seconds{se};
}

std::string show(std::optional<local_seconds> t) {
  if (!t) return "none";
  auto day = floor<days>(*t);
  year_month_day ymd{day};
  hh_mm_ss<seconds> tod{*t - day};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02ld:%02ld:%02ld", int(ymd.year()),
                unsigned(ymd.month()), unsigned(ymd.day()), long(tod.hours().count()),
                long(tod.minutes().count()), long(tod.seconds().count()));
  return buf;
}

std::string next(const std::string& expr, const std::string& from) {
  auto cron = CronExpression::parse(expr);
  EXPECT_TRUE(cron.isOk()) << expr << ": " << cron.status().message();
  if (!cron) return "invalid";
  return show(cron->nextAfter(at(from)));
}

TEST(CronExpressionTest, ConformanceVectorsWithoutQuartzExtensions) {
  std::ifstream in(std::string(FERRY_CONFORMANCE_DIR) + "/cron-next.json");
  ASSERT_TRUE(in) << "missing conformance file";
  auto doc = ferry::Json::parse(in);
  int run = 0;
  for (const auto& c : doc["cases"]) {
    if (c.contains("features") || !c.contains("next")) continue;
    ++run;
    EXPECT_EQ(next(c["expr"], c["from"]), c["next"].get<std::string>())
        << c["expr"] << " from " << c["from"];
  }
  EXPECT_GE(run, 80);
}

TEST(CronExpressionTest, FiveFieldsMeanSecondZero) {
  EXPECT_EQ(next("*/5 * * * *", "2026-03-01 10:02:30"), "2026-03-01 10:05:00");
  EXPECT_EQ(next("0 12 * * MON-FRI", "2026-11-20 12:00:00"), "2026-11-23 12:00:00");  // Fri→Mon
}

TEST(CronExpressionTest, NamesQuestionMarkAndSundaySeven) {
  EXPECT_EQ(next("0 0 1 jan ?", "2026-05-05 00:00:00"), "2027-01-01 00:00:00");
  EXPECT_EQ(next("0 0 0 ? * 7", "2026-11-22 00:00:00"), "2026-11-29 00:00:00");  // a Sunday
  EXPECT_EQ(next("0 0 * * sun", "2026-11-21 10:00:00"), "2026-11-22 00:00:00");
}

TEST(CronExpressionTest, DayOfMonthOrDayOfWeekWhenBothRestricted) {
  // The 13th or any Friday: from Mon 2026-11-02, Fri 11-06 comes first.
  EXPECT_EQ(next("0 0 13 * 5", "2026-11-02 00:00:00"), "2026-11-06 00:00:00");
  // With `*` in day-of-week only the 13th counts.
  EXPECT_EQ(next("0 0 13 * *", "2026-11-02 00:00:00"), "2026-11-13 00:00:00");
}

TEST(CronExpressionTest, StepsOnSingleValuesAndRanges) {
  EXPECT_EQ(next("5/20 * * * * *", "2026-01-01 00:00:26"), "2026-01-01 00:00:45");
  EXPECT_EQ(next("0 10-40/15 * * * *", "2026-01-01 00:26:00"), "2026-01-01 00:40:00");
  EXPECT_EQ(next("0 0 29 2 *", "2026-03-01 00:00:00"), "2028-02-29 00:00:00");
}

TEST(CronExpressionTest, NeverMatchingExpressionHasNoNext) {
  EXPECT_EQ(next("0 0 30 2 *", "2026-01-01 00:00:00"), "none");
}

TEST(CronExpressionTest, ErrorsNameTheField) {
  auto expectError = [](const std::string& expr, const std::string& part) {
    auto r = CronExpression::parse(expr);
    ASSERT_FALSE(r.isOk()) << expr;
    EXPECT_NE(r.status().message().find(part), std::string::npos) << r.status().message();
  };
  expectError("* * * *", "has 4 fields");
  expectError("* * * * * * *", "has 7 fields");
  expectError("61 * * * *", "minute field: 61 is out of range 0-59");
  expectError("* 24 * * *", "hour field: 24 is out of range 0-23");
  expectError("* * 0 * *", "day-of-month field: 0 is out of range 1-31");
  expectError("* * * FOO *", "month field: unknown name 'FOO'");
  expectError("* * * * 8", "day-of-week field: 8 is out of range 0-7");
  expectError("*/0 * * * *", "step '0' must be a positive number");
  expectError("30-10 * * * *", "range '30-10' ends before it starts");
  expectError("? * * * *", "'?' is only allowed in the day fields");
  expectError("1,,2 * * * *", "empty list item");
  expectError("x * * * *", "'x' is not a number");
}

}  // namespace
}  // namespace ferry::schedule
