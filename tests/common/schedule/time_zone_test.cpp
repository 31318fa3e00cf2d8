#include "common/schedule/time_zone.h"

#include <gtest/gtest.h>

namespace ferry::schedule {
namespace {

using namespace std::chrono;

sys_seconds utcAt(int y, unsigned mo, unsigned d, int h, int mi = 0) {
  return sys_days{year{y} / month{mo} / day{d}} + hours{h} + minutes{mi};
}
local_seconds localAt(int y, unsigned mo, unsigned d, int h, int mi = 0) {
  return local_days{year{y} / month{mo} / day{d}} + hours{h} + minutes{mi};
}

TimeZone load(const std::string& name) {
  auto tz = TimeZone::load(name);
  EXPECT_TRUE(tz.isOk()) << tz.status().message();
  return tz.isOk() ? *tz : TimeZone::utc();
}

TEST(TimeZoneTest, BerlinOffsetsAroundTransitions) {
  TimeZone berlin = load("Europe/Berlin");
  EXPECT_EQ(berlin.offsetAt(utcAt(2026, 1, 15, 12)), hours{1});
  EXPECT_EQ(berlin.offsetAt(utcAt(2026, 7, 15, 12)), hours{2});
  // Spring forward 2026-03-29 01:00 UTC, fall back 2026-10-25 01:00 UTC.
  EXPECT_EQ(berlin.offsetAt(utcAt(2026, 3, 29, 0, 59)), hours{1});
  EXPECT_EQ(berlin.offsetAt(utcAt(2026, 3, 29, 1)), hours{2});
  EXPECT_EQ(berlin.offsetAt(utcAt(2026, 10, 25, 0, 59)), hours{2});
  EXPECT_EQ(berlin.offsetAt(utcAt(2026, 10, 25, 1)), hours{1});
  EXPECT_EQ(berlin.toLocal(utcAt(2026, 7, 1, 10)), localAt(2026, 7, 1, 12));
}

TEST(TimeZoneTest, FarFutureUsesTheFooterRule) {
  // Beyond the transitions listed in the file (2037 in "fat" files) the POSIX rule decides.
  TimeZone berlin = load("Europe/Berlin");
  EXPECT_EQ(berlin.offsetAt(utcAt(2090, 7, 1, 0)), hours{2});
  EXPECT_EQ(berlin.offsetAt(utcAt(2090, 12, 1, 0)), hours{1});
  EXPECT_EQ(berlin.offsetAt(utcAt(2090, 3, 26, 0, 59)), hours{1});  // last Sunday of March
  EXPECT_EQ(berlin.offsetAt(utcAt(2090, 3, 26, 1)), hours{2});
  TimeZone sydney = load("Australia/Sydney");  // southern hemisphere: DST over new year
  EXPECT_EQ(sydney.offsetAt(utcAt(2090, 1, 10, 0)), hours{11});
  EXPECT_EQ(sydney.offsetAt(utcAt(2090, 7, 10, 0)), hours{10});
  TimeZone ny = load("America/New_York");
  EXPECT_EQ(ny.offsetAt(utcAt(2080, 7, 4, 12)), hours{-4});
}

TEST(TimeZoneTest, WallClockInGapAndRepeatedHour) {
  TimeZone berlin = load("Europe/Berlin");
  auto gap = berlin.toUtc(localAt(2026, 3, 29, 2, 30));
  EXPECT_EQ(gap.kind, TimeZone::Instants::Kind::kGap);
  EXPECT_EQ(gap.first, utcAt(2026, 3, 29, 1));  // 03:00 CEST
  auto twice = berlin.toUtc(localAt(2026, 10, 25, 2, 30));
  EXPECT_EQ(twice.kind, TimeZone::Instants::Kind::kAmbiguous);
  EXPECT_EQ(twice.first, utcAt(2026, 10, 25, 0, 30));
  EXPECT_EQ(twice.second, utcAt(2026, 10, 25, 1, 30));
  auto once = berlin.toUtc(localAt(2026, 10, 25, 3, 30));
  EXPECT_EQ(once.kind, TimeZone::Instants::Kind::kUnique);
  EXPECT_EQ(once.first, utcAt(2026, 10, 25, 2, 30));
}

TEST(TimeZoneTest, UnknownAndMalformedNames) {
  auto typo = TimeZone::load("Europe/Berln");
  ASSERT_FALSE(typo.isOk());
  EXPECT_EQ(typo.status().message(),
            "unknown time zone 'Europe/Berln'; did you mean 'Europe/Berlin'?");
  auto escape = TimeZone::load("../../etc/passwd");
  ASSERT_FALSE(escape.isOk());
  EXPECT_NE(escape.status().message().find("is not an IANA time zone name"), std::string::npos);
  EXPECT_FALSE(TimeZone::load("").isOk());
  EXPECT_FALSE(TimeZone::load("Europe").isOk());  // a directory, not a zone
}

TEST(TimeZoneTest, MalformedTzifIsRejected) {
  EXPECT_FALSE(TimeZone::fromTzif("x", "not a tzif file at all, really not").isOk());
  EXPECT_FALSE(TimeZone::fromTzif("x", std::string("TZif2") + std::string(39, '\0')).isOk());
}

TEST(PosixTzTest, ParsesRulesAndRejectsGarbage) {
  auto cet = PosixTz::parse("CET-1CEST,M3.5.0,M10.5.0/3");
  ASSERT_TRUE(cet.isOk());
  EXPECT_EQ(cet->stdOffset, hours{1});
  EXPECT_EQ(cet->dstOffset, hours{2});
  auto quoted = PosixTz::parse("<+0330>-3:30");
  ASSERT_TRUE(quoted.isOk());
  EXPECT_EQ(quoted->stdOffset, hours{3} + minutes{30});
  EXPECT_FALSE(quoted->hasDst);
  EXPECT_FALSE(PosixTz::parse("CET-1CEST,M13.5.0,M10.5.0").isOk());
  EXPECT_FALSE(PosixTz::parse("C-1").isOk());
}

}  // namespace
}  // namespace ferry::schedule
