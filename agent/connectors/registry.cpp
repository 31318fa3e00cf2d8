// The one table of implemented connector types. Add a type to common/model's descriptor
// table first, then implement it in its folder and list it here.
#include "agent/connectors/registry.h"

#include "agent/connectors/file/file_connector.h"
#include "agent/connectors/http/http_connector.h"
#include "agent/connectors/mysql/mysql_connector.h"
#include "agent/connectors/odbc/odbc_connector.h"
#include "agent/connectors/postgresql/postgresql_connector.h"
#include "agent/connectors/sqlite/sqlite_connector.h"

namespace ferry::agent::connectors {

const std::vector<ConnectorImpl>& connectorImpls() {
  // Listener exports have no factories: listener::ListenerServer serves them.
  // One type per line, so adding one is a one-line change.
  // clang-format off
  static const std::vector<ConnectorImpl> table = {
      sqliteConnectorImpl(),
      postgresqlConnectorImpl(),
      mysqlConnectorImpl(),
      odbcConnectorImpl(),
      fileConnectorImpl(),
      httpConnectorImpl(),
      {"listener", {}, {}, {}},
  };  // immutable after first use
  // clang-format on
  return table;
}

const ConnectorImpl* findConnectorImpl(std::string_view type) {
  for (const auto& impl : connectorImpls()) {
    if (impl.type == type) return &impl;
  }
  return nullptr;
}

}  // namespace ferry::agent::connectors
