#include "agent/connectors/odbc/odbc_text.h"

#include <cctype>

namespace ferry::agent::connectors::odbc {

namespace {

constexpr char32_t kReplacement = 0xFFFD;

// Decodes one code point at `i` and advances past it; malformed input yields U+FFFD and
// skips one byte, so decoding always makes progress.
char32_t decodeUtf8(std::string_view s, std::size_t& i) {
  const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char lead = byte(i);
  int extra;
  char32_t cp;
  if (lead < 0x80) {
    ++i;
    return lead;
  } else if ((lead & 0xE0) == 0xC0) {
    extra = 1;
    cp = lead & 0x1F;
  } else if ((lead & 0xF0) == 0xE0) {
    extra = 2;
    cp = lead & 0x0F;
  } else if ((lead & 0xF8) == 0xF0) {
    extra = 3;
    cp = lead & 0x07;
  } else {
    ++i;
    return kReplacement;
  }
  if (i + static_cast<std::size_t>(extra) >= s.size()) {
    ++i;
    return kReplacement;
  }
  for (int k = 1; k <= extra; ++k) {
    const unsigned char b = byte(i + static_cast<std::size_t>(k));
    if ((b & 0xC0) != 0x80) {
      ++i;
      return kReplacement;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  static constexpr char32_t kMin[] = {0, 0x80, 0x800, 0x10000};
  if (cp < kMin[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++i;
    return kReplacement;
  }
  i += static_cast<std::size_t>(extra) + 1;
  return cp;
}

void appendUtf8(std::string& out, char32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

}  // namespace

WideString toWide(std::string_view utf8) {
  WideString out;
  out.reserve(utf8.size());
  for (std::size_t i = 0; i < utf8.size();) {
    const char32_t cp = decodeUtf8(utf8, i);
    if (cp >= 0x10000) {
      const char32_t v = cp - 0x10000;
      out += static_cast<SQLWCHAR>(0xD800 + (v >> 10));
      out += static_cast<SQLWCHAR>(0xDC00 + (v & 0x3FF));
    } else {
      out += static_cast<SQLWCHAR>(cp);
    }
  }
  return out;
}

std::string toUtf8(const SQLWCHAR* data, std::size_t units) {
  std::string out;
  out.reserve(units);
  for (std::size_t i = 0; i < units; ++i) {
    const char32_t u = data[i];
    if (u >= 0xD800 && u <= 0xDBFF && i + 1 < units && data[i + 1] >= 0xDC00 &&
        data[i + 1] <= 0xDFFF) {
      appendUtf8(out, 0x10000 + ((u - 0xD800) << 10) + (data[i + 1] - 0xDC00));
      ++i;
    } else if (u >= 0xD800 && u <= 0xDFFF) {
      appendUtf8(out, kReplacement);
    } else {
      appendUtf8(out, u);
    }
  }
  return out;
}

std::string attributeValue(std::string_view value) {
  const bool plain =
      value.find_first_of(";{}=") == std::string_view::npos && trim(value).size() == value.size();
  if (plain) return std::string(value);
  std::string out = "{";
  for (char c : value) {
    if (c == '}') out += '}';
    out += c;
  }
  out += '}';
  return out;
}

bool hasAttribute(std::string_view connectionString, std::string_view key) {
  const std::string wanted = lower(key);
  std::size_t i = 0;
  while (i < connectionString.size()) {
    const std::size_t eq = connectionString.find('=', i);
    const std::size_t semi = connectionString.find(';', i);
    if (eq == std::string_view::npos || (semi != std::string_view::npos && semi < eq)) {
      if (semi == std::string_view::npos) break;
      i = semi + 1;  // a fragment without '=': skip it
      continue;
    }
    if (lower(trim(connectionString.substr(i, eq - i))) == wanted) return true;
    std::size_t v = eq + 1;
    while (v < connectionString.size() && connectionString[v] == ' ') ++v;
    if (v < connectionString.size() && connectionString[v] == '{') {
      // A braced value ends at a "}" that is not doubled.
      for (++v; v < connectionString.size(); ++v) {
        if (connectionString[v] != '}') continue;
        if (v + 1 < connectionString.size() && connectionString[v + 1] == '}') {
          ++v;
          continue;
        }
        break;
      }
    }
    const std::size_t end = connectionString.find(';', v);
    if (end == std::string_view::npos) break;
    i = end + 1;
  }
  return false;
}

}  // namespace ferry::agent::connectors::odbc
