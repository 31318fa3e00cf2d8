#include "agent/connectors/odbc/odbc_connector.h"

#include "agent/connectors/odbc/odbc_driver.h"
#include "agent/connectors/sql/sql_connector.h"

namespace ferry::agent::connectors {

ConnectorImpl odbcConnectorImpl() {
  return sql::sqlConnectorImpl("odbc", openOdbcDriver);
}

}  // namespace ferry::agent::connectors
