#include "common/json/json_writer.h"

#include <array>
#include <charconv>
#include <chrono>
#include <cmath>

#include "common/json/json.h"

namespace ferry::json {

namespace {

constexpr std::string_view kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// UTF-8 at s[i] (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF):
// `valid` is the length of the valid sequence there, or 0; `invalid` is the length of the
// bytes to replace by one U+FFFD otherwise (the maximal subpart, as Unicode recommends and
// nlohmann's replace handler does).
struct Utf8Scan {
  std::size_t valid = 0;
  std::size_t invalid = 1;
};

Utf8Scan scanUtf8(std::string_view s, std::size_t i) {
  const unsigned char c = static_cast<unsigned char>(s[i]);
  std::size_t n = 0;
  unsigned char lo = 0x80, hi = 0xBF;
  if (c >= 0xC2 && c <= 0xDF) {
    n = 2;
  } else if (c >= 0xE0 && c <= 0xEF) {
    n = 3;
    if (c == 0xE0) lo = 0xA0;
    if (c == 0xED) hi = 0x9F;
  } else if (c >= 0xF0 && c <= 0xF4) {
    n = 4;
    if (c == 0xF0) lo = 0x90;
    if (c == 0xF4) hi = 0x8F;
  } else {
    return {};
  }
  std::size_t k = 1;
  while (k < n && i + k < s.size()) {
    const unsigned char b = static_cast<unsigned char>(s[i + k]);
    if (b < (k == 1 ? lo : 0x80) || b > (k == 1 ? hi : 0xBF)) break;
    ++k;
  }
  if (k == n) return {n, 0};
  return {0, k};
}

template <typename Put>
void escapeInto(std::string_view value, Put&& put) {
  static constexpr char kHex[] = "0123456789abcdef";
  put(std::string_view("\"", 1));
  std::size_t plain = 0;  // start of the run of bytes that need no escaping
  for (std::size_t i = 0; i < value.size();) {
    const auto c = static_cast<unsigned char>(value[i]);
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
      ++i;
      continue;
    }
    std::size_t skip = 1;
    if (c >= 0x80) {
      const Utf8Scan scan = scanUtf8(value, i);
      if (scan.valid > 0) {
        i += scan.valid;
        continue;
      }
      skip = scan.invalid;
    }
    put(value.substr(plain, i - plain));
    switch (c) {
      case '"': put("\\\""); break;
      case '\\': put("\\\\"); break;
      case '\b': put("\\b"); break;
      case '\f': put("\\f"); break;
      case '\n': put("\\n"); break;
      case '\r': put("\\r"); break;
      case '\t': put("\\t"); break;
      default:
        if (c < 0x20) {
          const char esc[] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 0xF]};
          put(std::string_view(esc, sizeof esc));
        } else {
          put(kReplacement);
        }
    }
    i += skip;
    plain = i;
  }
  put(value.substr(plain));
  put(std::string_view("\"", 1));
}

// The digits of a date or time field, zero-padded to `width`.
template <std::size_t N>
void digitsInto(char (&buf)[N], std::size_t at, unsigned value, std::size_t width) {
  for (std::size_t i = width; i-- > 0;) {
    buf[at + i] = static_cast<char>('0' + value % 10);
    value /= 10;
  }
}

constexpr std::size_t kIsoTimeLength = 24;  // "2026-01-02T03:04:05.678Z"
constexpr std::size_t kIsoDateLength = 11;  // "2026-01-02T"
constexpr std::int64_t kDayMs = 86'400'000;

// Days since 1970 (rounded down, also before 1970).
std::int64_t epochDay(std::int64_t epochMs) {
  const std::int64_t day = epochMs / kDayMs;
  return epochMs % kDayMs < 0 ? day - 1 : day;
}

// "YYYY-MM-DDT" of an epoch day.
void isoDateInto(char (&buf)[kIsoTimeLength], std::int64_t epochDay) {
  using namespace std::chrono;
  const year_month_day ymd{sys_days{days(epochDay)}};
  const int year = static_cast<int>(ymd.year());
  digitsInto(buf, 0, static_cast<unsigned>(year < 0 ? 0 : year), 4);
  buf[4] = '-';
  digitsInto(buf, 5, static_cast<unsigned>(ymd.month()), 2);
  buf[7] = '-';
  digitsInto(buf, 8, static_cast<unsigned>(ymd.day()), 2);
  buf[10] = 'T';
}

// "00" to "99": two digits per lookup instead of a division each.
constexpr auto kTwoDigits = [] {
  std::array<char, 200> t{};
  for (std::size_t i = 0; i < 100; ++i) {
    t[2 * i] = static_cast<char>('0' + i / 10);
    t[2 * i + 1] = static_cast<char>('0' + i % 10);
  }
  return t;
}();

void twoDigitsAt(char* at, unsigned value) {
  std::memcpy(at, kTwoDigits.data() + 2 * value, 2);
}

// "HH:MM:SS.mmmZ" of the milliseconds into a day, after the date.
void isoTimeOfDayInto(char (&buf)[kIsoTimeLength], std::int64_t msOfDay) {
  const auto ms = static_cast<unsigned>(msOfDay);
  const unsigned seconds = ms / 1000;
  const unsigned milli = ms % 1000;
  twoDigitsAt(buf + 11, seconds / 3600);
  buf[13] = ':';
  twoDigitsAt(buf + 14, seconds / 60 % 60);
  buf[16] = ':';
  twoDigitsAt(buf + 17, seconds % 60);
  buf[19] = '.';
  buf[20] = static_cast<char>('0' + milli / 100);
  twoDigitsAt(buf + 21, milli % 100);
  buf[23] = 'Z';
}

void isoTimeInto(char (&buf)[kIsoTimeLength], std::int64_t epochMs) {
  const std::int64_t day = epochDay(epochMs);
  isoDateInto(buf, day);
  isoTimeOfDayInto(buf, epochMs - day * kDayMs);
}

}  // namespace

void appendIsoTime(std::string& out, std::int64_t epochMs) {
  char buf[kIsoTimeLength];
  isoTimeInto(buf, epochMs);
  out.append(buf, sizeof buf);
}

void JsonWriter::grow(std::size_t n) {
  out_.resize(std::max(out_.size() * 2, size_ + n + 256));
}

void JsonWriter::putString(std::string_view value) {
  // Most values need no escaping: one copy between the quotes. The scan looks at eight
  // bytes at a time for any that might (a false alarm only sends it to the byte loop).
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHighs = 0x8080808080808080ULL;
  auto hasZeroByte = [](std::uint64_t v) { return (v - kOnes) & ~v & kHighs; };
  std::size_t i = 0;
  for (; i + 8 <= value.size(); i += 8) {
    std::uint64_t x;
    std::memcpy(&x, value.data() + i, 8);
    if ((x & kHighs) != 0 || ((x - kOnes * 0x20) & kHighs) != 0 ||
        hasZeroByte(x ^ (kOnes * '"')) != 0 || hasZeroByte(x ^ (kOnes * '\\')) != 0) {
      break;
    }
  }
  while (i < value.size()) {
    const auto c = static_cast<unsigned char>(value[i]);
    if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80) break;
    ++i;
  }
  if (i == value.size()) {
    char* p = room(value.size() + 2);
    p[0] = '"';
    std::memcpy(p + 1, value.data(), value.size());
    p[value.size() + 1] = '"';
    size_ += value.size() + 2;
    return;
  }
  escapeInto(value, [this](std::string_view s) { put(s); });
}

JsonWriter& JsonWriter::beginObject() {
  beforeValue();
  put('{');
  needComma_ = false;
  return *this;
}

JsonWriter& JsonWriter::endObject() {
  put('}');
  needComma_ = true;
  return *this;
}

JsonWriter& JsonWriter::beginArray() {
  beforeValue();
  put('[');
  needComma_ = false;
  return *this;
}

JsonWriter& JsonWriter::endArray() {
  put(']');
  needComma_ = true;
  return *this;
}

JsonWriter& JsonWriter::key(JsonKey name) {
  beforeValue();
  const std::string_view n = name.name();
  char* p = room(n.size() + 3);
  p[0] = '"';
  std::memcpy(p + 1, n.data(), n.size());
  p[n.size() + 1] = '"';
  p[n.size() + 2] = ':';
  size_ += n.size() + 3;
  needComma_ = false;
  return *this;
}

JsonWriter& JsonWriter::keyText(std::string_view name) {
  beforeValue();
  putString(name);
  put(':');
  needComma_ = false;
  return *this;
}

JsonWriter& JsonWriter::string(std::string_view value) {
  beforeValue();
  putString(value);
  return *this;
}

JsonWriter& JsonWriter::integer(std::int64_t value) {
  beforeValue();
  char buf[24];
  auto res = std::to_chars(buf, buf + sizeof buf, value);
  put(std::string_view(buf, static_cast<std::size_t>(res.ptr - buf)));
  return *this;
}

JsonWriter& JsonWriter::number(double value) {
  if (!std::isfinite(value)) return null();
  beforeValue();
  char buf[32];
  auto res = std::to_chars(buf, buf + sizeof buf, value);
  put(std::string_view(buf, static_cast<std::size_t>(res.ptr - buf)));
  return *this;
}

JsonWriter& JsonWriter::scaled(std::int64_t value, unsigned decimals) {
  beforeValue();
  std::uint64_t magnitude =
      value < 0 ? ~static_cast<std::uint64_t>(value) + 1 : static_cast<std::uint64_t>(value);
  std::uint64_t unit = 1;
  for (unsigned i = 0; i < decimals; ++i) unit *= 10;
  char buf[48];
  char* p = buf;
  if (value < 0) *p++ = '-';
  p = std::to_chars(p, buf + sizeof buf, magnitude / unit).ptr;
  std::uint64_t fraction = magnitude % unit;
  if (fraction != 0) {
    unsigned digits = decimals;
    for (; fraction % 10 == 0; fraction /= 10) --digits;  // no trailing zeros
    *p++ = '.';
    for (unsigned i = digits; i-- > 0; fraction /= 10)
      p[i] = static_cast<char>('0' + fraction % 10);
    p += digits;
  }
  put(std::string_view(buf, static_cast<std::size_t>(p - buf)));
  return *this;
}

JsonWriter& JsonWriter::null() {
  beforeValue();
  put("null");
  return *this;
}

JsonWriter& JsonWriter::isoTime(std::int64_t epochMs) {
  beforeValue();
  const std::int64_t day = epochDay(epochMs);
  char buf[kIsoTimeLength];
  if (day != dateDay_) {
    isoDateInto(buf, day);
    std::memcpy(date_, buf, kIsoDateLength);
    dateDay_ = day;
  } else {
    std::memcpy(buf, date_, kIsoDateLength);
  }
  isoTimeOfDayInto(buf, epochMs - day * kDayMs);
  put('"');
  put(std::string_view(buf, sizeof buf));
  put('"');
  return *this;
}

JsonWriter& JsonWriter::value(const ferry::Json& v) {
  using Type = ferry::Json::value_t;
  switch (v.type()) {
    case Type::object:
      beginObject();
      for (const auto& [k, member] : v.items()) {
        keyText(k);
        value(member);
      }
      return endObject();
    case Type::array:
      beginArray();
      for (const auto& element : v) value(element);
      return endArray();
    case Type::string: return string(v.get_ref<const std::string&>());
    case Type::boolean: {
      beforeValue();
      put(v.get<bool>() ? std::string_view("true") : std::string_view("false"));
      return *this;
    }
    case Type::number_integer: return integer(v.get<std::int64_t>());
    case Type::number_unsigned: {
      beforeValue();
      char buf[24];
      auto res = std::to_chars(buf, buf + sizeof buf, v.get<std::uint64_t>());
      put(std::string_view(buf, static_cast<std::size_t>(res.ptr - buf)));
      return *this;
    }
    case Type::number_float: {
      const double d = v.get<double>();
      if (!std::isfinite(d)) return null();
      beforeValue();
      char buf[40];
      auto res = std::to_chars(buf, buf + sizeof buf, d);
      std::string_view text(buf, static_cast<std::size_t>(res.ptr - buf));
      put(text);
      // "100" would read back as an integer; nlohmann writes "100.0".
      if (text.find_first_of(".e") == std::string_view::npos) put(".0");
      return *this;
    }
    case Type::null:
    case Type::discarded: return null();
    case Type::binary: {
      beforeValue();
      put(v.dump());  // never in records; nlohmann's own form
      return *this;
    }
  }
  return null();
}

}  // namespace ferry::json
