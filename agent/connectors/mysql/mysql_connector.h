#pragma once

#include "agent/connectors/registry.h"

namespace ferry::agent::connectors {

// The registry entry of `mysql`: the shared SQL connector over openMysqlDriver.
ConnectorImpl mysqlConnectorImpl();

}  // namespace ferry::agent::connectors
