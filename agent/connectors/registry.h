#pragma once

#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "agent/connectors/connector.h"
#include "common/status/result.h"

namespace ferry::agent::connectors {

// The implementation of one connector type from common/model's descriptor table. Factories
// are null where the type has no such role (listener exports are served by the listener
// server, not opened as a Source). Factories resolve {"$secret": …} settings and connect;
// a failure to connect is retryable, a bad setting or missing secret is not.
struct ConnectorImpl {
  std::string type;
  std::function<Result<std::unique_ptr<Source>>(const model::Connection&, const model::Export&,
                                                const ConnectorContext&)>
      openSource;
  std::function<Result<std::unique_ptr<Destination>>(const model::Connection&, const model::Import&,
                                                     const ConnectorContext&)>
      openDestination;
  std::function<Result<std::unique_ptr<LookupSource>>(
      const model::Connection&, const model::Lookup&, const ConnectorContext&)>
      openLookup;
};

// Every implemented type, in one explicit table (registry.cpp), no self-registration.
const std::vector<ConnectorImpl>& connectorImpls();
const ConnectorImpl* findConnectorImpl(std::string_view type);

}  // namespace ferry::agent::connectors
