#include "common/transform/js_semantics.h"

#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <string_view>

namespace ferry::transform::js {

using json = ferry::Json;

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool isSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

// A JS StrDecimalLiteral (and 0x/0o/0b integers), surrounding whitespace allowed: the whole
// string must match. Runs per record on numeric strings, so it does not copy them.
double stringToNumber(const std::string& raw) {
  const char* b = raw.c_str();
  const char* e = b + raw.size();
  while (b < e && isSpace(*b)) ++b;
  while (e > b && isSpace(e[-1])) --e;
  std::string_view s(b, static_cast<std::size_t>(e - b));
  if (s.empty()) return 0;
  if (s == "Infinity" || s == "+Infinity") return std::numeric_limits<double>::infinity();
  if (s == "-Infinity") return -std::numeric_limits<double>::infinity();
  if (s.size() > 2 && s[0] == '0' &&
      (s[1] == 'x' || s[1] == 'X' || s[1] == 'o' || s[1] == 'O' || s[1] == 'b' || s[1] == 'B')) {
    int base = (s[1] == 'x' || s[1] == 'X') ? 16 : (s[1] == 'o' || s[1] == 'O') ? 8 : 2;
    std::string digits(s.substr(2));
    char* end = nullptr;
    unsigned long long v = std::strtoull(digits.c_str(), &end, base);
    bool plain = std::isalnum(static_cast<unsigned char>(digits[0])) != 0;
    return *end == '\0' && plain ? static_cast<double>(v) : kNaN;
  }
  // strtod accepts forms JS does not (hex floats, "inf", "nan"): check the characters.
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-')) {
      return kNaN;
    }
  }
  // The bytes after `e` are whitespace or the terminating NUL, where strtod stops anyway.
  char* end = nullptr;
  double d = std::strtod(b, &end);
  return end == e ? d : kNaN;
}

// parseFloat on text: the longest prefix of the form [sign] digits [. digits] [e [sign]
// digits], NaN when there is none.
double parseFloatText(const std::string& text) {
  std::size_t i = 0;
  while (i < text.size() && isSpace(text[i])) ++i;
  std::string_view rest(text.c_str() + i, text.size() - i);
  for (std::string_view inf : {"Infinity", "+Infinity", "-Infinity"}) {
    if (rest.substr(0, inf.size()) == inf) {
      return inf[0] == '-' ? -std::numeric_limits<double>::infinity()
                           : std::numeric_limits<double>::infinity();
    }
  }
  auto isDigit = [&](std::size_t k) { return k < rest.size() && rest[k] >= '0' && rest[k] <= '9'; };
  std::size_t j = 0;
  if (j < rest.size() && (rest[j] == '+' || rest[j] == '-')) ++j;
  std::size_t digitsStart = j;
  while (isDigit(j)) ++j;
  std::size_t intDigits = j - digitsStart;
  std::size_t fracDigits = 0;
  if (j < rest.size() && rest[j] == '.') {
    std::size_t k = j + 1;
    while (isDigit(k)) ++k;
    fracDigits = k - j - 1;
    if (intDigits + fracDigits > 0) j = k;
  }
  if (intDigits + fracDigits == 0) return kNaN;
  if (j < rest.size() && (rest[j] == 'e' || rest[j] == 'E')) {
    std::size_t k = j + 1;
    if (k < rest.size() && (rest[k] == '+' || rest[k] == '-')) ++k;
    std::size_t expStart = k;
    while (isDigit(k)) ++k;
    if (k > expStart) j = k;
  }
  // strtod would read past the prefix ("0x1A", "1e5x" is fine, "1.5e" too): give it a copy,
  // on the stack for the usual short numbers.
  char buf[64];
  if (j < sizeof buf) {
    rest.copy(buf, j);
    buf[j] = '\0';
    return std::strtod(buf, nullptr);
  }
  return std::strtod(std::string(rest.substr(0, j)).c_str(), nullptr);
}

std::string numberToString(double d) {
  if (std::isnan(d)) return "NaN";
  if (std::isinf(d)) return d > 0 ? "Infinity" : "-Infinity";
  if (d == 0) return "0";
  if (std::floor(d) == d && std::fabs(d) < 1e21) {
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.0f", d);
    return buf;
  }
  // The shortest representation that reads back as the same double, as JS prints it.
  char buf[40];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, d);
    if (std::strtod(buf, nullptr) == d) break;
  }
  std::string s = buf;
  auto e = s.find('e');
  if (e != std::string::npos) {
    // C prints e-07 / e+21; JS prints e-7 / e+21.
    std::string mantissa = s.substr(0, e);
    char sign = s[e + 1];
    std::string digits = s.substr(e + 2);
    while (digits.size() > 1 && digits[0] == '0') digits.erase(0, 1);
    double magnitude = std::fabs(d);
    if (magnitude >= 1e-6 && magnitude < 1e21) {
      // JS uses plain notation in this range.
      char plain[64];
      std::snprintf(plain, sizeof plain, "%.17f", d);
      std::string p = plain;
      while (!p.empty() && p.back() == '0') p.pop_back();
      if (!p.empty() && p.back() == '.') p.pop_back();
      // Trim to the shortest round-trip digits.
      for (std::size_t len = 1; len <= p.size(); ++len) {
        std::string candidate = p.substr(0, len);
        if (std::strtod(candidate.c_str(), nullptr) == d) return candidate;
      }
      return p;
    }
    return mantissa + "e" + sign + digits;
  }
  return s;
}

// ToPrimitive for our JSON values: arrays and objects become their string form.
json toPrimitive(const json& v) {
  if (v.is_array() || v.is_object()) return toString(v);
  return v;
}

}  // namespace

bool truthy(const json& v) {
  switch (v.type()) {
    case json::value_t::null: return false;
    case json::value_t::boolean: return v.get<bool>();
    case json::value_t::number_integer: return v.get<std::int64_t>() != 0;
    case json::value_t::number_unsigned: return v.get<std::uint64_t>() != 0;
    case json::value_t::number_float: {
      double d = v.get<double>();
      return d != 0 && !std::isnan(d);
    }
    case json::value_t::string: return !v.get_ref<const std::string&>().empty();
    case json::value_t::array: return !v.empty();
    default: return true;
  }
}

double toNumber(const json& v) {
  switch (v.type()) {
    case json::value_t::null: return 0;
    case json::value_t::boolean: return v.get<bool>() ? 1 : 0;
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float: return v.get<double>();
    case json::value_t::string: return stringToNumber(v.get_ref<const std::string&>());
    case json::value_t::array: return stringToNumber(toString(v));
    default: return kNaN;
  }
}

std::string toString(const json& v) {
  switch (v.type()) {
    case json::value_t::null: return "null";
    case json::value_t::boolean: return v.get<bool>() ? "true" : "false";
    case json::value_t::number_integer: return std::to_string(v.get<std::int64_t>());
    case json::value_t::number_unsigned: return std::to_string(v.get<std::uint64_t>());
    case json::value_t::number_float: return numberToString(v.get<double>());
    case json::value_t::string: return v.get<std::string>();
    case json::value_t::array: {
      // Array.prototype.join: null elements print as "".
      std::string out;
      for (std::size_t i = 0; i < v.size(); ++i) {
        if (i) out += ',';
        if (!v[i].is_null()) out += toString(v[i]);
      }
      return out;
    }
    default: return "[object Object]";
  }
}

double parseFloat(const json& v) {
  if (v.is_number()) return v.get<double>();
  if (v.is_string()) return parseFloatText(v.get_ref<const std::string&>());
  return parseFloatText(toString(v));
}

bool strictEquals(const json& a, const json& b) {
  if (a.is_number() && b.is_number()) return a.get<double>() == b.get<double>();
  if (a.type() != b.type()) return false;
  // Arrays and objects compare by identity in JS; two JSON values are never the same object.
  if (a.is_array() || a.is_object()) return false;
  return a == b;
}

bool looseEquals(const json& a, const json& b) {
  if (a.is_null() || b.is_null()) return a.is_null() && b.is_null();
  if (a.is_number() && b.is_number()) return a.get<double>() == b.get<double>();
  if (a.type() == b.type() && !a.is_array() && !a.is_object()) return a == b;
  if ((a.is_array() || a.is_object()) && (b.is_array() || b.is_object())) return false;
  if (a.is_boolean()) return looseEquals(json(a.get<bool>() ? 1 : 0), b);
  if (b.is_boolean()) return looseEquals(a, json(b.get<bool>() ? 1 : 0));
  if (a.is_array() || a.is_object()) return looseEquals(toPrimitive(a), b);
  if (b.is_array() || b.is_object()) return looseEquals(a, toPrimitive(b));
  // number vs string: the string becomes a number.
  return toNumber(a) == toNumber(b);
}

namespace {

// a < b (orEqual: a <= b) after ToPrimitive, without copying scalars.
bool relational(const json& a, const json& b, bool orEqual) {
  if ((a.is_array() || a.is_object()) || (b.is_array() || b.is_object())) {
    return relational(toPrimitive(a), toPrimitive(b), orEqual);
  }
  if (a.is_string() && b.is_string()) {
    const auto& x = a.get_ref<const std::string&>();
    const auto& y = b.get_ref<const std::string&>();
    return orEqual ? x <= y : x < y;
  }
  double x = toNumber(a), y = toNumber(b);
  return orEqual ? x <= y : x < y;
}

}  // namespace

bool lessThan(const json& a, const json& b) {
  return relational(a, b, false);
}

bool lessOrEqual(const json& a, const json& b) {
  return relational(a, b, true);
}

json number(double d) {
  if (std::isnan(d) || std::isinf(d)) return nullptr;
  if (std::floor(d) == d && std::fabs(d) < 9.2e18) return static_cast<std::int64_t>(d);
  return d;
}

}  // namespace ferry::transform::js
