// A destination that goes down mid-run: the run retries per policy, then fails with a clear
// error while its pages wait in the queue; once the database is back the next run delivers
// every row exactly once (the table has no key, so a page written twice would show).
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>

#include <thread>

#include "common/json/json.h"
#include "tests/support/database_servers.h"
#include "tests/support/sqlite_file.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

namespace ferry {
namespace {

using json = ferry::Json;

const std::string kAgent = FERRY_AGENT_BIN;
constexpr int kRows = 1000000;  // long enough (seconds) to be cut off in the middle

TEST(DestinationOutageTest, PagesWaitInTheQueueAndArriveOnceWhenItIsBack) {
  // Durable: with synchronous_commit off, PostgreSQL itself may forget transactions it
  // acknowledged just before a crash, and no client can make those exactly once.
  testing::DatabaseServerOptions durable;
  durable.durable = true;
  testing::PostgresServer pg(durable);
  testing::TempDir dir;
  pg.psql("CREATE TABLE dst (id bigint, name text)");
  const std::string source = dir.file("source.db");
  testing::sqliteExec(source,
                      "CREATE TABLE src (id INTEGER PRIMARY KEY, name TEXT);"
                      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n "
                      "WHERE i < " +
                          std::to_string(kRows) + ") INSERT INTO src SELECT i, 'n' || i FROM n;");
  const std::string state = dir.file("state");
  ASSERT_EQ(testing::runProcess({kAgent, "secret", "set", "pg", "--state", state}, pg.password())
                .exitCode,
            0);
  const json defs = {{"resources",
                      {{{"kind", "connection"},
                        {"id", "src"},
                        {"type", "sqlite"},
                        {"settings", {{"path", source}}}},
                       {{"kind", "connection"},
                        {"id", "pg"},
                        {"type", "postgresql"},
                        {"settings",
                         {{"host", "127.0.0.1"},
                          {"port", pg.port()},
                          {"database", "ferry"},
                          {"user", "ferry"},
                          {"sslmode", "disable"},
                          {"connectTimeoutSeconds", 2},
                          {"password", {{"$secret", "pg"}}}}}},
                       {{"kind", "export"},
                        {"id", "rows"},
                        {"connection", "src"},
                        {"type", "query"},
                        {"query", "SELECT * FROM src WHERE id >= :since ORDER BY id"},
                        {"delta", {{"field", "id"}, {"key", "id"}, {"initial", 0}}},
                        {"pageSize", 500}},
                       {{"kind", "import"},
                        {"id", "copy"},
                        {"connection", "pg"},
                        {"type", "table"},
                        {"table", "dst"},
                        {"mode", "insert"}},
                       {{"kind", "flow"},
                        {"id", "copy"},
                        {"sources", {"rows"}},
                        {"steps", {{{"import", "copy"}}}}}}}};
  const std::string file = dir.write("defs.json", defs.dump());

  testing::ChildProcess run({kAgent, "run", file, "--state", state}, dir.path());
  ASSERT_TRUE(run.waitForStderr("\"progress\":\"copy\"", std::chrono::seconds(30)))
      << run.stderrText();
  pg.kill();  // the warehouse goes down in the middle of the run
  auto code = run.wait(std::chrono::seconds(120));
  ASSERT_TRUE(code.has_value()) << "the run did not give up";
  EXPECT_EQ(*code, 1);
  const std::string log = run.stderrText();
  EXPECT_NE(log.find("\"msg\":\"retrying\""), std::string::npos) << log;
  EXPECT_NE(run.stdoutText().find("failed"), std::string::npos) << run.stdoutText();
  auto status = testing::runProcess({kAgent, "status", "--json", "--state", state});
  ASSERT_EQ(status.exitCode, 0) << status.err;
  EXPECT_GT(json::parse(status.out)["flows"][0]["lagPages"].get<int>(), 0)
      << "the pages not written wait in the queue: " << status.out;

  pg.start();
  auto again = testing::runProcess({kAgent, "run", file, "--state", state});
  EXPECT_EQ(again.exitCode, 0) << again.out << again.err;
  EXPECT_EQ(
      pg.psql("SELECT count(*), count(DISTINCT id), min(id), max(id) FROM dst"),
      std::to_string(kRows) + "|" + std::to_string(kRows) + "|1|" + std::to_string(kRows) + "\n");
}

}  // namespace
}  // namespace ferry
