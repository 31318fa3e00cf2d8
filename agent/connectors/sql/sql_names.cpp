#include "agent/connectors/sql/sql_names.h"

#include "common/model/query_params.h"

namespace ferry::agent::connectors::sql {

namespace {

bool identifierChar(char c, bool first) {
  if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_') return true;
  if (first) return false;
  return (c >= '0' && c <= '9') || c == '$';
}

Status validatePart(std::string_view part, std::string_view whole, std::string_view what) {
  constexpr std::size_t kMaxLength = 63;
  bool ok = !part.empty() && part.size() <= kMaxLength;
  for (std::size_t i = 0; ok && i < part.size(); ++i) ok = identifierChar(part[i], i == 0);
  if (ok) return Status::ok();
  return Status::invalidArgument(std::string(what) + ": \"" + std::string(whole) +
                                 "\" is not a valid SQL name (1-63 characters of A-Z, a-z, "
                                 "0-9, _ and $, not starting with a digit)");
}

std::vector<std::string_view> splitDots(std::string_view name) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    std::size_t dot = name.find('.', start);
    parts.push_back(name.substr(start, dot == std::string_view::npos ? dot : dot - start));
    if (dot == std::string_view::npos) return parts;
    start = dot + 1;
  }
}

}  // namespace

Status validateIdentifier(std::string_view name, std::string_view what) {
  return validatePart(name, name, what);
}

Result<std::string> quoteTable(const SqlDriver& driver, std::string_view table,
                               std::string_view what) {
  auto parts = splitDots(table);
  constexpr std::size_t kMaxParts = 3;
  if (parts.size() > kMaxParts) {
    return Status::invalidArgument(std::string(what) + ": \"" + std::string(table) +
                                   "\" has more than three dotted parts");
  }
  std::string out;
  for (auto part : parts) {
    FERRY_RETURN_IF_ERROR(validatePart(part, table, what));
    if (!out.empty()) out += '.';
    out += driver.quoteIdentifier(part);
  }
  return out;
}

Result<std::string> quoteColumn(const SqlDriver& driver, std::string_view column,
                                std::string_view what) {
  FERRY_RETURN_IF_ERROR(validatePart(column, column, what));
  return driver.quoteIdentifier(column);
}

Result<std::string> bindNamedParameters(const SqlDriver& driver, const std::string& sql,
                                        const ferry::Json& values, Params& params,
                                        std::string_view what) {
  std::string out;
  std::size_t copied = 0;
  for (const auto& p : model::queryParameters(sql)) {
    auto value = values.find(p.name);
    if (!values.is_object() || value == values.end()) {
      return Status::invalidArgument(std::string(what) + ": the query uses :" + p.name +
                                     ", which has no value here");
    }
    out.append(sql, copied, p.offset - copied);
    out += driver.placeholder(params.size());
    params.push_back(*value);
    copied = p.offset + p.length;
  }
  out.append(sql, copied, std::string::npos);
  return out;
}

}  // namespace ferry::agent::connectors::sql
