// The SQL connector suite on a real MariaDB server started for this binary.
#include "tests/agent/connectors/mysql/mysql_engine.h"

#include "agent/connectors/mysql/mysql_connector.h"
#include "tests/agent/connectors/sql/sql_suite.h"

namespace ferry::testing {
namespace {

class MysqlEngine final : public SqlEngine {
 public:
  agent::connectors::ConnectorImpl impl() const override {
    return agent::connectors::mysqlConnectorImpl();
  }
  ferry::Json settings() const override {
    return {{"host", "127.0.0.1"},
            {"port", server_.port()},
            {"database", "ferry"},
            {"user", "ferry"},
            {"sslMode", "disabled"},
            {"connectTimeoutSeconds", 5},
            {"password", {{"$secret", "db-password"}}}};
  }
  std::string password() const override { return server_.password(); }
  // Setup SQL runs in UTC like the driver's sessions, so literals mean the same instant.
  void exec(const std::string& sql) override { server_.sql("SET time_zone = '+00:00'; " + sql); }

  std::string timestampType() const override { return "TIMESTAMP(6) NULL"; }
  std::string binaryType() const override { return "VARBINARY(64)"; }
  // TIMESTAMP(6) reads back with its six fraction digits, in UTC.
  ferry::Json timestampReadBack(const std::string& utcIso) const override {
    return utcIso.substr(0, 19) + ".000000Z";
  }
  // BOOLEAN is TINYINT(1): it reads back as the integer it stores.
  ferry::Json boolReadBack(bool value) const override { return value ? 1 : 0; }
  ferry::Json decimalReadBack(const std::string& written) const override { return written; }
  std::string timestampLiteral(const std::string& utcIso) const override {
    return "'" + utcIso.substr(0, 10) + " " + utcIso.substr(11, 8) + "'";
  }
  ferry::Json unreachableSettings() const override {
    ferry::Json s = settings();
    s["port"] = freeTcpPort();
    s["connectTimeoutSeconds"] = 2;
    return s;
  }

  MariadbServer& server() { return server_; }

 private:
  MariadbServer server_;
};

}  // namespace

SqlEngine& suiteEngine() {
  static MysqlEngine engine;
  return engine;
}

MariadbServer& mysqlTestServer() {
  return static_cast<MysqlEngine&>(suiteEngine()).server();
}

ferry::Json mysqlTestSettings() {
  MariadbServer& server = mysqlTestServer();
  return {{"host", "127.0.0.1"}, {"port", server.port()},         {"database", "ferry"},
          {"user", "ferry"},     {"password", server.password()}, {"sslMode", "disabled"}};
}

}  // namespace ferry::testing
