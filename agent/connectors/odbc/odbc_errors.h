#pragma once

#include <sql.h>

#include <string>
#include <string_view>

#include "common/status/status.h"

namespace ferry::agent::connectors::odbc {

// The Status for a failed ODBC call on `handle`, from its diagnostic records (SQLSTATE of the
// first record): 08 kUnavailable, 22/23 kInvalidArgument, 40001/40P01 kAborted,
// 42/28/3D kFailedPrecondition, HYT00/HYT01 kDeadlineExceeded. The message is
// "odbc: <what>: <driver text> (SQLSTATE <state>)", every record's text joined.
Status diagnosticStatus(SQLSMALLINT handleType, SQLHANDLE handle, std::string_view what);

// The classification alone, for a SQLSTATE known otherwise.
StatusCode classifySqlState(std::string_view sqlstate);

// True for SQL_SUCCESS and SQL_SUCCESS_WITH_INFO.
inline bool succeeded(SQLRETURN rc) {
  return rc == SQL_SUCCESS || rc == SQL_SUCCESS_WITH_INFO;
}

}  // namespace ferry::agent::connectors::odbc
