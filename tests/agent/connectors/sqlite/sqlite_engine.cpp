// The SQL connector suite on SQLite: a database file in a temp dir.
#include "agent/connectors/sqlite/sqlite_connector.h"
#include "tests/agent/connectors/sql/sql_suite.h"
#include "tests/support/sqlite_file.h"
#include "tests/support/temp_dir.h"

namespace ferry::testing {
namespace {

class SqliteEngine final : public SqlEngine {
 public:
  SqliteEngine() : path_(dir_.file("suite.db")) {}

  agent::connectors::ConnectorImpl impl() const override {
    return agent::connectors::sqliteConnectorImpl();
  }
  ferry::Json settings() const override { return {{"path", path_}, {"busyTimeoutMs", 5000}}; }

  void exec(const std::string& sql) override { sqliteExec(path_, sql); }

  // SQLite keeps NUMERIC values as doubles; exact decimals live in TEXT columns, as
  // docs/connector-sql.md advises.
  std::string decimalType() const override { return "TEXT"; }
  std::string timestampType() const override { return "TEXT"; }
  std::string binaryType() const override { return "BLOB"; }
  ferry::Json timestampReadBack(const std::string& utcIso) const override { return utcIso; }
  ferry::Json decimalReadBack(const std::string& written) const override { return written; }
  std::string timestampLiteral(const std::string& utcIso) const override {
    return "'" + utcIso + "'";
  }

 private:
  TempDir dir_;
  std::string path_;
};

}  // namespace

SqlEngine& suiteEngine() {
  static SqliteEngine engine;
  return engine;
}

}  // namespace ferry::testing
