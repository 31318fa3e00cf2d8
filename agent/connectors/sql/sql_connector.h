#pragma once

#include <functional>
#include <memory>
#include <string>

#include "agent/connectors/registry.h"
#include "agent/connectors/sql/sql_driver.h"

namespace ferry::agent::connectors::sql {

// Opens one connection from a connection's settings, secrets already resolved.
using DriverOpener = std::function<Result<std::unique_ptr<SqlDriver>>(const ferry::Json& settings)>;

// The registry entry of a SQL engine: `query` exports, `table` imports and lookups, each
// on its own connection opened by `open` (secrets resolved through the context first).
ConnectorImpl sqlConnectorImpl(std::string type, DriverOpener open);

}  // namespace ferry::agent::connectors::sql
