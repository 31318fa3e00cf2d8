#pragma once

#include <libpq-fe.h>

#include <string>
#include <string_view>
#include "common/json/json.h"

// PostgreSQL text-format values to JSON by column type (docs/connector-sql.md "Types").
namespace ferry::agent::connectors::postgresql {

// The JSON value of a text-format cell of type `oid`. The session runs with
// TimeZone=UTC and DateStyle=ISO, so timestamptz arrives as "2026-01-01 10:00:00.5+00".
ferry::Json pgValue(Oid oid, std::string_view text);

// "2026-01-01 10:00:00+00" -> "2026-01-01T10:00:00Z"; "…+05:30" stays an offset.
std::string isoTimestamp(std::string_view text, bool withZone);

// Appends `value` in COPY text format (tab-separated, \N for null, backslash escapes).
void appendCopyValue(std::string& out, const ferry::Json& value);

}  // namespace ferry::agent::connectors::postgresql
