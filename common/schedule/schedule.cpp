#include "common/schedule/schedule.h"

#include <charconv>

#include "common/json/json.h"
#include "common/json/json_pointer.h"
#include "common/schema/suggest.h"

namespace ferry::schedule {

using namespace std::chrono;
using json = ferry::Json;

Result<seconds> parseInterval(std::string_view text) {
  auto bad = [&] {
    return Status::invalidArgument("'" + std::string(text) +
                                   "' is not an interval; write a number and a unit s, m, h or "
                                   "d, e.g. \"30s\", \"5m\", \"1h\"");
  };
  if (text.size() < 2) return bad();
  std::int64_t n = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size() - 1, n);
  if (ec != std::errc() || ptr != text.data() + text.size() - 1 || n <= 0) return bad();
  std::int64_t unit = 0;
  switch (text.back()) {
    case 's': unit = 1; break;
    case 'm': unit = 60; break;
    case 'h': unit = 3600; break;
    case 'd': unit = 86400; break;
    default: return bad();
  }
  if (n > 366 * 86400 / unit) {
    return Status::invalidArgument("interval '" + std::string(text) + "' is longer than a year");
  }
  return seconds{n * unit};
}

Schedule Schedule::cron(CronExpression expression, TimeZone zone) {
  Schedule s;
  s.cron_ = std::move(expression);
  s.zone_ = std::move(zone);
  return s;
}

Schedule Schedule::every(seconds interval) {
  Schedule s;
  s.interval_ = interval;
  return s;
}

std::optional<Schedule> Schedule::fromJson(const json& value, const std::string& pointer,
                                           Problems& problems, const std::string& zoneinfoDir) {
  auto error = [&](const std::string& where, std::string message) {
    problems.push_back(Problem{where, std::move(message), Problem::Severity::kError});
  };
  if (!value.is_object()) {
    error(pointer,
          "a schedule must be an object: {\"cron\": \"*/5 * * * *\"} or "
          "{\"every\": \"5m\"}");
    return std::nullopt;
  }
  std::size_t before = problems.size();
  static const std::vector<std::string> kKeys = {"cron", "timezone", "every"};
  for (auto it = value.begin(); it != value.end(); ++it) {
    if (std::find(kKeys.begin(), kKeys.end(), it.key()) != kKeys.end()) continue;
    std::string message = "unknown key '" + it.key() + "'";
    if (auto guess = closestMatch(it.key(), kKeys)) message += "; did you mean '" + *guess + "'?";
    error(jsonptr::appendToken(pointer, it.key()), message);
  }
  bool hasCron = value.contains("cron");
  bool hasEvery = value.contains("every");
  if (hasCron == hasEvery) {
    error(pointer, hasCron ? "give either 'cron' or 'every', not both"
                           : "a schedule needs 'cron' or 'every'");
    return std::nullopt;
  }
  if (hasEvery) {
    if (value.contains("timezone")) {
      error(jsonptr::appendToken(pointer, "timezone"), "'timezone' only applies to 'cron'");
    }
    const json& every = value["every"];
    std::string where = jsonptr::appendToken(pointer, "every");
    if (!every.is_string()) {
      error(where, "'every' must be a string such as \"30s\", \"5m\" or \"1h\"");
      return std::nullopt;
    }
    auto interval = parseInterval(every.get<std::string>());
    if (!interval) error(where, interval.status().message());
    if (problems.size() != before) return std::nullopt;
    return Schedule::every(*interval);
  }
  std::optional<CronExpression> cron;
  std::string cronWhere = jsonptr::appendToken(pointer, "cron");
  if (!value["cron"].is_string()) {
    error(cronWhere, "'cron' must be a string such as \"*/5 * * * *\"");
  } else if (auto parsed = CronExpression::parse(value["cron"].get<std::string>())) {
    cron = std::move(*parsed);
  } else {
    error(cronWhere, parsed.status().message());
  }
  std::optional<TimeZone> zone = TimeZone::utc();
  if (auto tz = value.find("timezone"); tz != value.end()) {
    std::string where = jsonptr::appendToken(pointer, "timezone");
    zone.reset();
    if (!tz->is_string()) {
      error(where, "'timezone' must be an IANA time zone name such as \"Europe/Berlin\"");
    } else if (auto loaded = TimeZone::load(tz->get<std::string>(), zoneinfoDir)) {
      zone = std::move(*loaded);
    } else {
      error(where, loaded.status().message());
    }
  }
  if (problems.size() != before || !cron || !zone) return std::nullopt;
  return Schedule::cron(std::move(*cron), std::move(*zone));
}

std::optional<sys_seconds> Schedule::next(sys_seconds after) const {
  if (cron_) return nextCron(after);
  std::int64_t n = interval_.count();
  std::int64_t t = after.time_since_epoch().count();
  std::int64_t q = t / n;
  if (t % n < 0) --q;  // floor division for times before the epoch
  return sys_seconds{seconds{(q + 1) * n}};
}

// Wall-clock candidates are walked in order; each maps to its instants (see the DST rule in
// schedule.h). First occurrences grow with the wall-clock time, and so do second ones, so
// the search stops at the first candidate whose first instant is after `after`.
std::optional<sys_seconds> Schedule::nextCron(sys_seconds after) const {
  // Start early enough that no candidate whose instant is after `after` is skipped: at the
  // smallest offset in force within a day of `after`.
  seconds minOffset = zone_.offsetAt(after);
  for (int h = -26; h <= 26; h += 2)
    minOffset = std::min(minOffset, zone_.offsetAt(after + hours{h}));
  local_seconds cursor{(after + minOffset).time_since_epoch() - seconds{1}};
  std::optional<sys_seconds> best;
  while (auto candidate = cron_->nextAfter(cursor)) {
    cursor = *candidate;
    TimeZone::Instants at = zone_.toUtc(*candidate);
    if (at.kind == TimeZone::Instants::Kind::kAmbiguous && cron_->everyHour() &&
        at.second > after && (!best || at.second < *best)) {
      best = at.second;
    }
    if (at.first > after) return best && *best < at.first ? *best : at.first;
  }
  return best;
}

}  // namespace ferry::schedule
