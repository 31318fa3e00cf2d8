#include "agent/connectors/mysql/mysql_connector.h"

#include "agent/connectors/mysql/mysql_driver.h"
#include "agent/connectors/sql/sql_connector.h"

namespace ferry::agent::connectors {

ConnectorImpl mysqlConnectorImpl() {
  return sql::sqlConnectorImpl("mysql", openMysqlDriver);
}

}  // namespace ferry::agent::connectors
