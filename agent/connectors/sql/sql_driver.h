#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/json/json.h"
#include "common/status/result.h"

// One open connection to a SQL database, as the shared SQL connector logic (sql_source,
// sql_destination, sql_lookup) needs it. One implementation per engine, each in its
// connector's folder (sqlite/, postgresql/, mysql/, odbc/): sessions are opened through
// Poco::Data, and the data path uses the engine's client API on the session's handle where
// Poco::Data would lose type fidelity or stream badly (docs/decisions/0004-sql-connectors.md).
//
// Status codes a driver returns, so the shared logic can classify outcomes:
//   kInvalidArgument     the data was refused (constraint, type, value out of range):
//                        a page is retried row by row, each refused row a per-record error
//   kFailedPrecondition  the statement cannot work (syntax, unknown table or column,
//                        permission): fatal until someone fixes the definition or database
//   kUnavailable         connection lost or server not reachable: retry later (reconnect)
//   kAborted             deadlock or serialization failure: retry the transaction
//   kDeadlineExceeded    a timeout
// Messages carry the database's own text (and SQLSTATE where the engine has one), never
// parameter values' secrets: connection strings are not part of any message.
namespace ferry::agent::connectors::sql {

// Values bound to placeholders, in order: JSON null, boolean, integer, number and string
// bind as such; objects and arrays bind as their JSON text.
using Params = std::vector<ferry::Json>;

// A streaming result. Rows are JSON objects keyed by column name with faithful types
// (docs/connector-sql.md "Types"): integers, decimals as strings, booleans, null,
// timestamps as ISO-8601 (with offset where the column has a zone), text, binary as base64.
class RowCursor {
 public:
  virtual ~RowCursor() = default;
  // Appends up to `max` rows to `out`; returns false once the result is exhausted (rows
  // may still have been appended by that call).
  virtual Result<bool> fetch(std::size_t max, std::vector<ferry::Json>& out) = 0;
};

// How an engine expresses "insert or update on key".
enum class UpsertStyle {
  kOnConflict,        // INSERT … ON CONFLICT (keys) DO UPDATE SET c = excluded.c
  kOnDuplicateKey,    // INSERT … ON DUPLICATE KEY UPDATE c = VALUES(c)   (MySQL/MariaDB)
  kUpdateThenInsert,  // UPDATE …; when no row matched, INSERT …          (portable: ODBC)
};

// Rows of one shape written in one go (all rows have exactly `columns`, in that order).
struct BulkWrite {
  std::string table;                 // quoted, possibly schema-qualified
  std::vector<std::string> columns;  // unquoted names, validated
  std::vector<std::string> keys;     // unquoted key columns (upsert); empty for insert
  bool upsert = false;
  // Objects whose keys are exactly `columns` (nlohmann objects iterate in that sorted order).
  const std::vector<const ferry::Json*>* rows = nullptr;
};

class SqlDriver {
 public:
  virtual ~SqlDriver() = default;

  virtual std::string_view engine() const = 0;  // "postgresql", for messages
  // Placeholder for the parameter at 0-based `index` ("$1" for PostgreSQL, "?" elsewhere).
  virtual std::string placeholder(std::size_t index) const = 0;
  // Quotes one identifier part (already validated by sql_names.h).
  virtual std::string quoteIdentifier(std::string_view part) const = 0;
  virtual UpsertStyle upsertStyle() const = 0;
  // The most placeholders one statement may carry.
  virtual std::size_t maxParameters() const = 0;

  virtual Status begin() = 0;
  virtual Status commit() = 0;
  virtual Status rollback() = 0;
  // Drops the connection and opens it again (after kUnavailable).
  virtual Status reconnect() = 0;

  // Runs one statement with bound parameters; returns the number of rows it changed.
  virtual Result<std::int64_t> execute(const std::string& sql, const Params& params) = 0;
  // Starts a streaming read of a SELECT. One cursor at a time per driver; destroy it before
  // the next statement. `fetchSize` is how many rows the engine should transfer at once.
  virtual Result<std::unique_ptr<RowCursor>> query(const std::string& sql, const Params& params,
                                                   std::size_t fetchSize) = 0;
  // Runs a query whose result is small (a checkpoint, a page's lookup rows) and returns all
  // its rows. The default reads through query(); engines with a cheaper one-shot path
  // (PostgreSQL: no cursor round trips) override it.
  virtual Result<std::vector<ferry::Json>> queryAll(const std::string& sql, const Params& params);
  // The fast path for a page: multi-row INSERT (… upsert) statements by default; engines
  // with a faster bulk interface (PostgreSQL COPY) override it. Runs inside the caller's
  // transaction.
  virtual Status bulkWrite(const BulkWrite& write);

  // SAVEPOINT / RELEASE / ROLLBACK TO, through execute().
  Status savepoint(const std::string& name);
  Status releaseSavepoint(const std::string& name);
  Status rollbackToSavepoint(const std::string& name);

  // "INSERT INTO t (a, b) VALUES (…), (…)" for `rowCount` rows, plus the upsert clause of
  // upsertStyle() when `keys` is not empty (kOnConflict, kOnDuplicateKey).
  std::string insertSql(const std::string& quotedTable, const std::vector<std::string>& columns,
                        std::size_t rowCount, const std::vector<std::string>& upsertKeys) const;
  // " ON CONFLICT (k) DO UPDATE SET c = excluded.c" / " ON DUPLICATE KEY UPDATE …" for
  // upsertStyle(); empty for kUpdateThenInsert.
  std::string upsertClause(const std::vector<std::string>& columns,
                           const std::vector<std::string>& keys) const;
};

}  // namespace ferry::agent::connectors::sql
