#include "common/model/query_params.h"

#include <cctype>

namespace ferry::model {

namespace {

bool nameStart(char c) {
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}
bool nameChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

// Index just past a quoted run that starts at `i` with `quote`; a doubled quote escapes it.
std::size_t skipQuoted(std::string_view s, std::size_t i, char quote) {
  ++i;
  while (i < s.size()) {
    if (s[i] == quote) {
      if (i + 1 < s.size() && s[i + 1] == quote) {
        i += 2;
        continue;
      }
      return i + 1;
    }
    ++i;
  }
  return s.size();
}

std::size_t skipBlockComment(std::string_view s, std::size_t i) {
  int depth = 0;
  while (i < s.size()) {
    if (s.compare(i, 2, "/*") == 0) {
      ++depth;
      i += 2;
    } else if (s.compare(i, 2, "*/") == 0) {
      i += 2;
      if (--depth == 0) return i;
    } else {
      ++i;
    }
  }
  return s.size();
}

// $tag$ … $tag$ (PostgreSQL). Returns `i` unchanged when `i` does not open one.
std::size_t skipDollarQuote(std::string_view s, std::size_t i) {
  std::size_t j = i + 1;
  while (j < s.size() && nameChar(s[j]) &&
         !(j == i + 1 && std::isdigit(static_cast<unsigned char>(s[j]))))
    ++j;
  if (j >= s.size() || s[j] != '$') return i;
  std::string_view tag = s.substr(i, j - i + 1);
  std::size_t end = s.find(tag, j + 1);
  return end == std::string_view::npos ? s.size() : end + tag.size();
}

}  // namespace

std::vector<QueryParameter> queryParameters(std::string_view s) {
  std::vector<QueryParameter> out;
  std::size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == '\'' || c == '"' || c == '`') {
      i = skipQuoted(s, i, c);
    } else if (c == '-' && i + 1 < s.size() && s[i + 1] == '-') {
      std::size_t nl = s.find('\n', i);
      i = nl == std::string_view::npos ? s.size() : nl + 1;
    } else if (c == '/' && i + 1 < s.size() && s[i + 1] == '*') {
      i = skipBlockComment(s, i);
    } else if (c == '$' && (i == 0 || !nameChar(s[i - 1]))) {
      std::size_t end = skipDollarQuote(s, i);
      i = end == i ? i + 1 : end;
    } else if (c == ':' && i + 1 < s.size() && s[i + 1] == ':') {
      i += 2;  // a cast
    } else if (c == ':' && i + 1 < s.size() && nameStart(s[i + 1])) {
      std::size_t j = i + 1;
      while (j < s.size() && nameChar(s[j])) ++j;
      out.push_back(QueryParameter{std::string(s.substr(i + 1, j - i - 1)), i, j - i});
      i = j;
    } else {
      ++i;
    }
  }
  return out;
}

}  // namespace ferry::model
