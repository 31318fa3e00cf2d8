// The controller's fleet gauges, read from a real SQLite store at scrape time, in valid
// Prometheus text.
#include "controller/service/fleet_metrics.h"

#include <gtest/gtest.h>

#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

namespace ferry::controller {
namespace {

TEST(FleetMetricsTest, ShowsEachAgentsBacklogLagAndOnlineState) {
  testing::TempDir dir;
  store::StoreOptions options;
  options.stateDir = dir.path();
  auto opened = store::openStore(options);
  ASSERT_TRUE(opened.isOk()) << opened.status().toString();
  store::Store& s = **opened;
  ASSERT_TRUE(s.createAgent("plant-1", "Plant 1", "").isOk());
  ASSERT_TRUE(s.createAgent("plant-2", "Plant 2", "").isOk());
  ASSERT_TRUE(s.updateOnline({"plant-1", true, "epoch-1", 1, 0}).isOk());
  store::ReportedUpdate reported;
  reported.agentId = "plant-1";
  reported.json = "{}";
  reported.stats.outboxBacklog = 42;
  reported.stats.oldestUndeliveredAgeSeconds = 95;
  reported.stats.queueDepth = 7;
  reported.stats.json = R"({"flows": {"orders": {"watermarkLagSeconds": 310}}})";
  ASSERT_TRUE(s.updateReported(reported).isOk());

  metrics::Registry registry;
  SystemClock clock;
  registerFleetMetrics(registry, s, clock);
  const std::string text = registry.render();
  for (const char* line :
       {"ferry_agents 2\n", "ferry_agents_online 1\n", "ferry_agent_online{agent=\"plant-1\"} 1\n",
        "ferry_agent_online{agent=\"plant-2\"} 0\n",
        "ferry_agent_outbox_backlog_events{agent=\"plant-1\"} 42\n",
        "ferry_agent_oldest_undelivered_event_age_seconds{agent=\"plant-1\"} 95\n",
        "ferry_flow_watermark_lag_seconds{agent=\"plant-1\",flow=\"orders\"} 310\n"}) {
    EXPECT_NE(text.find(line), std::string::npos) << line << " missing in\n" << text;
  }
  auto lint = testing::runProcess({"/usr/bin/promtool", "check", "metrics"}, text);
  EXPECT_EQ(lint.exitCode, 0) << lint.out << lint.err;
}

}  // namespace
}  // namespace ferry::controller
