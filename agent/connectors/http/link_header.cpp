#include "agent/connectors/http/link_header.h"

#include <cctype>

namespace ferry::agent::connectors::http {

namespace {

std::string lower(std::string_view s) {
  std::string out;
  for (char c : s) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

// Does a `rel` value (space-separated relation types) hold "next"?
bool hasNext(std::string_view rel) {
  const std::string value = lower(rel);
  std::size_t start = 0;
  while (start <= value.size()) {
    std::size_t end = value.find(' ', start);
    if (end == std::string::npos) end = value.size();
    if (value.compare(start, end - start, "next") == 0) return true;
    start = end + 1;
  }
  return false;
}

}  // namespace

std::string nextLink(std::string_view header) {
  std::size_t pos = 0;
  while (true) {
    const std::size_t open = header.find('<', pos);
    if (open == std::string_view::npos) return "";
    const std::size_t close = header.find('>', open);
    if (close == std::string_view::npos) return "";
    const std::string_view target = header.substr(open + 1, close - open - 1);
    // The link's parameters run to the next ',' outside a quoted string.
    std::size_t end = close + 1;
    bool quoted = false;
    for (; end < header.size(); ++end) {
      if (header[end] == '"') quoted = !quoted;
      if (header[end] == ',' && !quoted) break;
    }
    std::string_view params = header.substr(close + 1, end - close - 1);
    while (!params.empty()) {
      std::size_t semi = params.find(';');
      std::string_view param = trim(params.substr(0, semi));
      params = semi == std::string_view::npos ? std::string_view() : params.substr(semi + 1);
      const std::size_t eq = param.find('=');
      if (eq == std::string_view::npos || lower(trim(param.substr(0, eq))) != "rel") continue;
      std::string_view value = trim(param.substr(eq + 1));
      if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        value = value.substr(1, value.size() - 2);
      }
      if (hasNext(value)) return std::string(trim(target));
    }
    pos = end;
  }
}

}  // namespace ferry::agent::connectors::http
