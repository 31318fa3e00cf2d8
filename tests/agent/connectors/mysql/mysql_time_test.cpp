#include "agent/connectors/mysql/mysql_time.h"

#include <gtest/gtest.h>

namespace ferry::agent::connectors::mysql {
namespace {

std::string utc(std::string_view text) {
  auto t = parseZonedTimestamp(text);
  if (!t) return "none";
  return formatTemporal(*t, MYSQL_TYPE_DATETIME, 6);
}

TEST(MysqlTime, ZonedTimestampsBecomeUtc) {
  EXPECT_EQ(utc("2026-03-29T02:30:00+02:00"), "2026-03-29T00:30:00.000000");
  EXPECT_EQ(utc("2026-03-29T02:30:00Z"), "2026-03-29T02:30:00.000000");
  EXPECT_EQ(utc("2026-03-29 02:30:00.5Z"), "2026-03-29T02:30:00.500000");
  EXPECT_EQ(utc("2026-01-01T00:15:00.123456+01:00"), "2025-12-31T23:15:00.123456");
  EXPECT_EQ(utc("2024-02-28T23:00:00-02:00"), "2024-02-29T01:00:00.000000");
  EXPECT_EQ(utc("2023-12-31T23:30:00-00:45"), "2024-01-01T00:15:00.000000");
}

TEST(MysqlTime, AnythingElseStaysText) {
  for (const char* text :
       {"2026-03-29T02:30:00", "2026-03-29", "2026-02-30T00:00:00Z", "2026-03-29T24:00:00Z",
        "2026-03-29T02:30:00.1234567Z", "2026-03-29T02:30:00+2:00", "2026-03-29T02:30:00Zjunk",
        "2026-03-29T02:30:00.Z", "x026-03-29T02:30:00Z", "", "hello"}) {
    EXPECT_FALSE(parseZonedTimestamp(text).has_value()) << text;
  }
}

TEST(MysqlTime, FormatsEachTemporalType) {
  MYSQL_TIME t{};
  t.year = 2026;
  t.month = 7;
  t.day = 4;
  t.hour = 5;
  t.minute = 6;
  t.second = 7;
  t.second_part = 120000;
  EXPECT_EQ(formatTemporal(t, MYSQL_TYPE_DATE, 0), "2026-07-04");
  EXPECT_EQ(formatTemporal(t, MYSQL_TYPE_DATETIME, 0), "2026-07-04T05:06:07");
  EXPECT_EQ(formatTemporal(t, MYSQL_TYPE_DATETIME, 3), "2026-07-04T05:06:07.120");
  EXPECT_EQ(formatTemporal(t, MYSQL_TYPE_TIMESTAMP, 6), "2026-07-04T05:06:07.120000Z");
  EXPECT_EQ(formatTemporal(t, MYSQL_TYPE_TIMESTAMP, 39), "2026-07-04T05:06:07.120000Z");
  MYSQL_TIME d{};
  d.day = 1;
  d.hour = 10;
  d.minute = 30;
  d.neg = 1;
  EXPECT_EQ(formatTemporal(d, MYSQL_TYPE_TIME, 0), "-34:30:00");
}

}  // namespace
}  // namespace ferry::agent::connectors::mysql
