// The SQL connector suite on a real PostgreSQL server started for this binary.
#include "agent/connectors/postgresql/postgresql_connector.h"
#include "tests/agent/connectors/sql/sql_suite.h"
#include "tests/support/database_servers.h"

namespace ferry::testing {
namespace {

class PostgresqlEngine final : public SqlEngine {
 public:
  agent::connectors::ConnectorImpl impl() const override {
    return agent::connectors::postgresqlConnectorImpl();
  }
  ferry::Json settings() const override {
    return {{"host", "127.0.0.1"},  {"port", server_.port()},
            {"database", "ferry"},  {"user", "ferry"},
            {"sslmode", "disable"}, {"password", {{"$secret", "db-password"}}}};
  }
  std::string password() const override { return server_.password(); }
  void exec(const std::string& sql) override { server_.psql(sql); }

  std::string decimalType() const override { return "NUMERIC(38,10)"; }
  std::string timestampType() const override { return "TIMESTAMPTZ"; }
  std::string binaryType() const override { return "BYTEA"; }
  ferry::Json timestampReadBack(const std::string& utcIso) const override { return utcIso; }
  ferry::Json decimalReadBack(const std::string& written) const override { return written; }
  std::string timestampLiteral(const std::string& utcIso) const override {
    return "'" + utcIso + "'::timestamptz";
  }
  std::string binaryLiteral(const std::string& hex) const override {
    return "'\\x" + hex + "'::bytea";
  }
  ferry::Json unreachableSettings() const override {
    ferry::Json s = settings();
    s["port"] = freeTcpPort();
    s["connectTimeoutSeconds"] = 2;
    return s;
  }

 private:
  PostgresServer server_;
};

}  // namespace

SqlEngine& suiteEngine() {
  static PostgresqlEngine engine;
  return engine;
}

}  // namespace ferry::testing
