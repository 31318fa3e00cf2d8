#include "agent/connectors/odbc/odbc_errors.h"

#include <sqlext.h>

#include <algorithm>
#include <iterator>

#include "agent/connectors/odbc/odbc_text.h"

namespace ferry::agent::connectors::odbc {

StatusCode classifySqlState(std::string_view s) {
  if (s.size() != 5) return StatusCode::kFailedPrecondition;
  const std::string_view cls = s.substr(0, 2);
  if (cls == "08") return StatusCode::kUnavailable;  // connection exceptions
  if (cls == "22" || cls == "23") return StatusCode::kInvalidArgument;
  if (s == "40001" || s == "40P01") return StatusCode::kAborted;
  if (s == "HYT00" || s == "HYT01") return StatusCode::kDeadlineExceeded;
  // PostgreSQL: the server is shutting down or starting (57P01-57P03), out of resources.
  if (s == "57P01" || s == "57P02" || s == "57P03" || cls == "53") return StatusCode::kUnavailable;
  if (s == "57014" || s == "HY008") return StatusCode::kAborted;  // statement cancelled
  // Syntax, unknown objects, permissions (42), authentication (28), unknown database (3D),
  // driver manager problems such as a missing driver (IM), and the rest.
  return StatusCode::kFailedPrecondition;
}

Status diagnosticStatus(SQLSMALLINT handleType, SQLHANDLE handle, std::string_view what) {
  std::string first;
  std::string text;
  for (SQLSMALLINT record = 1; record <= 10; ++record) {
    SQLWCHAR state[6] = {};
    SQLINTEGER native = 0;
    SQLWCHAR message[1024];
    SQLSMALLINT length = 0;
    const SQLRETURN rc = SQLGetDiagRecW(handleType, handle, record, state, &native, message,
                                        static_cast<SQLSMALLINT>(std::size(message)), &length);
    if (!succeeded(rc)) break;
    const std::string sqlstate = toUtf8(state, 5);
    // Some drivers report the length in bytes: trust the terminator within the buffer.
    std::size_t units =
        std::min<std::size_t>(static_cast<std::size_t>(length), std::size(message) - 1);
    message[units] = 0;
    for (std::size_t i = 0; i < units; ++i) {
      if (message[i] == 0) units = i;
    }
    // One line per record: PostgreSQL's DETAIL and HINT lines follow its message.
    std::string line;
    for (char c : toUtf8(message, units)) {
      const bool space = c == '\n' || c == '\r' || c == '\t' || c == ' ';
      if (space && (line.empty() || line.back() == ' ')) continue;
      line += space ? ' ' : c;
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    if (first.empty()) first = sqlstate;
    if (!text.empty()) text += "; ";
    text += line;
  }
  if (first.empty()) {
    return Status::unavailable("odbc: " + std::string(what) +
                               ": the driver reported an error "
                               "without diagnostics");
  }
  return Status(classifySqlState(first),
                "odbc: " + std::string(what) + ": " + text + " (SQLSTATE " + first + ")");
}

}  // namespace ferry::agent::connectors::odbc
