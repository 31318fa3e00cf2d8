#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "agent/connectors/sql/sql_driver.h"
#include "common/status/result.h"

namespace ferry::agent::connectors::sql {

// Table and column names come from definitions and records, so they are validated before
// they reach SQL text and then quoted: a name is 1-63 characters of [A-Za-z0-9_$], not
// starting with a digit or '$'; a table may be qualified ("schema.table", at most three
// parts). Anything else is kInvalidArgument naming the offending text and `what`
// ("import orders-to-dwh: table", "record field").
Status validateIdentifier(std::string_view name, std::string_view what);

// Validates and quotes "schema.table" part by part with the driver's quoting.
Result<std::string> quoteTable(const SqlDriver& driver, std::string_view table,
                               std::string_view what);
Result<std::string> quoteColumn(const SqlDriver& driver, std::string_view column,
                                std::string_view what);

// Rewrites `:name` parameters (common/model/query_params.h rules: not inside literals,
// comments or `::` casts) into the driver's placeholders and appends the bound values to
// `params` in order. kInvalidArgument naming a parameter that `values` lacks.
Result<std::string> bindNamedParameters(const SqlDriver& driver, const std::string& sql,
                                        const ferry::Json& values, Params& params,
                                        std::string_view what);

}  // namespace ferry::agent::connectors::sql
