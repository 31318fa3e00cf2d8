#include "agent/connectors/mysql/mysql_time.h"

#include <cstdint>
#include <cstdio>

namespace ferry::agent::connectors::mysql {

namespace {

// Reads exactly `count` digits at `pos`; false when they are not all digits.
bool digits(std::string_view text, std::size_t pos, std::size_t count, unsigned& out) {
  if (pos + count > text.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + count; ++i) {
    if (text[i] < '0' || text[i] > '9') return false;
    out = out * 10 + static_cast<unsigned>(text[i] - '0');
  }
  return true;
}

bool leapYear(unsigned y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

unsigned daysInMonth(unsigned y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leapYear(y) ? 29 : kDays[m - 1];
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's days_from_civil).
std::int64_t daysFromCivil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

void civilFromDays(std::int64_t z, std::int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<std::int64_t>(yoe) + era * 400 + (m <= 2);
}

std::string fraction(unsigned long micros, unsigned decimals) {
  if (decimals > 6) {
    if (micros == 0) return "";
    decimals = 6;
  }
  if (decimals == 0) return "";
  char buf[8];
  std::snprintf(buf, sizeof buf, "%06lu", micros % 1000000);
  return "." + std::string(buf, decimals);
}

}  // namespace

std::optional<MYSQL_TIME> parseZonedTimestamp(std::string_view text) {
  unsigned year, month, day, hour, minute, second;
  if (!digits(text, 0, 4, year) || text.size() < 20 || text[4] != '-' ||
      !digits(text, 5, 2, month) || text[7] != '-' || !digits(text, 8, 2, day) ||
      (text[10] != 'T' && text[10] != ' ') || !digits(text, 11, 2, hour) || text[13] != ':' ||
      !digits(text, 14, 2, minute) || text[16] != ':' || !digits(text, 17, 2, second)) {
    return std::nullopt;
  }
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 ||
      minute > 59 || second > 59) {
    return std::nullopt;
  }
  std::size_t pos = 19;
  unsigned long micros = 0;
  if (text[pos] == '.') {
    std::size_t count = 0;
    ++pos;
    while (pos < text.size() && text[pos] >= '0' && text[pos] <= '9') {
      if (++count > 6) return std::nullopt;
      micros = micros * 10 + static_cast<unsigned long>(text[pos] - '0');
      ++pos;
    }
    if (count == 0) return std::nullopt;
    for (; count < 6; ++count) micros *= 10;
  }
  std::int64_t offsetMinutes = 0;
  if (pos < text.size() && text[pos] == 'Z') {
    ++pos;
  } else if (pos < text.size() && (text[pos] == '+' || text[pos] == '-')) {
    unsigned oh, om;
    if (!digits(text, pos + 1, 2, oh) || pos + 3 >= text.size() || text[pos + 3] != ':' ||
        !digits(text, pos + 4, 2, om) || oh > 23 || om > 59) {
      return std::nullopt;
    }
    offsetMinutes = (text[pos] == '-' ? -1 : 1) * static_cast<std::int64_t>(oh * 60 + om);
    pos += 6;
  } else {
    return std::nullopt;
  }
  if (pos != text.size()) return std::nullopt;

  std::int64_t seconds = daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60 +
                         second - offsetMinutes * 60;
  std::int64_t days = seconds >= 0 ? seconds / 86400 : (seconds - 86399) / 86400;
  std::int64_t rest = seconds - days * 86400;
  std::int64_t utcYear;
  MYSQL_TIME out{};
  civilFromDays(days, utcYear, out.month, out.day);
  if (utcYear < 0 || utcYear > 9999) return std::nullopt;
  out.year = static_cast<unsigned>(utcYear);
  out.hour = static_cast<unsigned>(rest / 3600);
  out.minute = static_cast<unsigned>(rest % 3600 / 60);
  out.second = static_cast<unsigned>(rest % 60);
  out.second_part = micros;
  out.time_type = MYSQL_TIMESTAMP_DATETIME;
  return out;
}

std::string formatTemporal(const MYSQL_TIME& v, enum_field_types type, unsigned decimals) {
  char buf[64];
  switch (type) {
    case MYSQL_TYPE_DATE:
    case MYSQL_TYPE_NEWDATE:
      std::snprintf(buf, sizeof buf, "%04u-%02u-%02u", v.year, v.month, v.day);
      return buf;
    case MYSQL_TYPE_TIME:
      // The binary protocol splits long durations into days and hours.
      std::snprintf(buf, sizeof buf, "%s%02u:%02u:%02u", v.neg ? "-" : "", v.day * 24 + v.hour,
                    v.minute, v.second);
      return buf + fraction(v.second_part, decimals);
    default:
      std::snprintf(buf, sizeof buf, "%04u-%02u-%02uT%02u:%02u:%02u", v.year, v.month, v.day,
                    v.hour, v.minute, v.second);
      return buf + fraction(v.second_part, decimals) + (type == MYSQL_TYPE_TIMESTAMP ? "Z" : "");
  }
}

}  // namespace ferry::agent::connectors::mysql
