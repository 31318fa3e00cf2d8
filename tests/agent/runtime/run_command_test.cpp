// `ferry-agent run` end to end with real parts: a PostgreSQL source (delta export), a filter,
// a lookup, a map, a PostgreSQL upsert and a JSON Lines file, two flows sharing the export.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/json/json.h"
#include "tests/support/database_servers.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

namespace ferry {
namespace {

using json = ferry::Json;
using testing::runProcess;

const std::string kAgent = FERRY_AGENT_BIN;

std::size_t lineCount(const std::string& path) {
  std::ifstream in(path);
  std::size_t n = 0;
  std::string line;
  while (std::getline(in, line)) ++n;
  return n;
}

TEST(RunCommandTest, MovesRowsThroughTheQueueWithDeltasLookupsAndPerRecordErrors) {
  testing::PostgresServer pg;
  testing::TempDir dir;
  pg.psql(
      "CREATE TABLE customers (id int PRIMARY KEY, name text, tier text);"
      "INSERT INTO customers VALUES (1, 'ACME', 'gold'), (2, 'Bolt', 'silver');"
      "CREATE TABLE orders (id bigint PRIMARY KEY, customer_id int, status text, "
      "  amount text, updated_at timestamptz);"
      "INSERT INTO orders SELECT i, 1 + i % 3, CASE WHEN i % 4 = 0 THEN 'open' ELSE 'paid' END,"
      "  (i * 1.5)::text, '2026-01-01T00:00:00Z' FROM generate_series(1, 3000) AS i;"
      "UPDATE orders SET amount = 'not a number' WHERE id = 7;"
      "CREATE TABLE dwh_orders (order_id bigint PRIMARY KEY, customer text, total numeric);");
  testing::runProcess({kAgent, "secret", "set", "pg-password", "--state", dir.file("state")},
                      pg.password());
  const json connection = {{"kind", "connection"},
                           {"id", "erp"},
                           {"type", "postgresql"},
                           {"settings",
                            {{"host", "127.0.0.1"},
                             {"port", pg.port()},
                             {"database", "ferry"},
                             {"user", "ferry"},
                             {"sslmode", "disable"},
                             {"password", {{"$secret", "pg-password"}}}}}};
  std::filesystem::create_directories(dir.file("files"));
  const json defs = {
      {"resources",
       {connection,
        {{"kind", "connection"},
         {"id", "files"},
         {"type", "file"},
         {"settings", {{"root", dir.file("files")}}}},
        {{"kind", "export"},
         {"id", "orders"},
         {"connection", "erp"},
         {"type", "query"},
         {"query", "SELECT * FROM orders WHERE updated_at >= :since ORDER BY updated_at, id"},
         {"delta", {{"field", "updated_at"}, {"key", "id"}, {"initial", "1970-01-01T00:00:00Z"}}},
         {"pageSize", 400}},
        {{"kind", "lookup"},
         {"id", "customer"},
         {"connection", "erp"},
         {"table", "customers"},
         {"match", {{"id", "customer_id"}}},
         {"fields", {"name", "tier"}},
         {"into", "customer"}},
        {{"kind", "import"},
         {"id", "to-dwh"},
         {"connection", "erp"},
         {"type", "table"},
         {"table", "dwh_orders"},
         {"mode", "upsert"},
         {"key", {"order_id"}}},
        {{"kind", "import"},
         {"id", "to-file"},
         {"connection", "files"},
         {"type", "file"},
         {"path", "audit.jsonl"},
         {"format", "jsonl"}},
        {{"kind", "flow"},
         {"id", "orders-to-dwh"},
         {"sources", {"orders"}},
         {"steps",
          {{{"filter", {{"==", {{{"var", "status"}}, "paid"}}}}},
           {{"lookup", "customer"}},
           {{"map",
             {{{"from", "id"}, {"to", "order_id"}},
              {{"from", "customer.name"}, {"to", "customer"}},
              {{"from", "amount"}, {"to", "total"}, {"type", "number"}}}}},
           {{"import", "to-dwh"}}}}},
        {{"kind", "flow"},
         {"id", "audit"},
         {"sources", {"orders"}},
         {"steps", {{{"import", "to-file"}}}}}}}};
  const std::string file = dir.write("defs.json", defs.dump());
  const std::vector<std::string> run = {kAgent, "run", file, "--state", dir.file("state")};

  auto first = runProcess(run);
  // Order 7 cannot be converted: the run is partial (exit 1) and every other row arrives.
  EXPECT_EQ(first.exitCode, 1) << first.out << first.err;
  EXPECT_NE(first.out.find("orders-to-dwh            partial"), std::string::npos) << first.out;
  EXPECT_NE(first.out.find("audit                    succeeded"), std::string::npos) << first.out;
  EXPECT_NE(first.out.find("not a number"), std::string::npos) << first.out;
  EXPECT_EQ(pg.psql("SELECT count(*) FROM dwh_orders"), "2249\n");  // 2250 paid, one failed
  EXPECT_EQ(pg.psql("SELECT customer, total FROM dwh_orders WHERE order_id = 1"), "Bolt|1.5\n");
  EXPECT_EQ(pg.psql("SELECT customer IS NULL FROM dwh_orders WHERE order_id = 2"), "t\n");
  EXPECT_EQ(lineCount(dir.file("files/audit.jsonl")), 3000u);  // the second flow got every row
  EXPECT_EQ(first.err.find(pg.password()), std::string::npos) << "password in the log";
  // Nor in any file of the state directory (queue, run history, errors); the secret store
  // holds it encrypted.
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir.file("state"))) {
    if (!entry.is_regular_file()) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    EXPECT_EQ(bytes.str().find(pg.password()), std::string::npos) << entry.path();
  }

  // The failed record is kept with its step; an edited record retried from that step lands.
  auto listed = runProcess({kAgent, "errors", "list", "--json", "--state", dir.file("state")});
  ASSERT_EQ(listed.exitCode, 0) << listed.err;
  std::istringstream errorLines(listed.out);
  std::string errorLine;
  std::vector<json> errors;
  while (std::getline(errorLines, errorLine)) errors.push_back(json::parse(errorLine));
  ASSERT_EQ(errors.size(), 1u) << listed.out;
  EXPECT_EQ(errors[0]["flow"], "orders-to-dwh");
  EXPECT_EQ(errors[0]["step"], "map");
  EXPECT_EQ(errors[0]["record"]["id"], 7);
  json fixed = errors[0]["record"];
  fixed["amount"] = "10.5";
  const std::string config = dir.write("agent.json", json({{"definitions", file}}).dump());
  auto retried = runProcess({kAgent, "errors", "retry", errors[0]["id"].get<std::string>(),
                             "--record", dir.write("fixed.json", fixed.dump()), "--config", config,
                             "--state", dir.file("state")});
  EXPECT_EQ(retried.exitCode, 0) << retried.out << retried.err;
  EXPECT_EQ(pg.psql("SELECT customer, total FROM dwh_orders WHERE order_id = 7"), "Bolt|10.5\n");
  auto open = runProcess({kAgent, "errors", "list", "--json", "--state", dir.file("state")});
  EXPECT_EQ(open.out, "");
  pg.psql("DELETE FROM dwh_orders WHERE order_id = 7");

  // Nothing changed: nothing is read again.
  auto second = runProcess(run);
  EXPECT_EQ(second.exitCode, 0) << second.out << second.err;
  EXPECT_EQ(lineCount(dir.file("files/audit.jsonl")), 3000u);

  // Changed rows (including the fixed one) are picked up by the delta, and only they.
  pg.psql(
      "UPDATE orders SET amount = '99', updated_at = '2026-02-01T00:00:00Z' WHERE id IN (1, 7);");
  auto third = runProcess(run);
  EXPECT_EQ(third.exitCode, 0) << third.out << third.err;
  EXPECT_EQ(pg.psql("SELECT count(*) FROM dwh_orders"), "2250\n");
  EXPECT_EQ(pg.psql("SELECT total FROM dwh_orders WHERE order_id IN (1, 7) ORDER BY 1"),
            "99\n99\n");
  EXPECT_EQ(lineCount(dir.file("files/audit.jsonl")), 3002u);
}

TEST(RunCommandTest, InvalidDefinitionsNeverStartARun) {
  testing::TempDir dir;
  const std::string file = dir.write(
      "defs.json", R"({"resources": [{"kind": "flow", "id": "f", "sources": ["missing"]}]})");
  auto r = runProcess({kAgent, "run", file, "--state", dir.file("state")});
  EXPECT_EQ(r.exitCode, 1);
  EXPECT_NE(r.err.find("/resources/0/sources/0"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("nothing was run"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(dir.file("state/queue.db")));
}

TEST(RunCommandTest, AnUnknownFlowIsAUsageErrorWithASuggestion) {
  testing::TempDir dir;
  const std::string file =
      dir.write("defs.json", R"({"resources": [{"kind": "connection", "id": "db", "type":
        "sqlite", "settings": {"path": "x.db"}}, {"kind": "export", "id": "e", "connection":
        "db", "type": "query", "query": "SELECT 1 AS x"}, {"kind": "flow", "id": "orders",
        "sources": ["e"], "steps": []}]})");
  auto r = runProcess({kAgent, "run", file, "--flow", "order", "--state", dir.file("state")});
  EXPECT_EQ(r.exitCode, 2);
  EXPECT_NE(r.err.find("did you mean 'orders'"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace ferry
