#pragma once

#include <mysql.h>

#include <optional>
#include <string>
#include <string_view>

// Temporal values between MySQL's MYSQL_TIME and the ISO-8601 text Ferry's records carry
// (docs/connector-sql.md "mysql"). The session runs with time_zone '+00:00', so TIMESTAMP
// values read and written through MYSQL_TIME are UTC.
namespace ferry::agent::connectors::mysql {

// "YYYY-MM-DD[T ]HH:MM:SS[.f…f](Z|±HH:MM)" (1-6 fraction digits) as the UTC instant it
// names; nullopt for any other text (zone-less timestamps stay text: MySQL reads those).
std::optional<MYSQL_TIME> parseZonedTimestamp(std::string_view text);

// DATE "YYYY-MM-DD"; DATETIME "YYYY-MM-DDTHH:MM:SS[.f]"; TIMESTAMP the same plus "Z";
// TIME "[-]HH:MM:SS[.f]" (hours may pass 24). `decimals` is the column's fraction digits
// (0-6; more means "unknown": 6 digits when the value has a fraction).
std::string formatTemporal(const MYSQL_TIME& value, enum_field_types type, unsigned decimals);

}  // namespace ferry::agent::connectors::mysql
