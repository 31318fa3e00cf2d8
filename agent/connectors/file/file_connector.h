#pragma once

#include "agent/connectors/registry.h"

namespace ferry::agent::connectors {

// The `file` connector type (docs/connector-file.md): exports read CSV or JSON Lines files
// under the connection's root (file::FileSource), imports append to one
// (file::FileDestination). No lookups.
ConnectorImpl fileConnectorImpl();

}  // namespace ferry::agent::connectors
