// bench/run.sh flow [rows] — rows end to end through the agent's engine (FlowRunner: export
// → durable queue with synchronous=FULL → filter + 10-field mapping → upsert), against the
// tools a user would otherwise pick, on the same PostgreSQL server in the same run:
//   (a) SQLite file → PostgreSQL: Ferry vs pgloader, and vs `sqlite3 -csv | psql \copy`
//   (b) PostgreSQL → PostgreSQL: Ferry vs `psql \copy to stdout | psql \copy from stdin`
// Plus the peak RSS of this process (the engine; the servers are separate processes) and the
// idle RSS of `ferry-agent` in service mode.
#include <sqlite3.h>
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>

#include "agent/runtime/allocator_tuning.h"
#include "agent/runtime/flow_runner.h"
#include "common/model/definitions.h"
#include "tests/support/database_servers.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

using namespace ferry;

namespace {

double seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "bench_flow: %s\n", what.c_str());
  std::exit(1);
}

void shell(const std::string& command, const std::map<std::string, std::string>& env = {}) {
  auto r = testing::runProcess({"/bin/bash", "-c", "set -euo pipefail; " + command}, "", env);
  if (r.exitCode != 0) die(command.substr(0, 120) + ": " + r.err.substr(0, 2000));
}

constexpr int kPageSize = 1000;
const char* kColumns = "id, name, email, amount, status, country, city, phone, score, updated_at";

Json mapping() {
  return Json::array({{{"from", "id"}, {"to", "id"}},
                      {{"from", "name"}, {"to", "name"}},
                      {{"from", "email"}, {"to", "email"}},
                      {{"from", "amount"}, {"to", "amount"}, {"type", "number"}},
                      {{"from", "status"}, {"to", "status"}},
                      {{"from", "country"}, {"to", "country"}},
                      {{"from", "city"}, {"to", "city"}},
                      {{"from", "phone"}, {"to", "phone"}},
                      {{"from", "score"}, {"to", "score"}, {"type", "integer"}},
                      {{"from", "updated_at"}, {"to", "updated_at"}}});
}

// The database password, held in memory for the benchmark's one process.
class InMemorySecrets final : public secrets::SecretResolver {
 public:
  explicit InMemorySecrets(std::string password) : password_(std::move(password)) {}
  Result<std::string> resolve(const std::string& name) const override {
    if (name == "pg") return password_;
    return Status::notFound("no secret " + name);
  }

 private:
  std::string password_;
};

// Runs one flow with the engine; returns seconds.
double runFerry(const Json& connectionSettings, const std::string& sourceType,
                const Json& targetSettings, const std::string& stateDir, long rows,
                const secrets::SecretResolver& secrets) {
  const Json defs = {
      {"resources",
       {{{"kind", "connection"},
         {"id", "src"},
         {"type", sourceType},
         {"settings", connectionSettings}},
        {{"kind", "connection"},
         {"id", "dst"},
         {"type", "postgresql"},
         {"settings", targetSettings}},
        {{"kind", "export"},
         {"id", "items"},
         {"connection", "src"},
         {"type", "query"},
         {"query", "SELECT * FROM items WHERE updated_at >= :since ORDER BY updated_at, id"},
         {"delta", {{"field", "updated_at"}, {"key", "id"}, {"initial", "1970-01-01T00:00:00Z"}}},
         {"pageSize", kPageSize}},
        {{"kind", "import"},
         {"id", "to-pg"},
         {"connection", "dst"},
         {"type", "table"},
         {"table", "ferry_items"},
         {"mode", "upsert"},
         {"key", {"id"}}},
        {{"kind", "flow"},
         {"id", "copy"},
         {"sources", {"items"}},
         {"steps",
          {{{"filter", {{"!=", {{{"var", "status"}}, "void"}}}}},
           {{"map", mapping()}},
           {{"import", "to-pg"}}}}}}}};
  auto parsed = model::parseDefinitions(defs);
  if (!parsed) die(parsed.status().message());
  std::filesystem::create_directories(stateDir);
  agent::queue::LogQueue::Options q;
  q.stateDir = stateDir;
  q.synchronous = "FULL";
  auto queue = agent::queue::LogQueue::open(q);
  if (!queue) die(queue.status().message());
  agent::runtime::FlowRunner::Options options;
  options.stateDir = stateDir;
  options.secrets = &secrets;
  agent::runtime::FlowRunner runner(std::move(options), **queue, *parsed);
  auto start = std::chrono::steady_clock::now();
  auto runs = runner.runOnce({});
  const double s = seconds(start);
  if (runs.size() != 1 || runs[0].state != agent::runtime::RunState::kSucceeded ||
      static_cast<long>(runs[0].counts.written) != rows) {
    die("the Ferry run did not move every row: " + (runs.empty() ? "" : runs[0].error));
  }
  return s;
}

long idleServiceRssKb(const std::string& agentBin, testing::TempDir& dir) {
  const std::string defs =
      dir.write("idle-defs.json",
                R"({"resources": [{"kind": "connection", "id": "db", "type": "sqlite", "settings":
      {"path": ")" + dir.file("idle.db") +
                    R"("}}, {"kind": "export", "id": "e", "connection": "db", "type": "query",
      "query": "SELECT 1 AS x"}, {"kind": "flow", "id": "f", "sources": ["e"],
      "schedule": {"every": "1h"}, "steps": []}]})");
  const std::string config = dir.write(
      "idle-agent.json",
      Json({{"definitions", defs}, {"metrics", {{"port", 0}}}, {"listener", {{"port", 0}}}})
          .dump());
  testing::ChildProcess agent({agentBin, "--config", config, "--state", dir.file("idle-state")},
                              dir.path());
  if (!agent.waitForStderr("running local definitions", std::chrono::seconds(20))) {
    die("idle agent did not start: " + agent.stderrText());
  }
  std::this_thread::sleep_for(std::chrono::seconds(2));
  std::ifstream status("/proc/" + std::to_string(agent.pid()) + "/status");
  std::string line;
  long kb = 0;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) kb = std::stol(line.substr(6));
  }
  return kb;
}

}  // namespace

int main(int argc, char** argv) {
  agent::runtime::tuneAllocatorForRecords();  // as ferry-agent's main() does
  const long rows = argc > 1 ? std::atol(argv[1]) : 1000000;
  const std::string agentBin = argc > 2 ? argv[2] : "";
  testing::DatabaseServerOptions serverOptions;
  serverOptions.durable = true;
  testing::PostgresServer pg(serverOptions);
  testing::TempDir dir;
  const std::map<std::string, std::string> pgEnv = {{"PGPASSWORD", pg.password()}};
  const std::string psql = pg.binDir() + "/psql -h 127.0.0.1 -p " + std::to_string(pg.port()) +
                           " -U ferry -q -v ON_ERROR_STOP=1";
  const std::string table =
      "(id bigint PRIMARY KEY, name text, email text, amount numeric(12,2), status text, "
      "country text, city text, phone text, score bigint, updated_at text)";

  // The SQLite source and its PostgreSQL twin.
  const std::string sqlitePath = dir.file("source.db");
  shell("sqlite3 " + sqlitePath + " \"PRAGMA journal_mode=WAL; CREATE TABLE items " + table +
        "; WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < " +
        std::to_string(rows) +
        ") INSERT INTO items SELECT i, 'Customer ' || i, 'c' || i || '@example.com', "
        "printf('%.2f', (i % 100000) / 100.0), CASE i % 3 WHEN 0 THEN 'new' WHEN 1 THEN 'paid' "
        "ELSE 'shipped' END, 'DE', 'Berlin', '+49 30 ' || i, i % 1000, "
        "strftime('%Y-%m-%dT%H:%M:%SZ', 1767225600 + i, 'unixepoch') FROM n; "
        "CREATE INDEX items_by_update ON items (updated_at, id);\"");
  shell(psql + " -d ferry -c \"CREATE TABLE items " + table + "; CREATE TABLE ferry_items " +
            table + "; CREATE TABLE copy_items " + table + "; CREATE TABLE pg_ferry_items " +
            table + "\"",
        pgEnv);
  shell(psql +
            " -d ferry -c \"INSERT INTO items SELECT i, 'Customer ' || i, 'c' || i || "
            "'@example.com', (i % 100000) / 100.0, (ARRAY['new','paid','shipped'])[1 + i % 3], "
            "'DE', 'Berlin', '+49 30 ' || i, i % 1000, to_char(timestamp '2026-01-01' + i * "
            "interval '1 second', 'YYYY-MM-DD\\\"T\\\"HH24:MI:SS\\\"Z\\\"') FROM "
            "generate_series(1, " +
            std::to_string(rows) +
            ") AS i\" -c \"CREATE INDEX items_by_update ON items (updated_at, id)\" -c \"VACUUM "
            "ANALYZE items\"",
        pgEnv);

  const Json target = {{"host", "127.0.0.1"},
                       {"port", pg.port()},
                       {"database", "ferry"},
                       {"user", "ferry"},
                       {"password", {{"$secret", "pg"}}},
                       {"sslmode", "disable"}};
  const InMemorySecrets secrets(pg.password());

  // (a) SQLite → PostgreSQL.
  double cpuBefore = testing::selfCpuSeconds();
  const double ferrySqlite =
      runFerry({{"path", sqlitePath}}, "sqlite", target, dir.file("state-a"), rows, secrets);
  const double ferrySqliteCpu = testing::selfCpuSeconds() - cpuBefore;
  // pgloader would copy the watermark index too: it loads the table as it was before.
  shell("sqlite3 " + sqlitePath + " 'DROP INDEX items_by_update'");
  auto start = std::chrono::steady_clock::now();
  shell("sqlite3 -csv " + sqlitePath + " 'SELECT " + kColumns + " FROM items' | " + psql +
            " -d ferry -c '\\copy copy_items FROM stdin WITH (FORMAT csv)'",
        pgEnv);
  const double copySqlite = seconds(start);
  shell(psql + " -d postgres -c 'CREATE DATABASE pgl'", pgEnv);
  start = std::chrono::steady_clock::now();
  shell("pgloader --quiet sqlite://" + sqlitePath + " postgresql://ferry:" + pg.password() +
            "@127.0.0.1:" + std::to_string(pg.port()) + "/pgl",
        {{"HOME", dir.path()}});
  const double pgloader = seconds(start);

  // (b) PostgreSQL → PostgreSQL.
  Json pgSource = target;
  const double ferryPg = [&] {
    // Same engine, the PostgreSQL table as the source, a fresh target table.
    shell(psql +
              " -d ferry -c 'ALTER TABLE ferry_items RENAME TO sqlite_ferry_items; "
              "ALTER TABLE pg_ferry_items RENAME TO ferry_items'",
          pgEnv);
    cpuBefore = testing::selfCpuSeconds();
    return runFerry(pgSource, "postgresql", target, dir.file("state-b"), rows, secrets);
  }();
  const double ferryPgCpu = testing::selfCpuSeconds() - cpuBefore;
  shell(psql + " -d ferry -c 'TRUNCATE copy_items'", pgEnv);
  start = std::chrono::steady_clock::now();
  shell(psql + " -d ferry -c '\\copy items TO stdout' | " + psql +
            " -d ferry -c '\\copy copy_items FROM stdin'",
        pgEnv);
  const double copyPg = seconds(start);

  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const double r = static_cast<double>(rows);
  std::printf(
      "rows=%ld ferry_sqlite_s=%.2f pgloader_s=%.2f sqlite_copy_s=%.2f ferry_pg_s=%.2f "
      "pg_copy_s=%.2f\n",
      rows, ferrySqlite, pgloader, copySqlite, ferryPg, copyPg);
  // The engine's own CPU time per row (the servers' is not counted): steadier than wall
  // time on a shared machine.
  std::printf("ferry_sqlite_cpu_us_per_row=%.2f ferry_pg_cpu_us_per_row=%.2f\n",
              1e6 * ferrySqliteCpu / r, 1e6 * ferryPgCpu / r);
  std::printf("BENCH flow-sqlite-pg-vs-pgloader rows_per_s=%.0f baseline=%.0f ratio=%.2f\n",
              r / ferrySqlite, r / pgloader, pgloader / ferrySqlite);
  std::printf("BENCH flow-sqlite-pg-vs-copy rows_per_s=%.0f baseline=%.0f ratio=%.2f\n",
              r / ferrySqlite, r / copySqlite, copySqlite / ferrySqlite);
  std::printf("BENCH flow-pg-pg-vs-copy rows_per_s=%.0f baseline=%.0f ratio=%.2f\n", r / ferryPg,
              r / copyPg, copyPg / ferryPg);
  std::printf("BENCH flow-peak-rss bytes=%ld\n", usage.ru_maxrss * 1024L);
  if (!agentBin.empty()) {
    std::printf("BENCH agent-idle-rss bytes=%ld\n", idleServiceRssKb(agentBin, dir) * 1024L);
  }
  return 0;
}
