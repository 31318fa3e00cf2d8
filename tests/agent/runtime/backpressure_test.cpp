// A queue far smaller than the export: the export pauses while the flow drains the queue,
// and every row arrives once.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <fstream>

#include "common/json/json.h"
#include "tests/support/sqlite_file.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

namespace ferry {
namespace {

using json = ferry::Json;

TEST(BackpressureTest, AFullQueuePausesTheExportAndLosesNothing) {
  testing::TempDir dir;
  const std::string source = dir.file("source.db");
  testing::sqliteExec(source,
                      "CREATE TABLE t (id INTEGER PRIMARY KEY, pad TEXT);"
                      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE "
                      "i < 20000) INSERT INTO t SELECT i, printf('%.200d', i) FROM n;");
  std::filesystem::create_directories(dir.file("out"));
  const json defs = {{"resources",
                      {{{"kind", "connection"},
                        {"id", "src"},
                        {"type", "sqlite"},
                        {"settings", {{"path", source}}}},
                       {{"kind", "connection"},
                        {"id", "out"},
                        {"type", "file"},
                        {"settings", {{"root", dir.file("out")}}}},
                       {{"kind", "export"},
                        {"id", "rows"},
                        {"connection", "src"},
                        {"type", "query"},
                        {"query", "SELECT * FROM t WHERE id >= :since ORDER BY id"},
                        {"delta", {{"field", "id"}, {"initial", 0}}},
                        {"pageSize", 100}},
                       {{"kind", "import"},
                        {"id", "file"},
                        {"connection", "out"},
                        {"type", "file"},
                        {"path", "rows.jsonl"},
                        {"format", "jsonl"}},
                       {{"kind", "flow"},
                        {"id", "copy"},
                        {"sources", {"rows"}},
                        {"steps", {{{"import", "file"}}}}}}}};
  // 4 MB of rows through a 256 KiB queue.
  const std::string config =
      dir.write("agent.json", json({{"queue", {{"quotaBytes", 262144}}}}).dump());
  auto r = testing::runProcess({FERRY_AGENT_BIN, "run", dir.write("defs.json", defs.dump()),
                                "--config", config, "--state", dir.file("state")});
  EXPECT_EQ(r.exitCode, 0) << r.out << r.err;
  EXPECT_NE(r.err.find("queue full: export paused"), std::string::npos) << r.err;
  std::ifstream in(dir.file("out/rows.jsonl"));
  std::string line;
  std::int64_t expected = 1;
  while (std::getline(in, line)) {
    ASSERT_EQ(json::parse(line)["id"], expected) << "row out of order, lost or doubled";
    ++expected;
  }
  EXPECT_EQ(expected, 20001);
}

}  // namespace
}  // namespace ferry
