#include "agent/connectors/sql/sql_values.h"

#include <algorithm>
#include <cmath>

#include "common/encoding/base64.h"

namespace ferry::agent::connectors::sql {

std::string bindText(const ferry::Json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_boolean()) return value.get<bool>() ? "true" : "false";
  return value.dump();
}

ferry::Json numberOrText(double value) {
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

RecordShape::RecordShape(std::vector<std::string> names) : names_(std::move(names)) {
  for (std::size_t c = 0; c < names_.size(); ++c) order_.push_back(c);
  // Stable, so among equal names the last column comes last; then only it is kept.
  std::stable_sort(order_.begin(), order_.end(),
                   [&](std::size_t a, std::size_t b) { return names_[a] < names_[b]; });
  std::vector<std::size_t> unique;
  for (std::size_t i = 0; i < order_.size(); ++i) {
    if (i + 1 < order_.size() && names_[order_[i]] == names_[order_[i + 1]]) continue;
    unique.push_back(order_[i]);
  }
  order_ = std::move(unique);
}

}  // namespace ferry::agent::connectors::sql
