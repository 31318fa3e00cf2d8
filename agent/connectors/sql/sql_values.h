#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

// Value conversions the engine drivers share (docs/connector-sql.md "Types").
namespace ferry::agent::connectors::sql {

// The text a value binds as where an engine takes text: strings as they are, true/false,
// numbers as JSON writes them, objects and arrays as their JSON text. Null has no text:
// drivers bind it as NULL before asking.
std::string bindText(const nlohmann::json& value);

// A finite double as a JSON number; NaN and infinities (which JSON cannot hold) as the
// strings "NaN", "Infinity", "-Infinity".
nlohmann::json numberOrText(double value);

// Standard base64 with padding (RFC 4648 §4): binary columns.
std::string base64(const unsigned char* data, std::size_t size);

// Builds records from result rows whose columns are `names`: the columns go into a record
// in key order, so each lands at the end of the object's tree without a search (a tenth of
// reading a row went to comparing keys). A repeated name is set once, from its last column,
// as assigning the columns in order would leave it.
class RecordShape {
 public:
  explicit RecordShape(std::vector<std::string> names);
  // valueOf(column index) -> the column's value as nlohmann::json
  template <typename ValueOf>
  nlohmann::json build(ValueOf&& valueOf) const {
    nlohmann::json row = nlohmann::json::object();
    auto& fields = row.get_ref<nlohmann::json::object_t&>();
    for (std::size_t c : order_) fields.emplace_hint(fields.end(), names_[c], valueOf(c));
    return row;
  }

 private:
  std::vector<std::string> names_;
  std::vector<std::size_t> order_;
};

// "name" with embedded double quotes doubled (SQL standard, SQLite, PostgreSQL, ODBC).
std::string doubleQuoted(std::string_view identifier);

}  // namespace ferry::agent::connectors::sql
