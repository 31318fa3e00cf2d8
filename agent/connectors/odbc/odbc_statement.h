#pragma once

#include <sql.h>

#include <cstdint>
#include <memory>
#include <string>

#include "agent/connectors/sql/sql_driver.h"
#include "common/status/result.h"

// Statements on an ODBC connection handle: parameters bound by type (text as UTF-16), rows
// read with SQLFetch/SQLGetData into faithful JSON (docs/connector-sql.md "odbc").
namespace ferry::agent::connectors::odbc {

struct StmtFree {
  using pointer = SQLHSTMT;
  void operator()(SQLHSTMT stmt) const { SQLFreeHandle(SQL_HANDLE_STMT, stmt); }
};
using StmtPtr = std::unique_ptr<void, StmtFree>;

struct Executed {
  StmtPtr stmt;
  bool noData = false;  // SQL_NO_DATA: a searched UPDATE or DELETE that matched nothing
};

// Allocates a statement on `dbc`, binds `params` in order and runs `sql`.
Result<Executed> runStatement(SQLHDBC dbc, const std::string& sql, const sql::Params& params);

// SQLRowCount of a statement that changed rows (0 for none or unknown).
Result<std::int64_t> changedRows(const Executed& executed);

struct ReadOptions {
  // The session's time zone is UTC and the DBMS names zoned columns (PostgreSQL
  // "timestamptz"): those values get a "Z".
  bool zonedTimestampsUtc = false;
};

// Streams the result set of an executed statement; an empty cursor when it has none.
Result<std::unique_ptr<sql::RowCursor>> makeCursor(Executed executed, ReadOptions options);

}  // namespace ferry::agent::connectors::odbc
