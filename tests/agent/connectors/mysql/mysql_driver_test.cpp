// The mysql driver on a real MariaDB server: types, streaming, binding, errors, sessions.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "agent/connectors/mysql/mysql_driver.h"
#include "agent/connectors/sql/sql_source.h"
#include "tests/agent/connectors/mysql/mysql_engine.h"
#include "tests/agent/connectors/sql/driver_test_util.h"

namespace ferry::testing {
namespace {

using agent::connectors::openMysqlDriver;
using agent::connectors::sql::Params;
using agent::connectors::sql::SqlDriver;
using json = ferry::Json;

using sql_driver::mustExecute;
using sql_driver::readAll;

std::unique_ptr<SqlDriver> mustOpen(json settings = mysqlTestSettings()) {
  return sql_driver::mustOpen(openMysqlDriver(settings));
}

TEST(MysqlDriver, ReadsEveryTypeFaithfully) {
  auto db = mustOpen();
  ASSERT_TRUE(db);
  mustExecute(*db, "DROP TABLE IF EXISTS d_types");
  mustExecute(*db,
              "CREATE TABLE d_types (id INT PRIMARY KEY, ti TINYINT, si SMALLINT, mi MEDIUMINT, "
              "big BIGINT, ubig BIGINT UNSIGNED, yr YEAR, b1 BIT(1), b10 BIT(10), flag BOOLEAN, "
              "f FLOAT, d DOUBLE, dec38 DECIMAL(38,10), dec65 DECIMAL(65,30), day DATE, "
              "tm TIME(3), dt DATETIME, dt6 DATETIME(6), ts TIMESTAMP(6) NULL, ch CHAR(3), "
              "vc VARCHAR(50), txt LONGTEXT, bin VARBINARY(8), blb LONGBLOB, js JSON, "
              "en ENUM('a','b'), st SET('x','y'))");
  const std::string longText(200000, 'L');
  const std::string emoji = "naïve 🚀 日本";
  mustExecute(*db,
              "INSERT INTO d_types VALUES (1, -128, -32768, -8388608, -9223372036854775808, "
              "18446744073709551615, 2026, b'1', b'1000000001', TRUE, 0.1, 0.1, "
              "1234567890123456789012345678.1234567890, "
              "12345678901234567890123456789012345.123456789012345678901234567890, "
              "'2026-02-28', '-838:59:58.5', '2026-01-02 03:04:05', "
              "'2026-01-02 03:04:05.123456', '2026-01-02 03:04:05.5', 'abc', ?, ?, "
              "X'00FF10', X'DEADBEEF', '{\"a\": [1, 2.5, null], \"b\": \"x\"}', 'b', 'x,y')",
              {emoji, longText});
  mustExecute(*db, "INSERT INTO d_types (id) VALUES (2)");

  auto rows = readAll(*db, "SELECT * FROM d_types ORDER BY id");
  ASSERT_TRUE(rows.isOk()) << rows.status().toString();
  ASSERT_EQ(rows->size(), 2u);
  const json& r = (*rows)[0];
  EXPECT_EQ(r["ti"], json(-128));
  EXPECT_EQ(r["si"], json(-32768));
  EXPECT_EQ(r["mi"], json(-8388608));
  EXPECT_EQ(r["big"], json(INT64_MIN));
  EXPECT_EQ(r["ubig"], json(UINT64_MAX));
  EXPECT_EQ(r["yr"], json(2026));
  EXPECT_EQ(r["b1"], json(1));
  EXPECT_EQ(r["b10"], json(513));
  EXPECT_EQ(r["flag"], json(1));
  EXPECT_EQ(r["f"], json(0.1));
  EXPECT_EQ(r["d"], json(0.1));
  EXPECT_EQ(r["dec38"], json("1234567890123456789012345678.1234567890"));
  EXPECT_EQ(r["dec65"], json("12345678901234567890123456789012345.123456789012345678901234567890"));
  EXPECT_EQ(r["day"], json("2026-02-28"));
  EXPECT_EQ(r["tm"], json("-838:59:58.500"));
  EXPECT_EQ(r["dt"], json("2026-01-02T03:04:05"));
  EXPECT_EQ(r["dt6"], json("2026-01-02T03:04:05.123456"));
  EXPECT_EQ(r["ts"], json("2026-01-02T03:04:05.500000Z"));
  EXPECT_EQ(r["ch"], json("abc"));
  EXPECT_EQ(r["vc"], json(emoji));
  EXPECT_EQ(r["txt"], json(longText));
  EXPECT_EQ(r["bin"], json("AP8Q"));
  EXPECT_EQ(r["blb"], json("3q2+7w=="));
  EXPECT_EQ(r["js"], (json{{"a", {1, 2.5, nullptr}}, {"b", "x"}}));
  EXPECT_EQ(r["en"], json("b"));
  EXPECT_EQ(r["st"], json("x,y"));
  for (const auto& [name, value] : (*rows)[1].items()) {
    if (name != "id") {
      EXPECT_TRUE(value.is_null()) << name << " = " << value;
    }
  }
}

TEST(MysqlDriver, BindsEachJsonTypeAndZonedTimestampsAsUtc) {
  auto db = mustOpen();
  ASSERT_TRUE(db);
  mustExecute(*db, "DROP TABLE IF EXISTS d_bind");
  mustExecute(*db,
              "CREATE TABLE d_bind (id BIGINT UNSIGNED PRIMARY KEY, n BIGINT, x DOUBLE, "
              "flag BOOLEAN, s VARCHAR(100), dec38 DECIMAL(38,10), ts TIMESTAMP(6) NULL, "
              "dt DATETIME(3), js JSON)");
  mustExecute(*db, "INSERT INTO d_bind VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
              {json(UINT64_MAX), json(-42), json(2.5), json(true), json("🚀 text"),
               json("-99999999999999999999999999.9999999999"), json("2026-03-29T02:30:00+02:00"),
               json("2026-03-29T02:30:00.25Z"), json{{"k", {1, 2}}}});
  mustExecute(*db, "INSERT INTO d_bind (id, n, flag, s) VALUES (?, ?, ?, ?)",
              {json(1), json(nullptr), json(false), json(nullptr)});
  auto rows = readAll(*db, "SELECT * FROM d_bind ORDER BY id");
  ASSERT_TRUE(rows.isOk()) << rows.status().toString();
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0], (json{{"id", 1},
                              {"n", nullptr},
                              {"x", nullptr},
                              {"flag", 0},
                              {"s", nullptr},
                              {"dec38", nullptr},
                              {"ts", nullptr},
                              {"dt", nullptr},
                              {"js", nullptr}}));
  const json& r = (*rows)[1];
  EXPECT_EQ(r["id"], json(UINT64_MAX));
  EXPECT_EQ(r["n"], json(-42));
  EXPECT_EQ(r["x"], json(2.5));
  EXPECT_EQ(r["flag"], json(1));
  EXPECT_EQ(r["s"], json("🚀 text"));
  EXPECT_EQ(r["dec38"], json("-99999999999999999999999999.9999999999"));
  EXPECT_EQ(r["ts"], json("2026-03-29T00:30:00.000000Z"));
  EXPECT_EQ(r["dt"], json("2026-03-29T02:30:00.250"));
  EXPECT_EQ(r["js"], (json{{"k", {1, 2}}}));

  // Values bound back (a watermark) compare as the instant or wall time they name.
  auto later = readAll(*db, "SELECT id FROM d_bind WHERE ts >= ? AND dt >= ?",
                       {json("2026-03-29T00:30:00.000000Z"), json("2026-03-29T02:30:00.250")});
  ASSERT_TRUE(later.isOk()) << later.status().toString();
  EXPECT_EQ(later->size(), 1u);
  auto after =
      readAll(*db, "SELECT id FROM d_bind WHERE ts > ?", {json("2026-03-29T00:30:00.000000Z")});
  ASSERT_TRUE(after.isOk());
  EXPECT_TRUE(after->empty());
}

TEST(MysqlDriver, StreamsAHundredThousandRowsInChunks) {
  auto db = mustOpen();
  ASSERT_TRUE(db);
  auto cursor = db->query(
      "SELECT seq AS id, REPEAT('x', 100) AS pad FROM seq_1_to_100000 "
      "ORDER BY seq",
      {}, 777);
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

  // A cursor dropped half-way leaves the connection ready for the next statement.
  auto partial = db->query("SELECT seq FROM seq_1_to_100000", {}, 10);
  ASSERT_TRUE(partial.isOk());
  std::vector<json> some;
  ASSERT_TRUE((*partial)->fetch(10, some).isOk());
  partial->reset();
  auto one = readAll(*db, "SELECT 1 AS one");
  ASSERT_TRUE(one.isOk()) << one.status().toString();
  EXPECT_EQ((*one)[0]["one"], json(1));
}

TEST(MysqlDriver, BoundValuesNeverBecomeSql) {
  auto db = mustOpen();
  ASSERT_TRUE(db);
  mustExecute(*db, "DROP TABLE IF EXISTS d_inject");
  mustExecute(*db, "CREATE TABLE d_inject (id INT PRIMARY KEY, name VARCHAR(100))");
  const std::string evil = "'; DROP TABLE d_inject; --";
  const std::string quotes = "\\'\" ` ?";
  mustExecute(*db, "INSERT INTO d_inject VALUES (?, ?), (?, ?)",
              {json(1), json(evil), json(2), json(quotes)});
  auto rows = readAll(*db, "SELECT id FROM d_inject WHERE name = ? OR name = ? ORDER BY id",
                      {json(evil), json(quotes)});
  ASSERT_TRUE(rows.isOk()) << rows.status().toString();
  EXPECT_EQ(*rows, (std::vector<json>{{{"id", 1}}, {{"id", 2}}}));
  EXPECT_EQ(db->quoteIdentifier("we`ird"), "`we``ird`");
  auto mismatch = db->execute("SELECT ? + ?", {json(1)});
  ASSERT_FALSE(mismatch.isOk());
  EXPECT_EQ(mismatch.status().code(), StatusCode::kInvalidArgument);
}

TEST(MysqlDriver, ClassifiesServerErrors) {
  auto db = mustOpen();
  ASSERT_TRUE(db);
  mustExecute(*db, "DROP TABLE IF EXISTS d_errors");
  mustExecute(*db, "CREATE TABLE d_errors (id INT PRIMARY KEY, name VARCHAR(3) NOT NULL)");
  mustExecute(*db, "INSERT INTO d_errors VALUES (1, 'a')");

  auto dup = db->execute("INSERT INTO d_errors VALUES (?, ?)", {json(1), json("b")});
  ASSERT_FALSE(dup.isOk());
  EXPECT_EQ(dup.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(dup.status().message().find("Duplicate entry"), std::string::npos);
  EXPECT_NE(dup.status().message().find("error 1062, SQLSTATE 23000"), std::string::npos)
      << dup.status().message();
  // Strict mode is on for the session: too long is refused, never truncated.
  auto tooLong = db->execute("INSERT INTO d_errors VALUES (?, ?)", {json(2), json("abcd")});
  ASSERT_FALSE(tooLong.isOk());
  EXPECT_EQ(tooLong.status().code(), StatusCode::kInvalidArgument);
  auto null = db->execute("INSERT INTO d_errors VALUES (?, ?)", {json(3), json(nullptr)});
  EXPECT_EQ(null.status().code(), StatusCode::kInvalidArgument);
  auto notANumber = db->execute("INSERT INTO d_errors VALUES (?, ?)", {json("x"), json("c")});
  EXPECT_EQ(notANumber.status().code(), StatusCode::kInvalidArgument);

  auto missing = db->query("SELECT * FROM no_such_table", {}, 10);
  ASSERT_FALSE(missing.isOk());
  EXPECT_EQ(missing.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(missing.status().message().find("1146"), std::string::npos);
  EXPECT_EQ(db->execute("SELEC 1", {}).status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(db->execute("SELECT nope FROM d_errors WHERE id = ?", {json(1)}).status().code(),
            StatusCode::kFailedPrecondition);

  // A lock held by another session: waiting out the lock timeout means retry the page.
  auto other = mustOpen();
  ASSERT_TRUE(other);
  ASSERT_TRUE(other->begin().isOk());
  mustExecute(*other, "UPDATE d_errors SET name = 'o' WHERE id = 1");
  mustExecute(*db, "SET SESSION innodb_lock_wait_timeout = 1");
  auto locked = db->execute("UPDATE d_errors SET name = ? WHERE id = ?", {json("m"), json(1)});
  ASSERT_FALSE(locked.isOk());
  EXPECT_EQ(locked.status().code(), StatusCode::kAborted) << locked.status().toString();
  ASSERT_TRUE(other->rollback().isOk());
}

TEST(MysqlDriver, AKilledConnectionIsUnavailableUntilReconnected) {
  auto db = mustOpen();
  ASSERT_TRUE(db);
  auto id = readAll(*db, "SELECT CONNECTION_ID() AS id");
  ASSERT_TRUE(id.isOk());
  mysqlTestServer().sql("KILL " + std::to_string((*id)[0]["id"].get<std::int64_t>()));
  auto lost = db->execute("SELECT ?", {json(1)});
  ASSERT_FALSE(lost.isOk());
  EXPECT_EQ(lost.status().code(), StatusCode::kUnavailable) << lost.status().toString();
  ASSERT_TRUE(db->reconnect().isOk());
  auto again = readAll(*db, "SELECT @@session.time_zone AS tz");
  ASSERT_TRUE(again.isOk()) << again.status().toString();
  EXPECT_EQ((*again)[0]["tz"], json("+00:00"));  // the session was set up again
}

TEST(MysqlDriver, TransactionsAndSavepoints) {
  auto db = mustOpen();
  ASSERT_TRUE(db);
  mustExecute(*db, "DROP TABLE IF EXISTS d_tx");
  mustExecute(*db, "CREATE TABLE d_tx (id INT PRIMARY KEY) ENGINE=InnoDB");
  ASSERT_TRUE(db->begin().isOk());
  mustExecute(*db, "INSERT INTO d_tx VALUES (?)", {json(1)});
  ASSERT_TRUE(db->rollback().isOk());
  ASSERT_TRUE(db->begin().isOk());
  mustExecute(*db, "INSERT INTO d_tx VALUES (?)", {json(2)});
  ASSERT_TRUE(db->savepoint("ferry_row").isOk());
  EXPECT_FALSE(db->execute("INSERT INTO d_tx VALUES (?)", {json(2)}).isOk());
  ASSERT_TRUE(db->rollbackToSavepoint("ferry_row").isOk());
  ASSERT_TRUE(db->savepoint("ferry_row").isOk());
  mustExecute(*db, "INSERT INTO d_tx VALUES (?)", {json(3)});
  ASSERT_TRUE(db->releaseSavepoint("ferry_row").isOk());
  ASSERT_TRUE(db->commit().isOk());
  auto rows = readAll(*db, "SELECT id FROM d_tx ORDER BY id");
  ASSERT_TRUE(rows.isOk());
  EXPECT_EQ(*rows, (std::vector<json>{{{"id", 2}}, {{"id", 3}}}));

  // The shared bulk path: multi-row INSERT … ON DUPLICATE KEY UPDATE.
  std::vector<json> page = {{{"id", 3}}, {{"id", 4}}};
  std::vector<const json*> pointers = {&page[0], &page[1]};
  agent::connectors::sql::BulkWrite write;
  write.table = db->quoteIdentifier("d_tx");
  write.columns = {"id"};
  write.keys = {"id"};
  write.upsert = true;
  write.rows = &pointers;
  ASSERT_TRUE(db->bulkWrite(write).isOk());
  EXPECT_EQ(readAll(*db, "SELECT id FROM d_tx")->size(), 3u);
}

TEST(MysqlDriver, DatetimeWatermarkTiesAcrossRuns) {
  auto db = mustOpen();
  ASSERT_TRUE(db);
  mustExecute(*db, "DROP TABLE IF EXISTS d_ties");
  mustExecute(*db, "CREATE TABLE d_ties (id INT PRIMARY KEY, updated_at DATETIME(6))");
  std::string values;
  for (int id = 1; id <= 50; ++id) {
    values += (id > 1 ? ", (" : "(") + std::to_string(id) +
              (id <= 30 ? ", '2026-01-01 10:00:00.5')" : ", '2026-01-01 11:00:00')");
  }
  mustExecute(*db, "INSERT INTO d_ties VALUES " + values);
  model::Export spec;
  spec.id = "ties";
  spec.pageSize = 7;
  spec.delta = model::Delta{"updated_at", "id", "2000-01-01 00:00:00"};
  spec.options = {{"query",
                   "SELECT id, updated_at FROM d_ties WHERE updated_at >= :since "
                   "ORDER BY updated_at, id"}};
  std::vector<std::int64_t> seen;
  json progress;
  // Each run reads two pages and stops, as an agent stopped after committing them.
  for (int run = 0; run < 20; ++run) {
    auto source = agent::connectors::sql::makeSqlSource(mustOpen(), spec);
    ASSERT_TRUE(source->open(progress).ok());
    for (int p = 0; p < 2; ++p) {
      std::optional<agent::connectors::ExportPage> page;
      ASSERT_TRUE(source->next(page).ok());
      if (!page) break;
      for (const auto& r : page->records) seen.push_back(r["id"].get<std::int64_t>());
      progress = page->progress;
    }
  }
  ASSERT_EQ(seen.size(), 50u);
  for (std::size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], static_cast<int>(i) + 1);
  EXPECT_EQ(progress["field"], json("2026-01-01T11:00:00.000000"));
}

TEST(MysqlDriver, SettingsAndLoginProblemsAreClear) {
  json noHost = mysqlTestSettings();
  noHost.erase("host");
  auto a = openMysqlDriver(noHost);
  ASSERT_FALSE(a.isOk());
  EXPECT_EQ(a.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(a.status().message().find("`host`"), std::string::npos);

  json badMode = mysqlTestSettings();
  badMode["sslMode"] = "sometimes";
  EXPECT_EQ(openMysqlDriver(badMode).status().code(), StatusCode::kInvalidArgument);
  json badPort = mysqlTestSettings();
  badPort["port"] = "3306";
  EXPECT_EQ(openMysqlDriver(badPort).status().code(), StatusCode::kInvalidArgument);

  json wrong = mysqlTestSettings();
  wrong["password"] = "not-the-password";
  auto refused = openMysqlDriver(wrong);
  ASSERT_FALSE(refused.isOk());
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(refused.status().message().find("1045"), std::string::npos);
  EXPECT_EQ(refused.status().message().find("not-the-password"), std::string::npos);

  json noDatabase = mysqlTestSettings();
  noDatabase["database"] = "missing_db";
  EXPECT_EQ(openMysqlDriver(noDatabase).status().code(), StatusCode::kFailedPrecondition);

  // The test server has no TLS: "preferred" connects in plain text, "required" refuses.
  json preferred = mysqlTestSettings();
  preferred["sslMode"] = "preferred";
  EXPECT_TRUE(openMysqlDriver(preferred).isOk());
  json required = mysqlTestSettings();
  required["sslMode"] = "required";
  auto noTls = openMysqlDriver(required);
  ASSERT_FALSE(noTls.isOk());
  EXPECT_EQ(noTls.status().code(), StatusCode::kFailedPrecondition) << noTls.status().toString();
  EXPECT_NE(noTls.status().message().find("TLS"), std::string::npos);

  json closed = mysqlTestSettings();
  closed["port"] = freeTcpPort();
  auto down = openMysqlDriver(closed);
  ASSERT_FALSE(down.isOk());
  EXPECT_EQ(down.status().code(), StatusCode::kUnavailable) << down.status().toString();
}

}  // namespace
}  // namespace ferry::testing
