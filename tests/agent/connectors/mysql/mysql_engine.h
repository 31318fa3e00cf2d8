#pragma once

#include "common/json/json.h"
#include "tests/support/database_servers.h"

namespace ferry::testing {

// The binary's one MariaDB server (started on first use by suiteEngine()).
MariadbServer& mysqlTestServer();
// Driver settings for it, password in plain text (resolved).
ferry::Json mysqlTestSettings();

}  // namespace ferry::testing
