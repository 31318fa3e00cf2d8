#include "agent/connectors/file/csv_writer.h"

#include <algorithm>

namespace ferry::agent::connectors::file {

namespace {

bool needsQuotes(std::string_view field, const CsvDialect& dialect) {
  for (const char c : field) {
    if (c == dialect.delimiter || c == dialect.quote || c == '\r' || c == '\n') return true;
  }
  return false;
}

void appendField(std::string& out, std::string_view field, const CsvDialect& dialect) {
  if (!needsQuotes(field, dialect)) {
    out.append(field);
    return;
  }
  out.push_back(dialect.quote);
  for (const char c : field) {
    if (c == dialect.quote) out.push_back(c);
    out.push_back(c);
  }
  out.push_back(dialect.quote);
}

bool isDecimal(const std::string& key) {
  return !key.empty() && key.size() < 19 &&
         std::all_of(key.begin(), key.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

void appendCsvRecord(std::string& out, const std::vector<std::string>& fields,
                     const CsvDialect& dialect) {
  if (fields.size() == 1 && fields[0].empty()) {
    out.push_back(dialect.quote);
    out.push_back(dialect.quote);
  } else {
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (i > 0) out.push_back(dialect.delimiter);
      appendField(out, fields[i], dialect);
    }
  }
  out.append("\r\n");
}

std::string csvFieldText(const ferry::Json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return "";
  return value.dump();
}

Result<std::vector<std::string>> csvFieldsOf(const ferry::Json& row,
                                             const std::vector<std::string>& columns) {
  if (!row.is_object()) {
    return Status::invalidArgument("a CSV row must be a JSON object, got " +
                                   std::string(row.type_name()));
  }
  for (const auto& [key, value] : row.items()) {
    if (std::find(columns.begin(), columns.end(), key) == columns.end()) {
      std::string known;
      for (const auto& column : columns) known += (known.empty() ? "" : ", ") + column;
      return Status::invalidArgument("field \"" + key +
                                     "\" is not a column of the file (columns: " + known + ")");
    }
  }
  std::vector<std::string> fields;
  fields.reserve(columns.size());
  try {
    for (const auto& column : columns) {
      auto it = row.find(column);
      fields.push_back(it == row.end() ? std::string() : csvFieldText(*it));
    }
  } catch (const ferry::Json::exception& e) {  // invalid UTF-8 inside an object value
    return Status::invalidArgument(std::string("a value cannot be written: ") + e.what());
  }
  return fields;
}

std::vector<std::string> columnsOf(const ferry::Json& row) {
  std::vector<std::string> keys;
  if (!row.is_object()) return keys;
  for (const auto& [key, value] : row.items()) keys.push_back(key);
  if (std::all_of(keys.begin(), keys.end(), isDecimal)) {
    std::sort(keys.begin(), keys.end(), [](const std::string& a, const std::string& b) {
      return std::stoll(a) < std::stoll(b);
    });
  }
  return keys;
}

}  // namespace ferry::agent::connectors::file
