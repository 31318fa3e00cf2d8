#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "agent/connectors/sql/sql_driver.h"
#include "common/json/json.h"

// What the engines' driver tests share: open or fail the test, run a statement or fail the
// test, and read a whole result through the streaming cursor in chunks.
namespace ferry::testing::sql_driver {

using agent::connectors::sql::Params;
using agent::connectors::sql::SqlDriver;

inline std::unique_ptr<SqlDriver> mustOpen(Result<std::unique_ptr<SqlDriver>> opened) {
  EXPECT_TRUE(opened.isOk()) << opened.status().toString();
  return opened.isOk() ? std::move(*opened) : nullptr;
}

inline Result<std::vector<ferry::Json>> readAll(SqlDriver& driver, const std::string& sql,
                                                const Params& params = {},
                                                std::size_t chunk = 1000) {
  auto cursor = driver.query(sql, params, chunk);
  if (!cursor.isOk()) return cursor.status();
  std::vector<ferry::Json> rows;
  for (;;) {
    auto more = (*cursor)->fetch(chunk, rows);
    if (!more.isOk()) return more.status();
    if (!*more) break;
  }
  return rows;
}

inline void mustExecute(SqlDriver& driver, const std::string& sql, const Params& params = {}) {
  auto r = driver.execute(sql, params);
  ASSERT_TRUE(r.isOk()) << sql << ": " << r.status().toString();
}

}  // namespace ferry::testing::sql_driver
