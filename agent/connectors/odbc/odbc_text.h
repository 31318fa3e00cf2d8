#pragma once

#include <sql.h>
#include <sqlext.h>

#include <string>
#include <string_view>

// Text conversions for ODBC's wide-character (UTF-16, SQLWCHAR) interface. Ferry talks to
// drivers in UTF-16 because narrow (SQL_C_CHAR) text is in the driver's idea of the locale's
// encoding, which is not UTF-8 under a C locale (systemd services).
namespace ferry::agent::connectors::odbc {

using WideString = std::basic_string<SQLWCHAR>;

// Invalid UTF-8 sequences become U+FFFD.
WideString toWide(std::string_view utf8);
// Unpaired surrogates become U+FFFD.
std::string toUtf8(const SQLWCHAR* data, std::size_t units);

// An ODBC connection string attribute value, in braces when it holds characters that would
// end or confuse it (";", "{", "}", "=", surrounding spaces); "}" doubled inside braces.
std::string attributeValue(std::string_view value);

// True when `connectionString` sets attribute `key` (case-insensitive, braces respected).
bool hasAttribute(std::string_view connectionString, std::string_view key);

}  // namespace ferry::agent::connectors::odbc
