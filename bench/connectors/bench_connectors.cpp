// bench/run.sh connectors [rows] [pageSize] — 1,000,000 rows (id, name, email,
// amount numeric(12,2), updated_at timestamptz, status) exported from PostgreSQL by the
// `postgresql` connector into pages, and those pages imported with upsert into another
// table, against `psql -c "\copy … to stdout" | psql -c "\copy … from stdin"` moving the
// same rows on the same server in the same run. The server is a real PostgreSQL started
// here (durable settings: fsync on), on loopback.
//   export   : Source pages (JSON records with faithful types), read and dropped
//   import   : Destination::write of those pages with upsert (COPY straight into the table
//              while keys are new, checkpoint row, one transaction per page)
//   import-upsert-existing: the same again over existing keys (COPY into a staging table +
//              INSERT … ON CONFLICT DO UPDATE)
// The export phase keeps no pages: the import phase re-reads the source (timed apart) so
// the benchmark's memory is one page at a time, as in the agent.
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <string>

#include "agent/connectors/postgresql/postgresql_connector.h"
#include "tests/support/database_servers.h"

using namespace ferry;

namespace {

double seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

void die(const std::string& what) {
  std::fprintf(stderr, "bench_connectors: %s\n", what.c_str());
  std::exit(1);
}

}  // namespace

int main(int argc, char** argv) {
  const long rows = argc > 1 ? std::atol(argv[1]) : 1000000;
  const int pageSize = argc > 2 ? std::atoi(argv[2]) : 1000;
  testing::DatabaseServerOptions options;
  options.durable = std::getenv("FERRY_BENCH_NO_FSYNC") == nullptr;
  testing::PostgresServer server(options);
  server.psql(
      "CREATE TABLE src (id bigint PRIMARY KEY, name text, email text, amount numeric(12,2), "
      "updated_at timestamptz, status text);"
      "CREATE TABLE dst (LIKE src INCLUDING ALL); CREATE TABLE copy_dst (LIKE src INCLUDING ALL);"
      "INSERT INTO src SELECT i, 'Customer ' || i, 'customer' || i || '@example.com', "
      "(i % 100000) / 100.0, '2026-01-01T00:00:00Z'::timestamptz + (i / 7) * interval '1 second', "
      "(ARRAY['new','paid','shipped'])[1 + i % 3] FROM generate_series(1, " +
      std::to_string(rows) + ") AS i; VACUUM ANALYZE src;");

  // Baseline: the \copy pipeline, twice, best of two (the first warms the cache).
  double copySeconds = 1e9;
  for (int i = 0; i < 2; ++i) {
    server.psql("TRUNCATE copy_dst");
    const std::string psql = server.binDir() + "/psql -h 127.0.0.1 -p " +
                             std::to_string(server.port()) + " -U ferry -d ferry -q";
    auto start = std::chrono::steady_clock::now();
    auto r = testing::runProcess({"/bin/bash", "-c",
                                  "set -o pipefail; " + psql + " -c '\\copy src to stdout' | " +
                                      psql + " -c '\\copy copy_dst from stdin'"},
                                 "", {{"PGPASSWORD", server.password()}});
    copySeconds = std::min(copySeconds, seconds(start));
    if (r.exitCode != 0) die("\\copy pipeline failed: " + r.err);
  }
  const double copyRate = static_cast<double>(rows) / copySeconds;

  const Json settings = {{"host", "127.0.0.1"},           {"port", server.port()},
                         {"database", "ferry"},           {"user", "ferry"},
                         {"password", server.password()}, {"sslmode", "disable"}};
  model::Connection connection;
  connection.id = "pg";
  connection.type = "postgresql";
  connection.settings = settings;
  model::Export exp;
  exp.id = "orders";
  exp.type = "query";
  exp.pageSize = pageSize;
  exp.delta = model::Delta{"updated_at", "id", "1970-01-01T00:00:00Z"};
  exp.options = {{"query", "SELECT * FROM src WHERE updated_at >= :since ORDER BY updated_at, id"}};
  model::Import imp;
  imp.id = "orders-copy";
  imp.type = "table";
  imp.options = {{"table", "dst"}, {"mode", "upsert"}, {"key", {"id"}}};
  auto impl = agent::connectors::postgresqlConnectorImpl();
  agent::connectors::ConnectorContext context;

  // Export only.
  double exportSeconds = 0;
  {
    auto source = impl.openSource(connection, exp, context);
    if (!source.isOk()) die(source.status().toString());
    auto start = std::chrono::steady_clock::now();
    if (!(*source)->open(nullptr).ok()) die("open failed");
    long read = 0;
    while (true) {
      std::optional<agent::connectors::ExportPage> page;
      auto got = (*source)->next(page);
      if (!got.ok()) die(got.status.toString());
      if (!page) break;
      read += static_cast<long>(page->records.size());
    }
    exportSeconds = seconds(start);
    if (read != rows) die("export read " + std::to_string(read) + " rows");
  }

  // Import: the same pages again, each written with upsert (export time not counted). The
  // first pass inserts new keys; the second (another queue id, so no checkpoint skips it)
  // updates every row.
  auto importPass = [&](const std::string& queueId) {
    double spent = 0;
    auto source = impl.openSource(connection, exp, context);
    auto destination = impl.openDestination(connection, imp, context);
    if (!source.isOk() || !destination.isOk()) die("open failed");
    if (!(*source)->open(nullptr).ok()) die("open failed");
    std::uint64_t seq = 0;
    while (true) {
      std::optional<agent::connectors::ExportPage> page;
      auto got = (*source)->next(page);
      if (!got.ok()) die(got.status.toString());
      if (!page) break;
      auto start = std::chrono::steady_clock::now();
      auto w =
          (*destination)->write({queueId, "flow", "orders-copy", "orders", ++seq}, page->records);
      spent += seconds(start);
      if (!w.outcome.ok() || !w.failures.empty()) die("import failed");
    }
    return spent;
  };
  const double importSeconds = importPass("bench-queue-1");
  const double updateSeconds = importPass("bench-queue-2");
  const std::string copied = server.psql("SELECT count(*) FROM dst");
  if (std::stol(copied) != rows) die("dst holds " + copied + " rows");

  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  const double exportRate = static_cast<double>(rows) / exportSeconds;
  const double importRate = static_cast<double>(rows) / importSeconds;
  const double updateRate = static_cast<double>(rows) / updateSeconds;
  std::printf(
      "rows=%ld pageSize=%d copy_pipeline_s=%.2f export_s=%.2f import_s=%.2f update_s=%.2f\n", rows,
      pageSize, copySeconds, exportSeconds, importSeconds, updateSeconds);
  std::printf("BENCH connectors-pg-export rows_per_s=%.0f baseline=%.0f ratio=%.2f\n", exportRate,
              copyRate, exportRate / copyRate);
  std::printf("BENCH connectors-pg-import-upsert rows_per_s=%.0f baseline=%.0f ratio=%.2f\n",
              importRate, copyRate, importRate / copyRate);
  std::printf(
      "BENCH connectors-pg-import-upsert-existing rows_per_s=%.0f baseline=%.0f ratio=%.2f\n",
      updateRate, copyRate, updateRate / copyRate);
  std::printf("BENCH connectors-peak-rss bytes=%ld\n", usage.ru_maxrss * 1024L);
  return 0;
}
