#include "agent/connectors/sql/sql_connector.h"

#include "agent/connectors/resolve_secrets.h"
#include "agent/connectors/sql/sql_destination.h"
#include "agent/connectors/sql/sql_lookup.h"
#include "agent/connectors/sql/sql_source.h"

namespace ferry::agent::connectors::sql {

namespace {

Result<std::unique_ptr<SqlDriver>> openFor(const DriverOpener& open,
                                           const model::Connection& connection,
                                           const ConnectorContext& context) {
  const std::string where = "connection " + connection.id;
  auto settings = resolveSecrets(connection.settings, context.secrets, where);
  if (!settings.isOk()) return settings.status();
  auto driver = open(*settings);
  if (!driver.isOk()) return driver.status().withContext(where);
  return driver;
}

}  // namespace

ConnectorImpl sqlConnectorImpl(std::string type, DriverOpener open) {
  ConnectorImpl impl;
  impl.type = std::move(type);
  impl.openSource = [open](const model::Connection& connection, const model::Export& spec,
                           const ConnectorContext& context) -> Result<std::unique_ptr<Source>> {
    auto driver = openFor(open, connection, context);
    if (!driver.isOk()) return driver.status();
    return makeSqlSource(std::move(*driver), spec);
  };
  impl.openDestination =
      [open](const model::Connection& connection, const model::Import& spec,
             const ConnectorContext& context) -> Result<std::unique_ptr<Destination>> {
    auto driver = openFor(open, connection, context);
    if (!driver.isOk()) return driver.status();
    return makeSqlDestination(std::move(*driver), spec);
  };
  impl.openLookup = [open](
                        const model::Connection& connection, const model::Lookup& spec,
                        const ConnectorContext& context) -> Result<std::unique_ptr<LookupSource>> {
    auto driver = openFor(open, connection, context);
    if (!driver.isOk()) return driver.status();
    return makeSqlLookup(std::move(*driver), spec);
  };
  return impl;
}

}  // namespace ferry::agent::connectors::sql
