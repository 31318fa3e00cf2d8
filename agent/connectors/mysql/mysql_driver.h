#pragma once

#include <memory>

#include "agent/connectors/sql/sql_driver.h"
#include "common/json/json_fwd.h"
#include "common/status/result.h"

namespace ferry::agent::connectors {

// `mysql` (MySQL 5.7+, MariaDB 10.3+): one connection from the settings of
// common/model/connector_descriptors.cpp mysql() (host, port, database, user, password
// already resolved, sslMode, connectTimeoutSeconds), through MariaDB Connector/C. The
// session runs with utf8mb4, time_zone '+00:00' and strict SQL mode added, so values keep
// their meaning (docs/connector-sql.md "mysql"). Fails kInvalidArgument for a malformed
// setting, kUnavailable when the server cannot be reached, kFailedPrecondition when it
// refuses the login or lacks the database.
Result<std::unique_ptr<sql::SqlDriver>> openMysqlDriver(const ferry::Json& settings);

}  // namespace ferry::agent::connectors
