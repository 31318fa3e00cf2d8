#include "agent/connectors/mysql/mysql_errors.h"

#include <errmsg.h>

#include <algorithm>
#include <iterator>

namespace ferry::agent::connectors::mysql {

namespace {

template <std::size_t N>
bool among(unsigned int errnum, const unsigned int (&codes)[N]) {
  return std::find(std::begin(codes), std::end(codes), errnum) != std::end(codes);
}

// Refused data: duplicate key, NULL into NOT NULL, out of range, bad or truncated value,
// too long, foreign keys, CHECK constraints (MariaDB 4025, MySQL 3819).
constexpr unsigned int kRefusedData[] = {1062, 1048, 1263, 1264, 1265, 1292, 1366, 1367, 1406,
                                         1411, 1451, 1452, 1216, 1217, 1690, 3819, 4025};
// The server or the link went away, refuses connections for now, is shutting down or
// read-only (a failover in progress).
constexpr unsigned int kUnreachable[] = {CR_SERVER_GONE_ERROR,
                                         CR_SERVER_LOST,
                                         CR_CONNECTION_ERROR,
                                         CR_CONN_HOST_ERROR,
                                         CR_UNKNOWN_HOST,
                                         CR_SERVER_LOST_EXTENDED,
                                         1040,
                                         1053,
                                         1152,
                                         1158,
                                         1159,
                                         1160,
                                         1161,
                                         1184,
                                         1290,
                                         1927};
// Deadlock, lock wait timeout, query interrupted (KILL QUERY): retry the transaction.
constexpr unsigned int kConflict[] = {1213, 1205, 1317};
// MariaDB max_statement_time, MySQL max_execution_time.
constexpr unsigned int kTimeout[] = {1969, 3024};
// Client library misuse: a bug in this driver, never the data's fault.
constexpr unsigned int kMisuse[] = {CR_COMMANDS_OUT_OF_SYNC, CR_NO_PREPARE_STMT,
                                    CR_PARAMS_NOT_BOUND,     CR_INVALID_PARAMETER_NO,
                                    CR_INVALID_BUFFER_USE,   CR_UNSUPPORTED_PARAM_TYPE};

StatusCode classify(unsigned int errnum, std::string_view sqlstate) {
  if (among(errnum, kRefusedData)) return StatusCode::kInvalidArgument;
  if (among(errnum, kUnreachable)) return StatusCode::kUnavailable;
  if (among(errnum, kConflict)) return StatusCode::kAborted;
  if (among(errnum, kTimeout)) return StatusCode::kDeadlineExceeded;
  if (among(errnum, kMisuse)) return StatusCode::kInternal;
  if (sqlstate.size() == 5) {
    const std::string_view cls = sqlstate.substr(0, 2);
    if (cls == "22" || cls == "23") return StatusCode::kInvalidArgument;
    if (cls == "08") return StatusCode::kUnavailable;
    if (sqlstate == "40001") return StatusCode::kAborted;
  }
  // A TLS failure (an untrusted certificate, no common protocol) needs a person; other
  // client-side errors (2000-2999) are about reaching the server.
  if (errnum == CR_SSL_CONNECTION_ERROR) return StatusCode::kFailedPrecondition;
  if (errnum >= CR_MIN_ERROR && errnum <= CR_MAX_ERROR) return StatusCode::kUnavailable;
  // Syntax, unknown table or column (1146, 1054, 1064), permissions (1142, 1044, 1045),
  // unknown database (1049), statements that cannot be prepared (1295), and the rest.
  return StatusCode::kFailedPrecondition;
}

}  // namespace

Status errorStatus(unsigned int errnum, std::string_view sqlstate, std::string_view text,
                   std::string_view what) {
  std::string message = "mysql: " + std::string(what) + ": " + std::string(text) + " (error " +
                        std::to_string(errnum);
  if (!sqlstate.empty() && sqlstate != "00000" && sqlstate != "HY000") {
    message += ", SQLSTATE " + std::string(sqlstate);
  }
  message += ')';
  return Status(classify(errnum, sqlstate), std::move(message));
}

Status connectionError(MYSQL* db, std::string_view what) {
  return errorStatus(mysql_errno(db), mysql_sqlstate(db), mysql_error(db), what);
}

Status statementError(MYSQL_STMT* stmt, std::string_view what) {
  return errorStatus(mysql_stmt_errno(stmt), mysql_stmt_sqlstate(stmt), mysql_stmt_error(stmt),
                     what);
}

}  // namespace ferry::agent::connectors::mysql
