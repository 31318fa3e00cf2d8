#include "agent/connectors/sql/sql_values.h"

#include <cmath>

#include "common/encoding/base64.h"

namespace ferry::agent::connectors::sql {

std::string bindText(const nlohmann::json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  return value.dump();
}

nlohmann::json numberOrText(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "Infinity" : "-Infinity";
  return value;
}

std::string base64(const unsigned char* data, std::size_t size) {
  return encoding::base64Encode(std::string_view(reinterpret_cast<const char*>(data), size));
}

std::string doubleQuoted(std::string_view identifier) {
  std::string out = "\"";
  for (char c : identifier) {
    if (c == '"') out += '"';
    out += c;
  }
  out += '"';
  return out;
}

}  // namespace ferry::agent::connectors::sql
