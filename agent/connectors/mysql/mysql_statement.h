#pragma once

#include <mysql.h>

#include <memory>
#include <string>

#include "agent/connectors/sql/sql_driver.h"
#include "common/status/result.h"

// Prepared statements on a MYSQL handle: parameters bound by type, rows read unbuffered in
// the binary protocol and decoded into faithful JSON (docs/connector-sql.md "mysql").
namespace ferry::agent::connectors::mysql {

struct StmtCloser {
  void operator()(MYSQL_STMT* stmt) const { mysql_stmt_close(stmt); }
};
using StmtPtr = std::unique_ptr<MYSQL_STMT, StmtCloser>;

// Prepares `sql`, binds `params` in order and executes it. Strings that are ISO-8601
// timestamps with a zone ("…Z", "…+02:00") bind as the UTC DATETIME they name, since
// MySQL refuses zone suffixes in temporal columns; all other values bind as their JSON
// type (objects and arrays as JSON text). A result set, if any, is left unread.
Result<StmtPtr> runPrepared(MYSQL* db, const std::string& sql, const sql::Params& params);

// Streams the rows of an executed statement. The statement holds the connection until the
// cursor is destroyed (closing it discards the rows not read).
Result<std::unique_ptr<sql::RowCursor>> makeCursor(StmtPtr stmt);

}  // namespace ferry::agent::connectors::mysql
