#pragma once

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

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

// "name" with embedded double quotes doubled (SQL standard, SQLite, PostgreSQL, ODBC).
std::string doubleQuoted(std::string_view identifier);

}  // namespace ferry::agent::connectors::sql
