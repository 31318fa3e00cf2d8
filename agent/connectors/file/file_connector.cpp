#include "agent/connectors/file/file_connector.h"

#include "agent/connectors/file/file_destination.h"
#include "agent/connectors/file/file_source.h"
#include "agent/connectors/resolve_secrets.h"

namespace ferry::agent::connectors {

using file::exportOptions;
using file::FileDestination;
using file::FileSource;
using file::importOptions;

ConnectorImpl fileConnectorImpl() {
  ConnectorImpl impl;
  impl.type = "file";
  impl.openSource = [](const model::Connection& connection, const model::Export& e,
                       const ConnectorContext& context) -> Result<std::unique_ptr<Source>> {
    auto settings =
        resolveSecrets(connection.settings, context.secrets, "connection " + connection.id);
    if (!settings.isOk()) return settings.status();
    auto options = exportOptions(*settings, e, context.stateDir);
    if (!options.isOk()) return options.status();
    return std::unique_ptr<Source>(
        std::make_unique<FileSource>(std::move(*options), context.logger));
  };
  impl.openDestination =
      [](const model::Connection& connection, const model::Import& i,
         const ConnectorContext& context) -> Result<std::unique_ptr<Destination>> {
    auto settings =
        resolveSecrets(connection.settings, context.secrets, "connection " + connection.id);
    if (!settings.isOk()) return settings.status();
    auto options = importOptions(*settings, i);
    if (!options.isOk()) return options.status();
    return std::unique_ptr<Destination>(
        std::make_unique<FileDestination>(std::move(*options), context.logger));
  };
  return impl;
}

}  // namespace ferry::agent::connectors
