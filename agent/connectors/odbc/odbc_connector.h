#pragma once

#include "agent/connectors/registry.h"

namespace ferry::agent::connectors {

// The registry entry of `odbc`: the shared SQL connector over openOdbcDriver.
ConnectorImpl odbcConnectorImpl();

}  // namespace ferry::agent::connectors
