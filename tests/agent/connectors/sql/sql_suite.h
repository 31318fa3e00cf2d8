#pragma once

#include <memory>
#include <string>

#include "agent/connectors/registry.h"
#include "common/json/json.h"

// The suite every SQL engine runs (sql_suite.cpp): type round trips, paging 100,000 rows,
// watermark ties across pages and runs, insert/update/upsert, constraint violations as
// per-record errors, injection attempts, the checkpoint row, lookups. An engine's test
// binary compiles sql_suite.cpp with one file defining suiteEngine() for a real server.
namespace ferry::testing {

class SqlEngine {
 public:
  virtual ~SqlEngine() = default;
  // The connector implementation under test (not looked up in the registry, so one engine
  // builds without the others).
  virtual agent::connectors::ConnectorImpl impl() const = 0;
  // Connection settings with the password as {"$secret": "db-password"} (or none).
  virtual ferry::Json settings() const = 0;
  virtual std::string password() const { return ""; }

  // Runs setup SQL (DDL, test data) outside the connector under test.
  virtual void exec(const std::string& sql) = 0;

  // Column types of the suite's tables.
  virtual std::string keyType() const { return "BIGINT"; }
  virtual std::string textType() const { return "VARCHAR(200)"; }
  virtual std::string decimalType() const { return "DECIMAL(38,10)"; }
  virtual std::string timestampType() const = 0;
  virtual std::string boolType() const { return "BOOLEAN"; }
  virtual std::string binaryType() const = 0;

  // How values written by an import read back through an export.
  virtual ferry::Json timestampReadBack(const std::string& utcIso) const = 0;
  virtual ferry::Json boolReadBack(bool value) const { return value; }
  virtual ferry::Json decimalReadBack(const std::string& written) const = 0;

  // SQL literals for setup statements.
  virtual std::string timestampLiteral(const std::string& utcIso) const = 0;
  virtual std::string binaryLiteral(const std::string& hex) const { return "X'" + hex + "'"; }
  // Settings that point at nothing listening (null: the engine has no network).
  virtual ferry::Json unreachableSettings() const { return nullptr; }
};

// Defined once per engine test binary; the server starts on first use and lives until
// the binary exits.
SqlEngine& suiteEngine();

}  // namespace ferry::testing
