#include "agent/connectors/http/http_connector.h"

#include "agent/connectors/http/http_destination.h"
#include "agent/connectors/http/http_lookup.h"
#include "agent/connectors/http/http_settings.h"
#include "agent/connectors/http/http_source.h"

namespace ferry::agent::connectors {

ConnectorImpl httpConnectorImpl() {
  ConnectorImpl impl;
  impl.type = "http";
  impl.openSource = [](const model::Connection& connection, const model::Export& exportDef,
                       const ConnectorContext& context) -> Result<std::unique_ptr<Source>> {
    auto client = http::openClient(connection, context);
    if (!client.isOk()) return client.status();
    return http::openHttpSource(std::move(*client), exportDef, context);
  };
  impl.openDestination =
      [](const model::Connection& connection, const model::Import& importDef,
         const ConnectorContext& context) -> Result<std::unique_ptr<Destination>> {
    auto client = http::openClient(connection, context);
    if (!client.isOk()) return client.status();
    return http::openHttpDestination(std::move(*client), importDef, context);
  };
  impl.openLookup = [](const model::Connection& connection, const model::Lookup& lookupDef,
                       const ConnectorContext& context) -> Result<std::unique_ptr<LookupSource>> {
    auto client = http::openClient(connection, context);
    if (!client.isOk()) return client.status();
    return http::openHttpLookup(std::move(*client), lookupDef, context);
  };
  return impl;
}

}  // namespace ferry::agent::connectors
