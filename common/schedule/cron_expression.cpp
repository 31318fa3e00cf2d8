#include "common/schedule/cron_expression.h"

#include <cctype>
#include <charconv>
#include <vector>

namespace ferry::schedule {

namespace {

using namespace std::chrono;

struct FieldInfo {
  const char* name;
  int min;
  int max;
  const char* const* names;  // names[i] is value min + i; nullptr: none
  bool questionMark;         // `?` accepted (day fields)
};

constexpr const char* kMonthNames[] = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                       "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
constexpr const char* kDayNames[] = {"SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN"};

constexpr FieldInfo kSecond{"second", 0, 59, nullptr, false};
constexpr FieldInfo kMinute{"minute", 0, 59, nullptr, false};
constexpr FieldInfo kHour{"hour", 0, 23, nullptr, false};
constexpr FieldInfo kDay{"day-of-month", 1, 31, nullptr, true};
constexpr FieldInfo kMonth{"month", 1, 12, kMonthNames, false};
constexpr FieldInfo kWeekday{"day-of-week", 0, 7, kDayNames, true};

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == sep) {
      out.push_back(s.substr(start, i - start));
      start = i + 1;
    }
  }
  return out;
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return out;
}

Result<int> parseValue(std::string_view token, const FieldInfo& info) {
  std::string where = std::string(info.name) + " field: ";
  if (token.empty()) return Status::invalidArgument(where + "empty value");
  if (info.names && std::isalpha(static_cast<unsigned char>(token[0]))) {
    std::string u = upper(token);
    for (int v = info.min; v <= info.max; ++v) {
      if (u == info.names[v - info.min]) return v;
    }
    return Status::invalidArgument(where + "unknown name '" + std::string(token) + "'");
  }
  int value = 0;
  auto [ptr, ec] = std::from_chars(token.data(), token.data() + token.size(), value);
  if (ec != std::errc() || ptr != token.data() + token.size()) {
    return Status::invalidArgument(where + "'" + std::string(token) + "' is not a number");
  }
  if (value < info.min || value > info.max) {
    return Status::invalidArgument(where + std::to_string(value) + " is out of range " +
                                   std::to_string(info.min) + "-" + std::to_string(info.max));
  }
  return value;
}

// Sets the bits of one comma-separated field; `bits` is indexed by value.
template <std::size_t N>
Status parseField(std::string_view text, const FieldInfo& info, std::bitset<N>& bits) {
  std::string where = std::string(info.name) + " field: ";
  for (std::string_view part : split(text, ',')) {
    if (part.empty())
      return Status::invalidArgument(where + "empty list item in '" + std::string(text) + "'");
    int step = 1;
    auto slash = part.find('/');
    std::string_view range = part.substr(0, slash);
    if (slash != std::string_view::npos) {
      std::string_view stepText = part.substr(slash + 1);
      auto [ptr, ec] = std::from_chars(stepText.data(), stepText.data() + stepText.size(), step);
      if (ec != std::errc() || ptr != stepText.data() + stepText.size() || step < 1) {
        return Status::invalidArgument(where + "step '" + std::string(stepText) +
                                       "' must be a positive number");
      }
    }
    int lo = info.min;
    int hi = info.max;
    if (range == "*" || (range == "?" && info.questionMark)) {
      // the whole range
    } else if (range == "?") {
      return Status::invalidArgument(where + "'?' is only allowed in the day fields");
    } else {
      auto dash = range.find('-');
      auto first = parseValue(range.substr(0, dash), info);
      if (!first) return first.status();
      lo = *first;
      if (dash != std::string_view::npos) {
        auto last = parseValue(range.substr(dash + 1), info);
        if (!last) return last.status();
        hi = *last;
        if (hi < lo) {
          return Status::invalidArgument(where + "range '" + std::string(range) +
                                         "' ends before it starts");
        }
      } else if (slash == std::string_view::npos) {
        hi = lo;  // a single value; "5/15" means 5, 20, 35, …
      }
    }
    for (int v = lo; v <= hi; v += step) bits.set(static_cast<std::size_t>(v));
  }
  return Status::ok();
}

bool restricted(std::string_view field) {
  return !field.empty() && field[0] != '*' && field[0] != '?';
}

}  // namespace

Result<CronExpression> CronExpression::parse(std::string_view text) {
  std::vector<std::string_view> fields;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    std::size_t start = i;
    while (i < text.size() && !std::isspace(static_cast<unsigned char>(text[i]))) ++i;
    if (i > start) fields.push_back(text.substr(start, i - start));
  }
  if (fields.size() != 5 && fields.size() != 6) {
    return Status::invalidArgument("cron expression '" + std::string(text) + "' has " +
                                   std::to_string(fields.size()) +
                                   " fields; expected 5 (min hour day month weekday) or 6 "
                                   "(with seconds first)");
  }
  CronExpression cron;
  cron.text_ = std::string(text);
  std::size_t f = 0;
  if (fields.size() == 6) {
    FERRY_RETURN_IF_ERROR(parseField(fields[f++], kSecond, cron.seconds_));
  } else {
    cron.seconds_.set(0);
  }
  FERRY_RETURN_IF_ERROR(parseField(fields[f++], kMinute, cron.minutes_));
  cron.everyHour_ = fields[f] == "*";
  FERRY_RETURN_IF_ERROR(parseField(fields[f++], kHour, cron.hours_));
  cron.domRestricted_ = restricted(fields[f]);
  FERRY_RETURN_IF_ERROR(parseField(fields[f++], kDay, cron.days_));
  FERRY_RETURN_IF_ERROR(parseField(fields[f++], kMonth, cron.months_));
  cron.dowRestricted_ = restricted(fields[f]);
  std::bitset<8> weekdays;
  FERRY_RETURN_IF_ERROR(parseField(fields[f], kWeekday, weekdays));
  for (std::size_t d = 0; d < 7; ++d) cron.weekdays_[d] = weekdays[d];
  if (weekdays[7]) cron.weekdays_.set(0);
  return cron;
}

bool CronExpression::dayMatches(year_month_day ymd, weekday wd) const {
  bool dom = days_[static_cast<unsigned>(ymd.day())];
  bool dow = weekdays_[wd.c_encoding()];
  if (domRestricted_ && dowRestricted_) return dom || dow;
  return dom && dow;
}

bool CronExpression::matches(local_seconds t) const {
  auto day = floor<days>(t);
  year_month_day ymd{day};
  hh_mm_ss<seconds> tod{t - day};
  return months_[static_cast<unsigned>(ymd.month())] && dayMatches(ymd, weekday{day}) &&
         hours_[static_cast<std::size_t>(tod.hours().count())] &&
         minutes_[static_cast<std::size_t>(tod.minutes().count())] &&
         seconds_[static_cast<std::size_t>(tod.seconds().count())];
}

std::optional<local_seconds> CronExpression::nextAfter(local_seconds after) const {
  local_seconds t = after + seconds{1};
  const local_seconds limit{local_days{
      (year_month_day{floor<days>(after)}.year() + years{kHorizonYears + 1}) / January / 1}};
  // Each failed field jumps to the start of the next unit of that field, so the loop runs
  // at most a few times per day of the horizon.
  while (t < limit) {
    auto day = floor<days>(t);
    year_month_day ymd{day};
    if (!months_[static_cast<unsigned>(ymd.month())]) {
      t = local_days{(ymd.year() / ymd.month() / 1) + months{1}};
      continue;
    }
    if (!dayMatches(ymd, weekday{day})) {
      t = day + days{1};
      continue;
    }
    hh_mm_ss<seconds> tod{t - day};
    auto h = tod.hours();
    if (!hours_[static_cast<std::size_t>(h.count())]) {
      t = day + h + hours{1};
      continue;
    }
    auto m = tod.minutes();
    if (!minutes_[static_cast<std::size_t>(m.count())]) {
      t = day + h + m + minutes{1};
      continue;
    }
    if (!seconds_[static_cast<std::size_t>(tod.seconds().count())]) {
      t += seconds{1};
      continue;
    }
    return t;
  }
  return std::nullopt;
}

}  // namespace ferry::schedule
