#pragma once

#include <memory>
#include <nlohmann/json.hpp>

#include "agent/connectors/registry.h"
#include "agent/connectors/sql/sql_driver.h"

namespace ferry::agent::connectors {

// `sqlite`: a database file (settings.path, busyTimeoutMs), opened through Poco::Data::SQLite;
// statements run on the session's sqlite3 handle so values keep their storage class.
Result<std::unique_ptr<sql::SqlDriver>> openSqliteDriver(const nlohmann::json& settings);
ConnectorImpl sqliteConnectorImpl();

}  // namespace ferry::agent::connectors
