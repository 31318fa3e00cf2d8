#pragma once

#include <memory>

#include "agent/connectors/registry.h"
#include "agent/connectors/sql/sql_driver.h"
#include "common/json/json.h"

namespace ferry::agent::connectors {

// `postgresql`: a session opened through Poco::Data::PostgreSQL; reads stream through a
// server-side cursor and pages are written with COPY into a staging table and one
// set-based INSERT (… ON CONFLICT), both with libpq on the session's connection, because
// Poco::Data buffers whole results and maps numeric to double (decision 0004).
Result<std::unique_ptr<sql::SqlDriver>> openPostgresqlDriver(const ferry::Json& settings);
ConnectorImpl postgresqlConnectorImpl();

}  // namespace ferry::agent::connectors
