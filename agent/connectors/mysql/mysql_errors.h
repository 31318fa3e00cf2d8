#pragma once

#include <mysql.h>

#include <string>
#include <string_view>

#include "common/status/status.h"

namespace ferry::agent::connectors::mysql {

// The Status for a MySQL/MariaDB error (sql_driver.h lists what each code asks of the
// caller): refused data kInvalidArgument, a broken statement or missing permission
// kFailedPrecondition, a lost or unreachable server kUnavailable, deadlock and lock wait
// kAborted, statement timeouts kDeadlineExceeded. The message is
// "mysql: <what>: <server text> (error <errno>, SQLSTATE <state>)".
Status errorStatus(unsigned int errnum, std::string_view sqlstate, std::string_view text,
                   std::string_view what);
Status connectionError(MYSQL* db, std::string_view what);
Status statementError(MYSQL_STMT* stmt, std::string_view what);

}  // namespace ferry::agent::connectors::mysql
