// The odbc driver through psqlODBC on a real PostgreSQL server: types, streaming, binding,
// errors, transactions, connection strings.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "agent/connectors/odbc/odbc_driver.h"
#include "tests/agent/connectors/odbc/odbc_engine.h"
#include "tests/agent/connectors/sql/driver_test_util.h"

namespace ferry::testing {
namespace {

using agent::connectors::openOdbcDriver;
using agent::connectors::sql::Params;
using agent::connectors::sql::SqlDriver;
using json = ferry::Json;

using sql_driver::mustExecute;
using sql_driver::readAll;

std::unique_ptr<SqlDriver> mustOpen(json settings = odbcTestSettings()) {
  return sql_driver::mustOpen(openOdbcDriver(settings));
}

TEST(OdbcDriver, ReadsEveryTypeFaithfully) {
  auto db = mustOpen();
  ASSERT_TRUE(db);
  mustExecute(*db, "DROP TABLE IF EXISTS d_types");
  mustExecute(*db,
              "CREATE TABLE d_types (id INT PRIMARY KEY, si SMALLINT, big BIGINT, "
              "num NUMERIC(38,10), r REAL, d DOUBLE PRECISION, flag BOOLEAN, day DATE, "
              "tm TIME(3), ts TIMESTAMP(6), tz TIMESTAMPTZ, txt TEXT, vc VARCHAR(20), "
              "bin BYTEA, js JSON, jb JSONB, u UUID)");
  const std::string longText = std::string(100000, 'L') + "🚀";
  mustExecute(*db,
              "INSERT INTO d_types VALUES (1, -32768, -9223372036854775808, "
              "1234567890123456789012345678.1234567890, 0.1, 0.1, TRUE, '2026-02-28', "
              "'23:59:58.5', '2026-01-02 03:04:05.123456', '2026-03-29 02:30:00+02', ?, "
              "'naïve 🚀 日本', '\\x00ff10'::bytea, '{\"a\": [1, 2.5, null]}', '{\"b\": \"x\"}', "
              "'6f1c2d8e-0000-4000-8000-000000000001')",
              {json(longText)});
  mustExecute(*db, "INSERT INTO d_types (id) VALUES (2)");

  auto rows = readAll(*db, "SELECT * FROM d_types ORDER BY id");
  ASSERT_TRUE(rows.isOk()) << rows.status().toString();
  ASSERT_EQ(rows->size(), 2u);
  const json& r = (*rows)[0];
  EXPECT_EQ(r["si"], json(-32768));
  EXPECT_EQ(r["big"], json(INT64_MIN));
  EXPECT_EQ(r["num"], json("1234567890123456789012345678.1234567890"));
  EXPECT_EQ(r["r"], json(0.1));
  EXPECT_EQ(r["d"], json(0.1));
  EXPECT_EQ(r["flag"], json(true));
  EXPECT_EQ(r["day"], json("2026-02-28"));
  EXPECT_EQ(r["tm"], json("23:59:58.5"));
  EXPECT_EQ(r["ts"], json("2026-01-02T03:04:05.123456"));
  EXPECT_EQ(r["tz"], json("2026-03-29T00:30:00.000000Z"));
  EXPECT_EQ(r["txt"], json(longText));
  EXPECT_EQ(r["vc"], json("naïve 🚀 日本"));
  EXPECT_EQ(r["bin"], json("AP8Q"));
  // psqlODBC names json and jsonb "unknown": they arrive as the server's text.
  EXPECT_EQ(r["js"], json("{\"a\": [1, 2.5, null]}"));
  EXPECT_EQ(r["jb"], json("{\"b\": \"x\"}"));
  EXPECT_EQ(r["u"], json("6F1C2D8E-0000-4000-8000-000000000001"));  // psqlODBC's SQL_GUID text
  for (const auto& [name, value] : (*rows)[1].items()) {
    if (name != "id") {
      EXPECT_TRUE(value.is_null()) << name << " = " << value;
    }
  }
}

TEST(OdbcDriver, BindsEachJsonType) {
  auto db = mustOpen();
  ASSERT_TRUE(db);
  mustExecute(*db, "DROP TABLE IF EXISTS d_bind");
  mustExecute(*db,
              "CREATE TABLE d_bind (id BIGINT PRIMARY KEY, x DOUBLE PRECISION, flag BOOLEAN, "
              "s TEXT, num NUMERIC(38,10), tz TIMESTAMPTZ, ts TIMESTAMP(3), js JSONB)");
  mustExecute(*db, "INSERT INTO d_bind VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
              {json(INT64_MAX), json(2.5), json(true), json("🚀 text"),
               json("-9999999999999999999999999999.9999999999"), json("2026-03-29T02:30:00+02:00"),
               json("2026-03-29T02:30:00.25"), json{{"k", {1, 2}}}});
  mustExecute(*db, "INSERT INTO d_bind (id, x, flag, s) VALUES (?, ?, ?, ?)",
              {json(1), json(nullptr), json(false), json(nullptr)});
  auto rows = readAll(*db, "SELECT * FROM d_bind ORDER BY id");
  ASSERT_TRUE(rows.isOk()) << rows.status().toString();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0], (json{{"id", 1},
                              {"x", nullptr},
                              {"flag", false},
                              {"s", nullptr},
                              {"num", nullptr},
                              {"tz", nullptr},
                              {"ts", nullptr},
                              {"js", nullptr}}));
  const json& r = (*rows)[1];
  EXPECT_EQ(r["id"], json(INT64_MAX));
  EXPECT_EQ(r["x"], json(2.5));
  EXPECT_EQ(r["flag"], json(true));
  EXPECT_EQ(r["s"], json("🚀 text"));
  EXPECT_EQ(r["num"], json("-9999999999999999999999999999.9999999999"));
  EXPECT_EQ(r["tz"], json("2026-03-29T00:30:00.000000Z"));
  EXPECT_EQ(r["ts"], json("2026-03-29T02:30:00.250"));
  EXPECT_EQ(r["js"], json("{\"k\": [1, 2]}"));  // bound as JSON text, read back as text

  // Values read back bind as watermarks and compare as the instant they name.
  auto same = readAll(*db, "SELECT id FROM d_bind WHERE tz >= ? AND ts >= ?", {r["tz"], r["ts"]});
  ASSERT_TRUE(same.isOk()) << same.status().toString();
  EXPECT_EQ(same->size(), 1u);
  auto after = readAll(*db, "SELECT id FROM d_bind WHERE tz > ?", {r["tz"]});
  ASSERT_TRUE(after.isOk()) << after.status().toString();
  EXPECT_TRUE(after->empty());
}

TEST(OdbcDriver, StreamsAHundredThousandRowsInChunks) {
  auto db = mustOpen();
  ASSERT_TRUE(db);
  auto cursor = db->query(
      "SELECT g AS id, repeat('x', 100) AS pad FROM generate_series(1, 100000) g", {}, 777);
  ASSERT_TRUE(cursor.isOk()) << cursor.status().toString();
  std::int64_t expected = 1;
  std::size_t chunks = 0;
  for (;;) {
    std::vector<json> rows;
    auto more = (*cursor)->fetch(777, rows);
    ASSERT_TRUE(more.isOk()) << more.status().toString();
    ASSERT_LE(rows.size(), 777u);
    if (!rows.empty()) ++chunks;
    for (const auto& row : rows) ASSERT_EQ(row["id"].get<std::int64_t>(), expected++);
    if (!*more) break;
  }
  EXPECT_EQ(expected, 100001);
  EXPECT_EQ(chunks, (100000 + 776) / 777);
}

TEST(OdbcDriver, BoundValuesNeverBecomeSql) {
  auto db = mustOpen();
  ASSERT_TRUE(db);
  mustExecute(*db, "DROP TABLE IF EXISTS d_inject");
  mustExecute(*db, "CREATE TABLE d_inject (id INT PRIMARY KEY, name TEXT)");
  const std::string evil = "'; DROP TABLE d_inject; --";
  const std::string quotes = "\\'\" ? $1 {fn x}";
  mustExecute(*db, "INSERT INTO d_inject VALUES (?, ?), (?, ?)",
              {json(1), json(evil), json(2), json(quotes)});
  auto rows = readAll(*db, "SELECT id FROM d_inject WHERE name = ? OR name = ? ORDER BY id",
                      {json(evil), json(quotes)});
  ASSERT_TRUE(rows.isOk()) << rows.status().toString();
  EXPECT_EQ(*rows, (std::vector<json>{{{"id", 1}}, {{"id", 2}}}));
  EXPECT_EQ(db->quoteIdentifier("we\"ird"), "\"we\"\"ird\"");
}

TEST(OdbcDriver, ClassifiesServerErrors) {
  auto db = mustOpen();
  ASSERT_TRUE(db);
  mustExecute(*db, "DROP TABLE IF EXISTS d_errors");
  mustExecute(*db, "CREATE TABLE d_errors (id INT PRIMARY KEY, name VARCHAR(3) NOT NULL)");
  mustExecute(*db, "INSERT INTO d_errors VALUES (1, 'a')");

  auto dup = db->execute("INSERT INTO d_errors VALUES (?, ?)", {json(1), json("b")});
  ASSERT_FALSE(dup.isOk());
  EXPECT_EQ(dup.status().code(), StatusCode::kInvalidArgument) << dup.status().toString();
  EXPECT_NE(dup.status().message().find("DETAIL: Key (id)=(1) already exists."), std::string::npos)
      << dup.status().message();  // the DETAIL line joins the message
  EXPECT_NE(dup.status().message().find("(SQLSTATE 23505)"), std::string::npos);
  auto tooLong = db->execute("INSERT INTO d_errors VALUES (?, ?)", {json(2), json("abcd")});
  EXPECT_EQ(tooLong.status().code(), StatusCode::kInvalidArgument) << tooLong.status().toString();
  auto null = db->execute("INSERT INTO d_errors VALUES (?, ?)", {json(3), json(nullptr)});
  EXPECT_EQ(null.status().code(), StatusCode::kInvalidArgument) << null.status().toString();

  auto missing = db->query("SELECT * FROM no_such_table", {}, 10);
  ASSERT_FALSE(missing.isOk());
  EXPECT_EQ(missing.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(missing.status().message().find("42P01"), std::string::npos)
      << missing.status().message();
  EXPECT_EQ(db->execute("SELEC 1", {}).status().code(), StatusCode::kFailedPrecondition);

  // Still usable after errors outside a transaction.
  auto ok = readAll(*db, "SELECT count(*) AS n FROM d_errors");
  ASSERT_TRUE(ok.isOk()) << ok.status().toString();
  EXPECT_EQ((*ok)[0]["n"], json(1));
}

TEST(OdbcDriver, AKilledConnectionIsUnavailableUntilReconnected) {
  auto db = mustOpen();
  ASSERT_TRUE(db);
  auto pid = readAll(*db, "SELECT pg_backend_pid() AS pid");
  ASSERT_TRUE(pid.isOk()) << pid.status().toString();
  odbcTestServer().psql("SELECT pg_terminate_backend(" +
                        std::to_string((*pid)[0]["pid"].get<std::int64_t>()) + ")");
  auto lost = db->execute("SELECT 1", {});
  ASSERT_FALSE(lost.isOk());
  EXPECT_EQ(lost.status().code(), StatusCode::kUnavailable) << lost.status().toString();
  ASSERT_TRUE(db->reconnect().isOk());
  auto again = readAll(*db, "SELECT current_setting('TimeZone') AS tz");
  ASSERT_TRUE(again.isOk()) << again.status().toString();
  EXPECT_EQ((*again)[0]["tz"], json("UTC"));
}

TEST(OdbcDriver, TransactionsAndSavepoints) {
  auto db = mustOpen();
  ASSERT_TRUE(db);
  mustExecute(*db, "DROP TABLE IF EXISTS d_tx");
  mustExecute(*db, "CREATE TABLE d_tx (id INT PRIMARY KEY)");
  ASSERT_TRUE(db->begin().isOk());
  mustExecute(*db, "INSERT INTO d_tx VALUES (?)", {json(1)});
  ASSERT_TRUE(db->rollback().isOk());
  ASSERT_TRUE(db->begin().isOk());
  mustExecute(*db, "INSERT INTO d_tx VALUES (?)", {json(2)});
  ASSERT_TRUE(db->savepoint("ferry_row").isOk());
  auto dup = db->execute("INSERT INTO d_tx VALUES (?)", {json(2)});
  EXPECT_EQ(dup.status().code(), StatusCode::kInvalidArgument);
  auto back = db->rollbackToSavepoint("ferry_row");
  ASSERT_TRUE(back.isOk()) << back.toString();
  ASSERT_TRUE(db->savepoint("ferry_row").isOk());
  mustExecute(*db, "INSERT INTO d_tx VALUES (?)", {json(3)});
  ASSERT_TRUE(db->releaseSavepoint("ferry_row").isOk());
  ASSERT_TRUE(db->commit().isOk());
  auto rows = readAll(*db, "SELECT id FROM d_tx ORDER BY id");
  ASSERT_TRUE(rows.isOk());
  EXPECT_EQ(*rows, (std::vector<json>{{{"id", 2}}, {{"id", 3}}}));
  // UPDATE matching nothing is zero rows changed, not an error (SQL_NO_DATA).
  auto none = db->execute("UPDATE d_tx SET id = ? WHERE id = ?", {json(9), json(99)});
  ASSERT_TRUE(none.isOk()) << none.status().toString();
  EXPECT_EQ(*none, 0);
  auto two = db->execute("UPDATE d_tx SET id = id + ? WHERE id >= ?", {json(10), json(2)});
  ASSERT_TRUE(two.isOk());
  EXPECT_EQ(*two, 2);
}

TEST(OdbcDriver, CredentialsAreQuotedAndNeverShown) {
  // A password that would end the attribute if it were not braced.
  const std::string special = "p;w}d={x";
  odbcTestServer().psql("CREATE ROLE odd LOGIN PASSWORD 'p;w}d={x'");
  json settings = odbcTestSettings();
  settings["user"] = "odd";
  settings["password"] = special;
  auto odd = openOdbcDriver(settings);
  ASSERT_TRUE(odd.isOk()) << odd.status().toString();

  settings["password"] = "not-the-password";
  auto refused = openOdbcDriver(settings);
  ASSERT_FALSE(refused.isOk());
  EXPECT_EQ(refused.status().message().find("not-the-password"), std::string::npos)
      << refused.status().message();
  EXPECT_NE(refused.status().message().find("password authentication failed"), std::string::npos)
      << refused.status().message();
  EXPECT_NE(refused.status().message().find("(SQLSTATE 08001)"), std::string::npos);

  json inString = odbcTestSettings();
  inString["connectionString"] = odbcTestConnectionString() + "PWD=x;";
  auto twice = openOdbcDriver(inString);
  ASSERT_FALSE(twice.isOk());
  EXPECT_EQ(twice.status().code(), StatusCode::kInvalidArgument);

  json empty = odbcTestSettings();
  empty["connectionString"] = " ; ";
  EXPECT_EQ(openOdbcDriver(empty).status().code(), StatusCode::kInvalidArgument);

  json noDriver = odbcTestSettings();
  noDriver["connectionString"] = "Driver={No Such Driver};Server=127.0.0.1";
  auto missingDriver = openOdbcDriver(noDriver);
  ASSERT_FALSE(missingDriver.isOk());
  EXPECT_EQ(missingDriver.status().code(), StatusCode::kFailedPrecondition)
      << missingDriver.status().toString();
}

}  // namespace
}  // namespace ferry::testing
