#include "common/transform/type_conversion.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "common/schema/suggest.h"
#include "common/transform/js_semantics.h"

namespace ferry::transform {

using json = ferry::Json;

namespace {

std::string quoted(const json& v) {
  std::string s = v.is_string() ? v.get<std::string>() : v.dump();
  if (s.size() > 60) s = s.substr(0, 57) + "...";
  return "'" + s + "'";
}

// Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's algorithm).
long long daysFromCivil(long long y, unsigned m, unsigned d) {
  y -= m <= 2;
  long long era = (y >= 0 ? y : y - 399) / 400;
  unsigned yoe = static_cast<unsigned>(y - era * 400);
  unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<long long>(doe) - 719468;
}

void civilFromDays(long long z, long long& y, unsigned& m, unsigned& d) {
  z += 719468;
  long long era = (z >= 0 ? z : z - 146096) / 146097;
  unsigned doe = static_cast<unsigned>(z - era * 146097);
  unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  y = static_cast<long long>(yoe) + era * 400;
  unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
}

bool leap(long long y) {
  return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

unsigned daysIn(long long y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[m - 1];
}

struct Parsed {
  long long epochSeconds = 0;  // UTC
  std::string fraction;        // digits after the decimal point, as given
  long long y = 0;
  unsigned mo = 0, d = 0;  // the date as written
};

bool digits(const std::string& s, std::size_t pos, std::size_t n, int& out) {
  if (pos + n > s.size()) return false;
  out = 0;
  for (std::size_t i = pos; i < pos + n; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    out = out * 10 + (s[i] - '0');
  }
  return true;
}

// YYYY-MM-DD[(T| )HH:MM[:SS[.f+]][Z|±HH[:]MM]]; no offset means UTC.
std::optional<Parsed> parseIso(const std::string& s) {
  Parsed p;
  int y, mo, d;
  if (!digits(s, 0, 4, y) || s.size() < 10 || s[4] != '-' || !digits(s, 5, 2, mo) || s[7] != '-' ||
      !digits(s, 8, 2, d)) {
    return std::nullopt;
  }
  if (mo < 1 || mo > 12 || d < 1 ||
      static_cast<unsigned>(d) > daysIn(y, static_cast<unsigned>(mo))) {
    return std::nullopt;
  }
  p.y = y;
  p.mo = static_cast<unsigned>(mo);
  p.d = static_cast<unsigned>(d);
  int h = 0, mi = 0, sec = 0, offset = 0;
  std::size_t i = 10;
  if (i < s.size()) {
    if (s[i] != 'T' && s[i] != 't' && s[i] != ' ') return std::nullopt;
    if (!digits(s, i + 1, 2, h) || i + 3 >= s.size() || s[i + 3] != ':' ||
        !digits(s, i + 4, 2, mi)) {
      return std::nullopt;
    }
    i += 6;
    if (i < s.size() && s[i] == ':') {
      if (!digits(s, i + 1, 2, sec)) return std::nullopt;
      i += 3;
      if (i < s.size() && (s[i] == '.' || s[i] == ',')) {
        std::size_t j = i + 1;
        while (j < s.size() && s[j] >= '0' && s[j] <= '9') ++j;
        if (j == i + 1) return std::nullopt;
        p.fraction = s.substr(i + 1, std::min<std::size_t>(j - i - 1, 9));
        i = j;
      }
    }
    if (h > 23 || mi > 59 || sec > 60) return std::nullopt;
    if (i < s.size()) {
      if (s[i] == 'Z' || s[i] == 'z') {
        ++i;
      } else if (s[i] == '+' || s[i] == '-') {
        int oh, om;
        int sign = s[i] == '-' ? -1 : 1;
        if (!digits(s, i + 1, 2, oh)) return std::nullopt;
        std::size_t k = i + 3;
        if (k < s.size() && s[k] == ':') ++k;
        if (!digits(s, k, 2, om) || oh > 23 || om > 59) return std::nullopt;
        offset = sign * (oh * 3600 + om * 60);
        i = k + 2;
      } else {
        return std::nullopt;
      }
    }
    if (i != s.size()) return std::nullopt;
  }
  p.epochSeconds = daysFromCivil(y, p.mo, p.d) * 86400 + h * 3600 + mi * 60 + sec - offset;
  return p;
}

std::string formatUtc(long long epoch, const std::string& fraction) {
  long long days = epoch >= 0 ? epoch / 86400 : -((-epoch + 86399) / 86400);
  long long rem = epoch - days * 86400;
  long long y;
  unsigned m, d;
  civilFromDays(days, y, m, d);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld", y, m, d, rem / 3600,
                (rem % 3600) / 60, rem % 60);
  std::string out = buf;
  std::string f = fraction;
  while (!f.empty() && f.back() == '0') f.pop_back();
  if (!f.empty()) out += "." + f;
  return out + "Z";
}

Result<json> toDatetime(const json& v) {
  if (v.is_number()) {
    // Seconds since the Unix epoch.
    double secs = v.get<double>();
    if (!std::isfinite(secs) || std::fabs(secs) > 1e13) {
      return Status::invalidArgument(quoted(v) + " is not a datetime");
    }
    long long whole = static_cast<long long>(std::floor(secs));
    long long micros = std::llround((secs - static_cast<double>(whole)) * 1e6);
    char frac[8];
    std::snprintf(frac, sizeof frac, "%06lld", micros % 1000000);
    return json(formatUtc(whole + micros / 1000000, frac));
  }
  if (!v.is_string()) return Status::invalidArgument(quoted(v) + " is not a datetime");
  auto p = parseIso(v.get<std::string>());
  if (!p) {
    return Status::invalidArgument(quoted(v) +
                                   " is not an ISO-8601 datetime "
                                   "(e.g. 2026-03-01T12:00:00+01:00)");
  }
  return json(formatUtc(p->epochSeconds, p->fraction));
}

Result<json> toDate(const json& v) {
  if (!v.is_string()) return Status::invalidArgument(quoted(v) + " is not a date");
  auto p = parseIso(v.get<std::string>());
  if (!p) return Status::invalidArgument(quoted(v) + " is not an ISO-8601 date (YYYY-MM-DD)");
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02u", p->y, p->mo, p->d);
  return json(std::string(buf));
}

}  // namespace

const std::vector<std::string>& valueTypeNames() {
  static const std::vector<std::string> names = {"string",  "integer",  "number",
                                                 "boolean", "datetime", "date"};
  return names;
}

std::optional<std::string> suggestValueType(const std::string& name) {
  static const std::pair<const char*, const char*> kAliases[] = {
      {"int", "integer"},    {"bigint", "integer"},       {"long", "integer"},
      {"float", "number"},   {"double", "number"},        {"decimal", "number"},
      {"numeric", "number"}, {"bool", "boolean"},         {"str", "string"},
      {"text", "string"},    {"varchar", "string"},       {"timestamp", "datetime"},
      {"time", "datetime"},  {"timestamptz", "datetime"},
  };
  std::string lower = name;
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& [alias, type] : kAliases) {
    if (lower == alias) return std::string(type);
  }
  if (parseValueType(lower)) return lower;
  return closestMatch(lower, valueTypeNames());
}

std::optional<ValueType> parseValueType(const std::string& name) {
  static constexpr ValueType kTypes[] = {ValueType::kString,   ValueType::kInteger,
                                         ValueType::kNumber,   ValueType::kBoolean,
                                         ValueType::kDatetime, ValueType::kDate};
  const auto& names = valueTypeNames();
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (names[i] == name) return kTypes[i];
  }
  return std::nullopt;
}

Result<json> convertValue(const json& v, ValueType type) {
  if (v.is_null()) return v;
  switch (type) {
    case ValueType::kString:
      if (v.is_object()) return Status::invalidArgument("an object is not a string");
      return json(js::toString(v));
    case ValueType::kInteger: {
      if (v.is_number_integer() || v.is_number_unsigned()) return v;
      if (v.is_boolean()) return json(v.get<bool>() ? 1 : 0);
      double d = v.is_number_float() ? v.get<double>() : v.is_string() ? js::toNumber(v) : NAN;
      if (v.is_string() &&
          v.get_ref<const std::string&>().find_first_not_of(" \t") == std::string::npos) {
        d = NAN;  // "" must not silently become 0
      }
      if (!std::isfinite(d) || std::floor(d) != d || std::fabs(d) >= 9.2e18) {
        return Status::invalidArgument(quoted(v) + " is not an integer");
      }
      return json(static_cast<std::int64_t>(d));
    }
    case ValueType::kNumber: {
      if (v.is_number()) return v;
      double d = NAN;
      if (v.is_string() &&
          v.get_ref<const std::string&>().find_first_not_of(" \t") != std::string::npos) {
        d = js::toNumber(v);
      }
      if (v.is_boolean()) d = v.get<bool>() ? 1 : 0;
      if (!std::isfinite(d)) return Status::invalidArgument(quoted(v) + " is not a number");
      return js::number(d);
    }
    case ValueType::kBoolean: {
      if (v.is_boolean()) return v;
      if (v.is_number()) {
        double d = v.get<double>();
        if (d == 0 || d == 1) return json(d == 1);
      }
      if (v.is_string()) {
        std::string s = v.get<std::string>();
        for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        if (s == "true" || s == "1" || s == "yes" || s == "y") return json(true);
        if (s == "false" || s == "0" || s == "no" || s == "n") return json(false);
      }
      return Status::invalidArgument(quoted(v) + " is not a boolean");
    }
    case ValueType::kDatetime: return toDatetime(v);
    case ValueType::kDate: return toDate(v);
  }
  return v;
}

}  // namespace ferry::transform
