#pragma once

#include "common/json/json.h"
#include "tests/support/database_servers.h"

namespace ferry::testing {

// The binary's one PostgreSQL server (started on first use by suiteEngine()).
PostgresServer& odbcTestServer();
// The DSN-less psqlODBC connection string for it, without credentials.
std::string odbcTestConnectionString();
// Driver settings for it, password in plain text (resolved).
ferry::Json odbcTestSettings();

}  // namespace ferry::testing
