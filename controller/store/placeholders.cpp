#include "controller/store/placeholders.h"

namespace ferry::controller::store {

std::string renderPlaceholders(std::string_view sql, Backend backend) {
  if (backend == Backend::kSqlite) return std::string(sql);
  std::string out;
  out.reserve(sql.size() + 16);
  int next = 1;
  for (std::size_t i = 0; i < sql.size(); ++i) {
    char c = sql[i];
    if (c == '\'' || c == '"') {  // copy the quoted run; a doubled quote stays inside
      std::size_t end = i + 1;
      while (end < sql.size()) {
        if (sql[end] == c) {
          if (end + 1 < sql.size() && sql[end + 1] == c) {
            end += 2;
            continue;
          }
          break;
        }
        ++end;
      }
      out.append(sql.substr(i, end - i + 1));
      i = end;
    } else if (c == '-' && i + 1 < sql.size() && sql[i + 1] == '-') {
      std::size_t end = sql.find('\n', i);
      if (end == std::string_view::npos) end = sql.size() - 1;
      out.append(sql.substr(i, end - i + 1));
      i = end;
    } else if (c == '/' && i + 1 < sql.size() && sql[i + 1] == '*') {
      std::size_t end = sql.find("*/", i + 2);
      end = end == std::string_view::npos ? sql.size() - 1 : end + 1;
      out.append(sql.substr(i, end - i + 1));
      i = end;
    } else if (c == '?') {
      out += '$';
      out += std::to_string(next++);
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace ferry::controller::store
