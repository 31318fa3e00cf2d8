#include "common/schedule/posix_tz.h"

#include <cctype>
#include <string>

namespace ferry::schedule {

namespace {

using namespace std::chrono;

class Reader {
 public:
  explicit Reader(std::string_view s) : s_(s) {}
  bool done() const { return pos_ >= s_.size(); }
  char peek() const { return done() ? '\0' : s_[pos_]; }
  bool accept(char c) {
    if (peek() != c) return false;
    ++pos_;
    return true;
  }
  // A zone abbreviation: 3+ letters, or <...> quoted (may hold digits and signs).
  bool name() {
    if (accept('<')) {
      while (!done() && peek() != '>') ++pos_;
      return accept('>');
    }
    std::size_t start = pos_;
    while (std::isalpha(static_cast<unsigned char>(peek()))) ++pos_;
    return pos_ - start >= 3;
  }
  std::optional<int> number() {
    if (!std::isdigit(static_cast<unsigned char>(peek()))) return std::nullopt;
    int v = 0;
    while (std::isdigit(static_cast<unsigned char>(peek())) && v < 100000) {
      v = v * 10 + (s_[pos_++] - '0');
    }
    return v;
  }
  // [+-]hh[:mm[:ss]]
  std::optional<seconds> time() {
    int sign = 1;
    if (accept('-')) {
      sign = -1;
    } else {
      accept('+');
    }
    auto h = number();
    if (!h || *h > 167) return std::nullopt;
    int total = *h * 3600;
    if (accept(':')) {
      auto m = number();
      if (!m || *m > 59) return std::nullopt;
      total += *m * 60;
      if (accept(':')) {
        auto sec = number();
        if (!sec || *sec > 59) return std::nullopt;
        total += *sec;
      }
    }
    return seconds{sign * total};
  }

 private:
  std::string_view s_;
  std::size_t pos_ = 0;
};

std::optional<PosixTz::Rule> parseRule(Reader& r) {
  PosixTz::Rule rule;
  if (r.accept('M')) {
    auto m = r.number();
    if (!m || *m < 1 || *m > 12 || !r.accept('.')) return std::nullopt;
    auto w = r.number();
    if (!w || *w < 1 || *w > 5 || !r.accept('.')) return std::nullopt;
    auto d = r.number();
    if (!d || *d > 6) return std::nullopt;
    rule.month = *m;
    rule.week = *w;
    rule.weekday = *d;
  } else {
    bool julian = r.accept('J');
    auto n = r.number();
    if (!n || (julian && (*n < 1 || *n > 365)) || (!julian && *n > 365)) return std::nullopt;
    rule.form = julian ? PosixTz::Rule::Form::kJulianNoLeap : PosixTz::Rule::Form::kJulianZero;
    rule.day = *n;
  }
  if (r.accept('/')) {
    auto t = r.time();
    if (!t) return std::nullopt;
    rule.time = *t;
  }
  return rule;
}

// The local date (days since epoch) on which `rule` applies in `y`.
local_days ruleDay(const PosixTz::Rule& rule, year y) {
  switch (rule.form) {
    case PosixTz::Rule::Form::kJulianNoLeap: {
      local_days d = local_days{y / January / 1} + days{rule.day - 1};
      if (y.is_leap() && rule.day >= 60) d += days{1};  // Feb 29 is never counted
      return d;
    }
    case PosixTz::Rule::Form::kJulianZero: return local_days{y / January / 1} + days{rule.day};
    case PosixTz::Rule::Form::kMonthWeekDay: break;
  }
  auto m = month{static_cast<unsigned>(rule.month)};
  weekday wd{static_cast<unsigned>(rule.weekday)};
  if (rule.week == 5) return local_days{y / m / wd[last]};
  return local_days{y / m / wd[static_cast<unsigned>(rule.week)]};
}

}  // namespace

Result<PosixTz> PosixTz::parse(std::string_view text) {
  auto bad = [&] {
    return Status::invalidArgument("unsupported POSIX TZ rule '" + std::string(text) + "'");
  };
  Reader r(text);
  PosixTz tz;
  if (!r.name()) return bad();
  auto stdTime = r.time();
  if (!stdTime) return bad();
  tz.stdOffset = -*stdTime;
  if (r.done()) return tz;
  if (!r.name()) return bad();
  tz.hasDst = true;
  tz.dstOffset = tz.stdOffset + hours{1};
  if (r.peek() != ',') {
    auto dst = r.time();
    if (!dst) return bad();
    tz.dstOffset = -*dst;
  }
  // Without rules POSIX leaves the dates to the implementation; TZif footers always carry them.
  if (!r.accept(',')) return bad();
  auto start = parseRule(r);
  if (!start || !r.accept(',')) return bad();
  auto end = parseRule(r);
  if (!end || !r.done()) return bad();
  tz.start = *start;
  tz.end = *end;
  return tz;
}

seconds PosixTz::offsetAt(sys_seconds t) const {
  if (!hasDst) return stdOffset;
  // The year is taken in standard time; the rule days of that year decide.
  year y = year_month_day{floor<days>(t + stdOffset)}.year();
  sys_seconds dstStart{(ruleDay(start, y) + start.time - stdOffset).time_since_epoch()};
  sys_seconds dstEnd{(ruleDay(end, y) + end.time - dstOffset).time_since_epoch()};
  bool inDst = dstStart < dstEnd ? (t >= dstStart && t < dstEnd) : (t < dstEnd || t >= dstStart);
  return inDst ? dstOffset : stdOffset;
}

}  // namespace ferry::schedule
