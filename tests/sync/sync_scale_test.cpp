// Sync at scale and through hostile networks: two controller replicas on one PostgreSQL
// store behind the shared subscription; an agent that reaches the broker only over
// WebSockets (TLS) through an HTTP CONNECT proxy with credentials.
#include <gtest/gtest.h>

#include "tests/support/database_servers.h"
#include "tests/support/http_proxy.h"
#include "tests/support/sqlite_file.h"
#include "tests/sync/sync_world.h"

namespace ferry::testing {
namespace {

using json = ferry::Json;

long long pgScalar(const PostgresServer& pg, const std::string& sql) {
  std::string out = pg.psql(sql);
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out.empty() ? 0 : std::stoll(out);
}

TEST(SyncScaleTest, TwoControllersOnOnePostgresqlStoreSplitTheEventsAndStoreEachOnce) {
  TempDir dir;
  createDatabases(dir, 3);
  sqliteExec(dir.file("src.db"),
             "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) "
             "INSERT INTO bad SELECT i, 'x' FROM n;");
  PostgresServer pg;
  MosquittoBroker broker;
  const std::string store = "postgresql://ferry@127.0.0.1:" + std::to_string(pg.port()) +
                            "/ferry?passwordSecret=store-password";
  ControllerProcess c1(dir, "c1", broker.url(), store);
  ControllerProcess c2(dir, "c2", broker.url(), store);
  c1.setSecret("store-password", pg.password());
  c2.setSecret("store-password", pg.password());
  ASSERT_NO_FATAL_FAILURE(c1.start());
  ASSERT_NO_FATAL_FAILURE(c2.start());
  ASSERT_NO_FATAL_FAILURE(c1.createAgent("a1"));
  AgentProcess agent(dir, "a1", broker.url(), {{"FERRY_MQTT_HEARTBEAT_SECONDS", "3600"}});
  ASSERT_NO_FATAL_FAILURE(agent.start());
  Flows flows;
  flows.schedule = "";
  flows.rejectFlows = 4;
  c1.deploy(dir.write("defs.json", definitions(dir, flows)));
  ASSERT_TRUE(waitUntil([&] { return c2.get("/api/v1/agents/a1").body["appliedVersion"] == 1; }))
      << agent.log();
  // Runs asked through either replica: 4,000 record.error events and the runs' own.
  for (int i = 1; i <= 4; ++i) {
    auto& c = i % 2 == 0 ? c2 : c1;
    auto run = c.call("POST", "/api/v1/flows/reject-" + std::to_string(i) + "/run");
    ASSERT_EQ(run.status, 202) << run.body.dump();
  }
  ASSERT_TRUE(waitUntil(
      [&] {
        return pgScalar(pg, "SELECT count(*) FROM run_errors") == 4000 &&
               agent.outboxBacklog() == 0;
      },
      std::chrono::seconds(120)))
      << "errors: " << pgScalar(pg, "SELECT count(*) FROM run_errors")
      << ", outbox: " << agent.outboxBacklog() << "\n"
      << agent.log();
  const long long last = agent.outboxLastSeq();
  const std::string where = " WHERE agent_id = 'a1' AND epoch = '" + agent.epoch() + "'";
  EXPECT_EQ(pgScalar(pg, "SELECT count(*) FROM events_seen" + where), last);
  EXPECT_EQ(pgScalar(pg, "SELECT max(seq) FROM events_seen" + where), last);
  EXPECT_EQ(pgScalar(pg, "SELECT prefix FROM event_prefixes" + where), last);
  EXPECT_EQ(pgScalar(pg, "SELECT count(*) FROM commands WHERE state = 'done'"), 4);
  // The shared subscription split the events; each was stored for the first time once.
  const double first = c1.counter("ferry_controller_events_stored_total");
  const double second = c2.counter("ferry_controller_events_stored_total");
  EXPECT_GT(first, 0);
  EXPECT_GT(second, 0);
  EXPECT_EQ(first + second, static_cast<double>(last));
}

TEST(SyncScaleTest, AnAgentBehindAProxyReachesTheBrokerOverWebSocketsWithTls) {
  TempDir dir;
  createDatabases(dir, 3);
  MosquittoBroker::Options brokerOptions;
  brokerOptions.websocketsTls = true;
  MosquittoBroker broker(brokerOptions);
  HttpProxy proxy({"ferry", "proxy-pass", {broker.wssPort()}});
  ControllerProcess controller(dir, "c1", broker.url());
  ASSERT_NO_FATAL_FAILURE(controller.start());
  ASSERT_NO_FATAL_FAILURE(controller.createAgent("a1"));
  AgentProcess agent(
      dir, "a1", broker.wssUrl(),
      {{"FERRY_MQTT_PROXY", proxy.url()}, {"FERRY_MQTT_CA_FILE", broker.tls().caFile}});
  ASSERT_NO_FATAL_FAILURE(agent.start());
  controller.deploy(dir.write("defs.json", definitions(dir, Flows{})));
  ASSERT_TRUE(waitUntil([&] {
    return controller.get("/api/v1/agents/a1").body["appliedVersion"] == 1;
  })) << agent.log()
      << proxy.log();
  ASSERT_TRUE(waitUntil([&] { return dstRows(dir) == 3 && agent.outboxBacklog() == 0; }))
      << agent.log();
  EXPECT_GT(
      sqliteScalar(controller.sqlitePath(), "SELECT count(*) FROM runs WHERE state = 'succeeded'"),
      0);
  // Through the proxy, not around it.
  EXPECT_GE(proxy.tunnelsOpened(broker.wssPort()), 1) << proxy.log();
  EXPECT_EQ(agent.log().find("ferry:proxy-pass"), std::string::npos);  // never logged
}

}  // namespace
}  // namespace ferry::testing
