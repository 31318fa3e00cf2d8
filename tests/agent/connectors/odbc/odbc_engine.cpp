// The SQL connector suite through ODBC (psqlODBC's "PostgreSQL Unicode" driver) on a real
// PostgreSQL server started for this binary.
#include "tests/agent/connectors/odbc/odbc_engine.h"

#include "agent/connectors/odbc/odbc_connector.h"
#include "tests/agent/connectors/sql/sql_suite.h"

namespace ferry::testing {
namespace {

std::string connectionStringFor(int port) {
  return "Driver={PostgreSQL Unicode};Server=127.0.0.1;Port=" + std::to_string(port) +
         ";Database=ferry;";
}

class OdbcEngine final : public SqlEngine {
 public:
  agent::connectors::ConnectorImpl impl() const override {
    return agent::connectors::odbcConnectorImpl();
  }
  ferry::Json settings() const override {
    return {{"connectionString", connectionStringFor(server_.port())},
            {"user", "ferry"},
            {"password", {{"$secret", "db-password"}}}};
  }
  std::string password() const override { return server_.password(); }
  void exec(const std::string& sql) override { server_.psql(sql); }

  std::string decimalType() const override { return "NUMERIC(38,10)"; }
  std::string timestampType() const override { return "TIMESTAMPTZ"; }
  std::string binaryType() const override { return "BYTEA"; }
  // ODBC's timestamp has microseconds here (psqlODBC reports 6 digits); the session is UTC.
  ferry::Json timestampReadBack(const std::string& utcIso) const override {
    return utcIso.substr(0, 19) + ".000000Z";
  }
  ferry::Json decimalReadBack(const std::string& written) const override { return written; }
  std::string timestampLiteral(const std::string& utcIso) const override {
    return "'" + utcIso + "'::timestamptz";
  }
  std::string binaryLiteral(const std::string& hex) const override {
    return "'\\x" + hex + "'::bytea";
  }
  ferry::Json unreachableSettings() const override {
    ferry::Json s = settings();
    s["connectionString"] = connectionStringFor(freeTcpPort());
    return s;
  }

  PostgresServer& server() { return server_; }

 private:
  PostgresServer server_;
};

}  // namespace

SqlEngine& suiteEngine() {
  static OdbcEngine engine;
  return engine;
}

PostgresServer& odbcTestServer() {
  return static_cast<OdbcEngine&>(suiteEngine()).server();
}

std::string odbcTestConnectionString() {
  return connectionStringFor(odbcTestServer().port());
}

ferry::Json odbcTestSettings() {
  return {{"connectionString", odbcTestConnectionString()},
          {"user", "ferry"},
          {"password", odbcTestServer().password()}};
}

}  // namespace ferry::testing
