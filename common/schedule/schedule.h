#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <variant>

#include "common/json/json_fwd.h"
#include "common/schedule/cron_expression.h"
#include "common/schedule/time_zone.h"
#include "common/schema/problem.h"
#include "common/status/result.h"

namespace ferry::schedule {

// "30s", "5m", "1h", "1d": a positive whole number and a unit. kInvalidArgument otherwise.
Result<std::chrono::seconds> parseInterval(std::string_view text);

// A flow's schedule (DESIGN.md "Schedules"): {"cron": "…", "timezone": "IANA name"} (UTC
// by default) or {"every": "5m"}. Next-fire computation only; the scheduler owns the clock.
// Immutable; safe to share between threads.
//
// Daylight-saving rule (docs/definitions.md): a wall-clock time the clocks skip fires once,
// at the instant the gap ends (02:30 on a spring-forward day fires at 03:00); a wall-clock
// time that occurs twice fires once, at its first occurrence — except that an expression
// whose hour field is `*` runs by elapsed time and also fires in the repeated hour.
// `every` intervals count from the Unix epoch (UTC), so "5m" fires at :00, :05, … and a
// restart does not shift the phase.
class Schedule {
 public:
  static Schedule cron(CronExpression expression, TimeZone zone);
  static Schedule every(std::chrono::seconds interval);

  // Parses a schedule object; every problem goes to `problems` with its pointer under
  // `pointer`. nullopt when there is any error.
  static std::optional<Schedule> fromJson(const ferry::Json& value, const std::string& pointer,
                                          Problems& problems,
                                          const std::string& zoneinfoDir = kDefaultZoneinfoDir);

  // The first fire time strictly after `after`; nullopt when the expression never matches
  // again within the cron horizon.
  std::optional<std::chrono::sys_seconds> next(std::chrono::sys_seconds after) const;

  bool isCron() const { return cron_.has_value(); }
  std::chrono::seconds interval() const { return interval_; }
  const TimeZone& zone() const { return zone_; }

 private:
  Schedule() : zone_(TimeZone::utc()) {}
  std::optional<std::chrono::sys_seconds> nextCron(std::chrono::sys_seconds after) const;

  std::optional<CronExpression> cron_;
  TimeZone zone_;
  std::chrono::seconds interval_{0};
};

}  // namespace ferry::schedule
