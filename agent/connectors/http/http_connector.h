#pragma once

#include "agent/connectors/registry.h"

namespace ferry::agent::connectors {

// The `http` connector type (docs/connector-http.md): exports, imports and lookups against
// REST APIs. Opening resolves the connection's secrets and checks its settings; it does
// not connect yet (the first request does, and its failure is retryable).
ConnectorImpl httpConnectorImpl();

}  // namespace ferry::agent::connectors
