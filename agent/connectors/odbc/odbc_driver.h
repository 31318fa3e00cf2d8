#pragma once

#include <memory>

#include "agent/connectors/sql/sql_driver.h"
#include "common/json/json_fwd.h"
#include "common/status/result.h"

namespace ferry::agent::connectors {

// `odbc`: one connection from the settings of common/model/connector_descriptors.cpp odbc()
// (connectionString, user as UID, password as PWD, already resolved), opened through
// Poco::Data::ODBC; statements run on the session's SQLHDBC. For the psqlODBC driver the
// connection string gets streaming reads and real booleans unless it sets them itself
// (UseDeclareFetch=1, Fetch=1000, BoolsAsChar=0), and a PostgreSQL session runs in UTC
// (docs/connector-sql.md "odbc"). Fails kInvalidArgument for a malformed setting and with
// the driver's classification (08xxx kUnavailable, 28xxx kFailedPrecondition, …) when the
// connection fails; messages never contain the connection string.
Result<std::unique_ptr<sql::SqlDriver>> openOdbcDriver(const ferry::Json& settings);

}  // namespace ferry::agent::connectors
