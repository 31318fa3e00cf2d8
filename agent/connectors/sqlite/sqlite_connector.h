#pragma once

#include <memory>

#include "agent/connectors/registry.h"
#include "agent/connectors/sql/sql_driver.h"
#include "common/json/json.h"

namespace ferry::agent::connectors {

// `sqlite`: a database file (settings.path, busyTimeoutMs), opened with sqlite3_open_v2 in
// multi-thread mode (decision 0004); values keep their storage class.
Result<std::unique_ptr<sql::SqlDriver>> openSqliteDriver(const ferry::Json& settings);
ConnectorImpl sqliteConnectorImpl();

}  // namespace ferry::agent::connectors
