#pragma once

#include <optional>
#include <string>

#include "agent/connectors/connector.h"
#include "agent/connectors/http/http_client.h"
#include "common/json/json.h"
#include "common/transform/record_path.h"

// Reading the type-specific fields of http exports, imports and lookups (`options`, defaults
// filled in). Errors are kInvalidArgument naming `where` ("export shop-orders") and the
// field as a JSON Pointer.
namespace ferry::agent::connectors::http {

// A copy of the context's logger (Loggers are cheap to copy), or none.
std::optional<Logger> loggerCopy(const ConnectorContext& context);

// options[key] as a string; "" when absent or not a string.
std::string textOption(const ferry::Json& options, const char* key);

// options[key] parsed as a dotted record path; nullopt when absent or "". `parent` is the
// pointer of `options` within the resource ("/paging"; "" for the resource itself).
Result<std::optional<transform::RecordPath>> pathOption(const ferry::Json& options, const char* key,
                                                        const std::string& where,
                                                        const std::string& parent = "");

// options[key] as headers: an object of strings.
Result<Headers> headersOption(const ferry::Json& options, const char* key,
                              const std::string& where);

// A JSON value as it goes into a query string: strings as they are, other scalars as JSON
// text ("42", "true"), null as "".
std::string queryText(const ferry::Json& value);

}  // namespace ferry::agent::connectors::http
