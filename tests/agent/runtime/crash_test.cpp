// Kills `ferry-agent run` with SIGKILL at random moments while it moves 200,000 rows from
// PostgreSQL to PostgreSQL, at least 30 times, then lets a run finish: the destination must
// hold exactly the source rows. The destination table has no key, so a page written twice
// would show as duplicate rows: only the queue's offsets, the export's watermark and the
// destination's checkpoint (all transactional) keep it exactly once. The run history must
// agree: no run left "running", the last run succeeded, and it counts as written exactly
// the rows it added (a page a killed run had written is skipped, not counted again).
#include <gtest/gtest.h>
#include <signal.h>

#include <cstdio>
#include <random>
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
constexpr int kRows = 200000;
constexpr int kKills = 30;

TEST(CrashTest, KilledRunsNeitherLoseNorDoubleRows) {
  testing::PostgresServer pg;
  testing::TempDir dir;
  pg.psql(
      "CREATE TABLE src (id bigint PRIMARY KEY, name text, amount numeric(12,2), "
      "  updated_at timestamptz);"
      "INSERT INTO src SELECT i, 'name ' || i, i / 100.0, '2026-01-01T00:00:00Z'::timestamptz"
      "  + (i / 50) * interval '1 second' FROM generate_series(1, " +
      std::to_string(kRows) +
      ") AS i;"
      "CREATE TABLE dst (id bigint, name text, amount numeric(12,2), updated_at timestamptz);");
  const json settings = {{"host", "127.0.0.1"},  {"port", pg.port()},
                         {"database", "ferry"},  {"user", "ferry"},
                         {"sslmode", "disable"}, {"password", {{"$secret", "pg"}}}};
  const json defs = {
      {"resources",
       {{{"kind", "connection"}, {"id", "pg"}, {"type", "postgresql"}, {"settings", settings}},
        {{"kind", "export"},
         {"id", "rows"},
         {"connection", "pg"},
         {"type", "query"},
         {"query", "SELECT * FROM src WHERE updated_at >= :since ORDER BY updated_at, id"},
         {"delta", {{"field", "updated_at"}, {"key", "id"}, {"initial", "1970-01-01T00:00:00Z"}}},
         {"pageSize", 100}},  // many small transactions: many places to be killed
        {{"kind", "import"},
         {"id", "copy"},
         {"connection", "pg"},
         {"type", "table"},
         {"table", "dst"},
         {"mode", "insert"}},
        {{"kind", "flow"},
         {"id", "copy-rows"},
         {"sources", {"rows"}},
         {"steps", {{{"import", "copy"}}}}}}}};
  const std::string file = dir.write("defs.json", defs.dump());
  const std::string state = dir.file("state");
  auto secret =
      testing::runProcess({kAgent, "secret", "set", "pg", "--state", state}, pg.password());
  ASSERT_EQ(secret.exitCode, 0) << secret.err;

  std::mt19937 random(std::random_device{}());
  std::uniform_int_distribution<int> delayMs(10, 200);
  int killed = 0;
  for (int i = 0; i < kKills * 3 && killed < kKills; ++i) {
    testing::ChildProcess agent({kAgent, "run", file, "--state", state}, dir.path());
    std::this_thread::sleep_for(std::chrono::milliseconds(delayMs(random)));
    if (agent.wait(std::chrono::milliseconds(0))) continue;  // finished before the kill
    agent.signal(SIGKILL);
    ASSERT_TRUE(agent.wait(std::chrono::seconds(10)).has_value());
    ++killed;
  }
  EXPECT_GE(killed, kKills) << "the runs finished too fast to be killed mid-way";

  // How far the killed runs got (the last run does the rest): shown, so a run that finished
  // everything before the kills began would be visible.
  const long before = std::stol(pg.psql("SELECT count(*) FROM dst"));
  std::printf("killed %d times; rows delivered before the last run: %ld\n", killed, before);
  const std::string runsDb = state + "/runs.db";
  const long recordedBefore = testing::sqliteScalar(runsDb, "SELECT count(*) FROM runs");
  auto last = testing::runProcess({kAgent, "run", file, "--state", state});
  ASSERT_EQ(last.exitCode, 0) << last.out << last.err;

  // The run history: killed runs left nothing half-written in it, every recorded run ended
  // in a final state after it started, and the last one accounts for exactly what it added.
  EXPECT_EQ(testing::sqliteScalar(runsDb, "SELECT count(*) FROM runs"), recordedBefore + 1);
  EXPECT_EQ(testing::sqliteScalar(runsDb,
                                  "SELECT count(*) FROM runs WHERE state NOT IN "
                                  "('succeeded', 'partial', 'failed', 'cancelled') "
                                  "OR finished_at < started_at OR flow_id <> 'copy-rows'"),
            0);
  auto lastRun = testing::sqliteQuery(
      runsDb, "SELECT state, written, failed FROM runs ORDER BY started_ms DESC LIMIT 1");
  ASSERT_EQ(lastRun.size(), 1u);
  EXPECT_EQ(lastRun[0][0], "succeeded");
  EXPECT_EQ(std::stol(lastRun[0][1]), kRows - before) << "the last run's written count";
  EXPECT_EQ(lastRun[0][2], "0");
  // Runs that finished before their kill count what they delivered too: together with the
  // last run they never claim more rows than there are.
  EXPECT_LE(testing::sqliteScalar(runsDb, "SELECT sum(written) FROM runs"), kRows);
  EXPECT_EQ(pg.psql("SELECT count(*), count(DISTINCT id) FROM dst"),
            std::to_string(kRows) + "|" + std::to_string(kRows) + "\n");
  const std::string checksum =
      "SELECT md5(string_agg(id || ',' || name || ',' || amount || ',' || updated_at, '|' "
      "ORDER BY id)) FROM ";
  EXPECT_EQ(pg.psql(checksum + "dst"), pg.psql(checksum + "src"));
}

}  // namespace
}  // namespace ferry
