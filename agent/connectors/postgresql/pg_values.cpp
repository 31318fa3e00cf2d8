#include "agent/connectors/postgresql/pg_values.h"

#include <charconv>
#include <vector>

#include "agent/connectors/sql/sql_values.h"

namespace ferry::agent::connectors::postgresql {

namespace {

// Type OIDs of pg_type (stable since PostgreSQL 7).
constexpr Oid kBool = 16, kBytea = 17, kInt8 = 20, kInt2 = 21, kInt4 = 23, kOid = 26, kJson = 114,
              kFloat4 = 700, kFloat8 = 701, kTimestamp = 1114, kTimestampTz = 1184, kNumeric = 1700,
              kJsonb = 3802;

int hexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

ferry::Json bytea(std::string_view text) {
  // bytea_output = hex (the default since 9.0): "\x0a0b…".
  if (text.size() < 2 || text[0] != '\\' || text[1] != 'x') return std::string(text);
  std::vector<unsigned char> bytes;
  bytes.reserve((text.size() - 2) / 2);
  for (std::size_t i = 2; i + 1 < text.size(); i += 2) {
    int hi = hexDigit(text[i]);
    int lo = hexDigit(text[i + 1]);
    if (hi < 0 || lo < 0) return std::string(text);
    bytes.push_back(static_cast<unsigned char>(hi * 16 + lo));
  }
  return sql::base64(bytes.data(), bytes.size());
}

}  // namespace

std::string isoTimestamp(std::string_view text, bool withZone) {
  std::string out(text);
  if (out.size() > 10 && out[10] == ' ') out[10] = 'T';
  if (!withZone) return out;
  // The zone is the last "+HH", "-HH", "+HH:MM" (or with seconds) after the time part.
  std::size_t sign = out.find_last_of("+-");
  if (sign == std::string::npos || sign < 11) return out;  // "infinity", a BC year, …
  std::string zone = out.substr(sign);
  if (zone == "+00" || zone == "+00:00" || zone == "-00") return out.substr(0, sign) + "Z";
  if (zone.size() == 3) return out + ":00";
  return out;
}

ferry::Json pgValue(Oid oid, std::string_view text) {
  switch (oid) {
    case kBool: return text == "t";
    case kInt2:
    case kInt4:
    case kInt8:
    case kOid: {
      std::int64_t v = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (ec == std::errc() && end == text.data() + text.size()) return v;
      return std::string(text);
    }
    case kFloat4:
    case kFloat8: {
      double v = 0;
      auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
      if (ec == std::errc() && end == text.data() + text.size()) return sql::numberOrText(v);
      return std::string(text);  // NaN, Infinity, -Infinity
    }
    case kNumeric: return std::string(text);  // exact: a decimal is its text
    case kJson:
    case kJsonb: {
      auto parsed = ferry::Json::parse(text, nullptr, false);
      if (parsed.is_discarded()) return std::string(text);
      return parsed;
    }
    case kBytea: return bytea(text);
    case kTimestampTz: return isoTimestamp(text, true);
    case kTimestamp: return isoTimestamp(text, false);
    default: return std::string(text);
  }
}

void appendCopyValue(std::string& out, const ferry::Json& value) {
  if (value.is_null()) {
    out += "\\N";
    return;
  }
  if (value.is_boolean()) {
    out += value.get<bool>() ? 't' : 'f';
    return;
  }
  if (value.is_number_integer() || value.is_number_unsigned()) {
    // Written in place: a page holds thousands of them.
    char buf[24];
    auto res = value.is_number_unsigned()
                   ? std::to_chars(buf, buf + sizeof buf, value.get<std::uint64_t>())
                   : std::to_chars(buf, buf + sizeof buf, value.get<std::int64_t>());
    out.append(buf, res.ptr);
    return;
  }
  if (value.is_number()) {
    out += value.dump();
    return;
  }
  const std::string owned = value.is_string() ? std::string() : value.dump();
  const std::string& text = value.is_string() ? value.get_ref<const std::string&>() : owned;
  std::size_t plain = 0;  // start of the run that needs no escaping
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char* escaped = nullptr;
    switch (text[i]) {
      case '\\': escaped = "\\\\"; break;
      case '\t': escaped = "\\t"; break;
      case '\n': escaped = "\\n"; break;
      case '\r': escaped = "\\r"; break;
      default: continue;
    }
    out.append(text, plain, i - plain);
    out += escaped;
    plain = i + 1;
  }
  out.append(text, plain, std::string::npos);
}

}  // namespace ferry::agent::connectors::postgresql
