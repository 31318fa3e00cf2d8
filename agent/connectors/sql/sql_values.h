#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>
#include "common/json/json.h"

// Value conversions the engine drivers share (docs/connector-sql.md "Types").
namespace ferry::agent::connectors::sql {

// The text a value binds as where an engine takes text: strings as they are, true/false,
// numbers as JSON writes them, objects and arrays as their JSON text. Null has no text:
// drivers bind it as NULL before asking.
std::string bindText(const ferry::Json& value);

// A finite double as a JSON number; NaN and infinities (which JSON cannot hold) as the
// strings "NaN", "Infinity", "-Infinity".
ferry::Json numberOrText(double value);

// Standard base64 with padding (RFC 4648 §4): binary columns.
std::string base64(const unsigned char* data, std::size_t size);

// Builds records from result rows whose columns are `names`: the columns go into a record
// in key order, so each is appended to the object without a search (a tenth of
// reading a row went to comparing keys). A repeated name is set once, from its last column,
// as assigning the columns in order would leave it.
class RecordShape {
 public:
  explicit RecordShape(std::vector<std::string> names);
  // valueOf(column index) -> the column's value as ferry::Json
  template <typename ValueOf>
  ferry::Json build(ValueOf&& valueOf) const {
    ferry::Json row = ferry::Json::object();
    auto& fields = row.get_ref<ferry::Json::object_t&>();
    fields.reserve(order_.size());
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
