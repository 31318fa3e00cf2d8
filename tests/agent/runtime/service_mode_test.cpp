// The agent service with a local definitions file: a scheduled flow runs on its own and picks
// up new rows, a listener flow imports what is posted, SIGTERM stops it cleanly, and the
// runs are in the history.
#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <fstream>
#include <sstream>
#include <thread>

#include "common/json/json.h"
#include "tests/support/sqlite_file.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

namespace ferry {
namespace {

using json = ferry::Json;

const std::string kAgent = FERRY_AGENT_BIN;

std::size_t lines(const std::string& path) {
  std::ifstream in(path);
  std::size_t n = 0;
  std::string line;
  while (std::getline(in, line)) ++n;
  return n;
}

bool waitForLines(const std::string& path, std::size_t n) {
  for (int i = 0; i < 300; ++i) {
    if (lines(path) >= n) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return false;
}

int post(int port, const std::string& body) {
  Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port));
  Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, "/hooks/events",
                                 Poco::Net::HTTPMessage::HTTP_1_1);
  request.setContentType("application/json");
  request.setContentLength(static_cast<std::streamsize>(body.size()));
  request.set("Authorization", "Bearer hook-secret-1");
  session.sendRequest(request) << body;
  Poco::Net::HTTPResponse response;
  session.receiveResponse(response);
  return response.getStatus();
}

TEST(ServiceModeTest, RunsScheduledAndListenerFlowsAndStopsOnTerm) {
  testing::TempDir dir;
  const std::string source = dir.file("source.db");
  testing::sqliteExec(
      source,
      "CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT, updated_at TEXT);"
      "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100)"
      "INSERT INTO items SELECT i, 'item ' || i, '2026-01-01T00:00:00Z' FROM n;");
  std::filesystem::create_directories(dir.file("out"));
  const std::string state = dir.file("state");
  ASSERT_EQ(
      testing::runProcess({kAgent, "secret", "set", "hook", "--state", state}, "hook-secret-1")
          .exitCode,
      0);
  const json defs = {
      {"resources",
       {{{"kind", "connection"},
         {"id", "src"},
         {"type", "sqlite"},
         {"settings", {{"path", source}}}},
        {{"kind", "connection"},
         {"id", "out"},
         {"type", "file"},
         {"settings", {{"root", dir.file("out")}}}},
        {{"kind", "export"},
         {"id", "items"},
         {"connection", "src"},
         {"type", "query"},
         {"query", "SELECT * FROM items WHERE updated_at >= :since ORDER BY updated_at, id"},
         {"delta", {{"field", "updated_at"}, {"key", "id"}, {"initial", "1970-01-01T00:00:00Z"}}}},
        {{"kind", "export"},
         {"id", "events"},
         {"type", "listener"},
         {"listener", {{"path", "/hooks/events"}, {"auth", {{"bearer", {{"$secret", "hook"}}}}}}}},
        {{"kind", "import"},
         {"id", "items-file"},
         {"connection", "out"},
         {"type", "file"},
         {"path", "items.jsonl"},
         {"format", "jsonl"}},
        {{"kind", "import"},
         {"id", "events-file"},
         {"connection", "out"},
         {"type", "file"},
         {"path", "events.jsonl"},
         {"format", "jsonl"}},
        {{"kind", "flow"},
         {"id", "copy-items"},
         {"sources", {"items"}},
         {"schedule", {{"every", "1s"}}},
         {"steps", {{{"import", "items-file"}}}}},
        {{"kind", "flow"},
         {"id", "store-events"},
         {"sources", {"events"}},
         {"steps", {{{"import", "events-file"}}}}}}}};
  const int port = testing::freeTcpPort();
  const int metricsPort = testing::freeTcpPort();
  const std::string config =
      dir.write("agent.json", json({{"definitions", dir.write("defs.json", defs.dump())},
                                    {"metrics", {{"bind", "127.0.0.1"}, {"port", metricsPort}}},
                                    {"listener", {{"bind", "127.0.0.1"}, {"port", port}}}})
                                  .dump());
  testing::ChildProcess agent({kAgent, "--config", config, "--state", state}, dir.path());
  ASSERT_TRUE(agent.waitForStderr("webhook listener serving", std::chrono::seconds(20)))
      << agent.stderrText();

  ASSERT_TRUE(waitForLines(dir.file("out/items.jsonl"), 100)) << agent.stderrText();
  testing::sqliteExec(source,
                      "INSERT INTO items VALUES (101, 'new', '2026-02-01T00:00:00Z'), "
                      "(102, 'newer', '2026-02-01T00:00:00Z');");
  ASSERT_TRUE(waitForLines(dir.file("out/items.jsonl"), 102)) << agent.stderrText();

  EXPECT_EQ(post(port, R"([{"event": 1}, {"event": 2}, {"event": 3}])"), 202);
  ASSERT_TRUE(waitForLines(dir.file("out/events.jsonl"), 3)) << agent.stderrText();

  // The runs, records and queue figures are on /metrics, in valid Prometheus text.
  Poco::Net::HTTPClientSession metrics("127.0.0.1", static_cast<Poco::UInt16>(metricsPort));
  Poco::Net::HTTPRequest scrape(Poco::Net::HTTPRequest::HTTP_GET, "/metrics",
                                Poco::Net::HTTPMessage::HTTP_1_1);
  metrics.sendRequest(scrape);
  Poco::Net::HTTPResponse scraped;
  std::ostringstream text;
  text << metrics.receiveResponse(scraped).rdbuf();
  const std::string body = text.str();
  EXPECT_NE(body.find("ferry_agent_runs_total{flow=\"copy-items\",state=\"succeeded\"}"),
            std::string::npos)
      << body;
  EXPECT_NE(body.find("ferry_agent_records_total{flow=\"copy-items\",outcome=\"written\"} 102"),
            std::string::npos)
      << body;
  EXPECT_NE(body.find("ferry_agent_flow_lag_pages{flow=\"copy-items\",topic=\"items\"} 0"),
            std::string::npos)
      << body;
  auto lint = testing::runProcess({"/usr/bin/promtool", "check", "metrics"}, body);
  EXPECT_EQ(lint.exitCode, 0) << lint.out << lint.err;

  agent.signal(SIGTERM);
  auto code = agent.wait(std::chrono::seconds(10));
  ASSERT_TRUE(code.has_value()) << "not stopped within 10 s of SIGTERM";
  EXPECT_EQ(*code, 0);
  EXPECT_EQ(lines(dir.file("out/items.jsonl")), 102u);  // nothing doubled by the ticks

  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((state + "/runs.db").c_str(), &db), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db,
                               "SELECT count(*), sum(read) FROM runs WHERE flow_id = 'copy-items' "
                               "AND trigger = 'schedule' AND state = 'succeeded'",
                               -1, &stmt, nullptr),
            SQLITE_OK);
  ASSERT_EQ(sqlite3_step(stmt), SQLITE_ROW);
  EXPECT_GE(sqlite3_column_int(stmt, 0), 2);
  EXPECT_EQ(sqlite3_column_int(stmt, 1), 102);
  sqlite3_finalize(stmt);
  sqlite3_close(db);
}

}  // namespace
}  // namespace ferry
