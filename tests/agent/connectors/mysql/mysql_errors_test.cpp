#include "agent/connectors/mysql/mysql_errors.h"

#include <gtest/gtest.h>

namespace ferry::agent::connectors::mysql {
namespace {

StatusCode code(unsigned errnum, const char* state = "HY000") {
  return errorStatus(errnum, state, "text", "what").code();
}

TEST(MysqlErrors, ClassifiesWhatTheCallerShouldDo) {
  for (unsigned e : {1062u, 1048u, 1264u, 1366u, 1406u, 1451u, 1452u, 4025u}) {
    EXPECT_EQ(code(e), StatusCode::kInvalidArgument) << e;
  }
  EXPECT_EQ(code(9999, "23000"), StatusCode::kInvalidArgument);
  EXPECT_EQ(code(9999, "22003"), StatusCode::kInvalidArgument);
  for (unsigned e : {2006u, 2013u, 2002u, 2003u, 1927u, 1053u}) {
    EXPECT_EQ(code(e), StatusCode::kUnavailable) << e;
  }
  EXPECT_EQ(code(1213, "40001"), StatusCode::kAborted);
  EXPECT_EQ(code(1205), StatusCode::kAborted);
  for (unsigned e : {1146u, 1054u, 1064u, 1142u, 1045u, 1049u}) {
    EXPECT_EQ(code(e), StatusCode::kFailedPrecondition) << e;
  }
  EXPECT_EQ(code(1969), StatusCode::kDeadlineExceeded);
  EXPECT_EQ(code(2014), StatusCode::kInternal);
  EXPECT_EQ(code(2026), StatusCode::kFailedPrecondition);  // TLS: untrusted certificate
}

TEST(MysqlErrors, MessageCarriesServerTextErrnoAndSqlState) {
  Status s = errorStatus(1062, "23000", "Duplicate entry '1' for key 'PRIMARY'", "inserting");
  EXPECT_EQ(s.message(),
            "mysql: inserting: Duplicate entry '1' for key 'PRIMARY' (error 1062, SQLSTATE 23000)");
  EXPECT_EQ(errorStatus(2013, "HY000", "Lost connection", "reading").message(),
            "mysql: reading: Lost connection (error 2013)");
}

}  // namespace
}  // namespace ferry::agent::connectors::mysql
