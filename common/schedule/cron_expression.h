#pragma once

#include <bitset>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "common/status/result.h"

namespace ferry::schedule {

// A cron expression in 5 fields (`min hour dom mon dow`) or 6 fields (`sec min hour dom mon
// dow`). Fields take `*`, `?` (day fields only, same as `*`), lists, ranges, steps (`*/5`,
// `10-40/10`, `5/15`), month names JAN-DEC and weekday names SUN-SAT (case-insensitive); the
// weekday is 0-7 with 0 and 7 both Sunday. When both day-of-month and day-of-week are
// restricted (neither starts with `*` or `?`), a day matching either matches (POSIX rule).
// It matches naive wall-clock times; time zones are the caller's business (see Schedule).
// Immutable and cheap to copy; safe to share between threads.
class CronExpression {
 public:
  // kInvalidArgument naming the field and what is wrong with it.
  static Result<CronExpression> parse(std::string_view text);

  // The first matching wall-clock time strictly after `after`, or nullopt when nothing
  // matches within kHorizonYears (e.g. "0 0 30 2 *").
  std::optional<std::chrono::local_seconds> nextAfter(std::chrono::local_seconds after) const;
  bool matches(std::chrono::local_seconds t) const;

  // True when the hour field is `*`: such a job runs by elapsed time through a repeated
  // (fall-back) hour instead of once per wall-clock time.
  bool everyHour() const { return everyHour_; }
  const std::string& text() const { return text_; }

  static constexpr int kHorizonYears = 10;

 private:
  CronExpression() = default;
  bool dayMatches(std::chrono::year_month_day ymd, std::chrono::weekday wd) const;

  std::string text_;
  std::bitset<60> seconds_;
  std::bitset<60> minutes_;
  std::bitset<24> hours_;
  std::bitset<32> days_;     // 1-31
  std::bitset<13> months_;   // 1-12
  std::bitset<7> weekdays_;  // 0 = Sunday
  bool domRestricted_ = false;
  bool dowRestricted_ = false;
  bool everyHour_ = false;
};

}  // namespace ferry::schedule
