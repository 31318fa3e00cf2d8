// Agent ↔ controller sync over a real mosquitto, with real ferry-agent and ferry-controller
// processes (DESIGN.md "Agent ↔ controller protocol", docs/protocol.md).
#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "tests/support/sqlite_file.h"
#include "tests/support/tcp_relay.h"
#include "tests/sync/sync_world.h"

namespace ferry::testing {
namespace {

using json = ferry::Json;

// Every event of the agent's epoch is stored once and the outbox is empty: the stored seqs
// are exactly 1..last, the acknowledged prefix is last, and nothing waits.
void expectDrainedExactlyOnce(const ControllerProcess& c, const AgentProcess& a,
                              const std::string& agentId) {
  const std::string epoch = a.epoch();
  const std::string where = " WHERE agent_id = '" + agentId + "' AND epoch = '" + epoch + "'";
  const long long last = a.outboxLastSeq();
  EXPECT_GT(last, 0);
  EXPECT_EQ(a.outboxBacklog(), 0);
  EXPECT_EQ(sqliteScalar(c.sqlitePath(), "SELECT count(*) FROM events_seen" + where), last);
  EXPECT_EQ(sqliteScalar(c.sqlitePath(), "SELECT min(seq) FROM events_seen" + where), 1);
  EXPECT_EQ(sqliteScalar(c.sqlitePath(), "SELECT max(seq) FROM events_seen" + where), last);
  EXPECT_EQ(sqliteScalar(c.sqlitePath(), "SELECT prefix FROM event_prefixes" + where), last);
}

// The agent's run history and the controller's runs of that agent agree run by run.
void expectSameRuns(const ControllerProcess& c, const AgentProcess& a, const std::string& agentId) {
  auto agentRuns =
      sqliteQuery(a.stateDir() + "/runs.db",
                  "SELECT run_id, state, read, written, failed FROM runs ORDER BY run_id");
  auto controllerRuns =
      sqliteQuery(c.sqlitePath(),
                  "SELECT run_id, state, records_read, records_written, records_failed FROM runs "
                  "WHERE agent_id = '" +
                      agentId + "' ORDER BY run_id");
  EXPECT_FALSE(agentRuns.empty());
  EXPECT_EQ(agentRuns, controllerRuns);
}

class SyncTest : public ::testing::Test {
 protected:
  void SetUp() override { createDatabases(dir_, 3); }

  // Broker, controller, and one agent `a1` that has the definitions of `flows` applied.
  void startWorld(const Flows& flows = {}, std::map<std::string, std::string> agentEnv = {},
                  const std::string& mqttVersion = "5") {
    broker_ = std::make_unique<MosquittoBroker>();
    controller_ = std::make_unique<ControllerProcess>(dir_, "c1", broker_->url());
    controller_->setEnv("FERRY_MQTT_VERSION", mqttVersion);
    agentEnv["FERRY_MQTT_VERSION"] = mqttVersion;
    ASSERT_NO_FATAL_FAILURE(controller_->start());
    ASSERT_NO_FATAL_FAILURE(controller_->createAgent(flows.agent));
    agent_ = std::make_unique<AgentProcess>(dir_, flows.agent, agentUrl(), std::move(agentEnv));
    ASSERT_NO_FATAL_FAILURE(agent_->start());
    controller_->deploy(dir_.write("defs.json", definitions(dir_, flows)));
    ASSERT_TRUE(waitUntil([&] { return appliedVersion(flows.agent) == 1; }))
        << agent_->log() << controller_->log();
  }

  virtual std::string agentUrl() { return broker_->url(); }

  long long appliedVersion(const std::string& agentId) {
    auto r = controller_->get("/api/v1/agents/" + agentId);
    return r.body.is_object() && r.body["appliedVersion"].is_number()
               ? r.body["appliedVersion"].get<long long>()
               : 0;
  }

  bool agentOnline(const std::string& agentId) {
    auto r = controller_->get("/api/v1/agents/" + agentId);
    return r.body.is_object() && r.body.value("online", false);
  }

  long long controllerRuns(const std::string& extraWhere = "") {
    return sqliteScalar(controller_->sqlitePath(), "SELECT count(*) FROM runs" + extraWhere);
  }

  TempDir dir_;
  std::unique_ptr<MosquittoBroker> broker_;
  std::unique_ptr<ControllerProcess> controller_;
  std::unique_ptr<AgentProcess> agent_;
};

TEST_F(SyncTest, DeployIsAppliedAndTheRetainedStateHasTheDocumentedPayloads) {
  ASSERT_NO_FATAL_FAILURE(startWorld());
  ASSERT_TRUE(waitUntil([&] { return dstRows(dir_) == 3; })) << agent_->log();
  auto agent = controller_->get("/api/v1/agents/a1");
  EXPECT_EQ(agent.body["online"], true);
  EXPECT_EQ(agent.body["desiredVersion"], 1);
  EXPECT_EQ(agent.body["upToDate"], true);
  auto deployment = controller_->get("/api/v1/agents/a1/deployment");
  EXPECT_EQ(deployment.body["desired"]["state"], "applied") << deployment.body.dump();
  ASSERT_TRUE(waitUntil([&] { return controllerRuns(" WHERE state = 'succeeded'") > 0; }));

  // A plain subscriber sees the retained state of docs/protocol.md.
  ASSERT_TRUE(waitUntil([&] {
    return retainedMessages(broker_->port(), "ferry/v1/agents/a1/#", 1)
               .count("ferry/v1/agents/a1/acks") == 1;
  }));
  auto retained = retainedMessages(broker_->port(), "ferry/v1/agents/a1/#");
  ASSERT_EQ(retained.size(), 4u);  // desired, reported, online, acks; events are not retained
  json desired = json::parse(retained["ferry/v1/agents/a1/desired"]);
  EXPECT_EQ(desired["version"], 1);
  EXPECT_EQ(desired["resources"].size(), 6u);
  json online = json::parse(retained["ferry/v1/agents/a1/online"]);
  EXPECT_EQ(online["online"], true);
  EXPECT_EQ(online["epoch"], agent_->epoch());
  EXPECT_TRUE(online["session"].is_number_integer());
  json reported = json::parse(retained["ferry/v1/agents/a1/reported"]);
  EXPECT_EQ(reported["appliedVersion"], 1);
  EXPECT_EQ(reported["epoch"], agent_->epoch());
  EXPECT_TRUE(reported["agentVersion"].is_string());
  EXPECT_FALSE(reported.contains("rejectedVersion"));
  for (const char* key : {"outboxBacklog", "oldestUndeliveredAgeSeconds", "queueDepth"}) {
    EXPECT_TRUE(reported["stats"][key].is_number_integer()) << key << " in " << reported.dump();
  }
  EXPECT_TRUE(reported["stats"]["flows"].contains("copy")) << reported.dump();
  EXPECT_EQ(reported["flows"]["copy"]["state"], "active");
  json acks = json::parse(retained["ferry/v1/agents/a1/acks"]);
  EXPECT_EQ(acks["epoch"], agent_->epoch());
  EXPECT_GT(acks["upTo"].get<long long>(), 0);
}

TEST_F(SyncTest, EverythingWorksOverMqtt311) {
  // Correctness relies on 3.1.1 features only (QoS 1, retained messages, wills).
  ASSERT_NO_FATAL_FAILURE(startWorld({}, {{"FERRY_MQTT_KEEP_ALIVE_SECONDS", "5"}}, "3.1.1"));
  ASSERT_TRUE(waitUntil([&] { return dstRows(dir_) == 3 && controllerRuns() >= 2; }));
  ASSERT_TRUE(waitUntil([&] { return agent_->outboxBacklog() == 0; })) << agent_->log();
  auto run = controller_->call("POST", "/api/v1/flows/copy/pause");
  ASSERT_EQ(run.status, 202);
  ASSERT_TRUE(waitUntil([&] {
    return controller_->get("/api/v1/commands/" + run.body["id"].get<std::string>())
               .body["state"] == "done";
  }));
  ASSERT_TRUE(waitUntil([&] {
    auto reported = controller_->get("/api/v1/agents/a1").body;
    return reported["flows"]["copy"]["state"] == "paused";
  })) << controller_->get("/api/v1/agents/a1").body.dump();
  agent_->kill();
  ASSERT_TRUE(waitUntil([&] { return !agentOnline("a1"); }, std::chrono::seconds(20)));
}

TEST_F(SyncTest, BrokerKilledAndRestartedWithoutPersistenceLosesAndDoublesNothing) {
  // 1,000 rows that fail in each of 10 flows: 10,000 record.error events (plus the runs').
  sqliteExec(dir_.file("src.db"),
             "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) "
             "INSERT INTO bad SELECT i, 'x' FROM n;");
  Flows flows;
  flows.schedule = "";  // each runs once, on command: the event count is known
  flows.rejectFlows = 10;
  ASSERT_NO_FATAL_FAILURE(startWorld(flows, {{"FERRY_MQTT_HEARTBEAT_SECONDS", "3600"}}));
  for (int i = 1; i <= 10; ++i) {
    auto run = controller_->call("POST", "/api/v1/flows/reject-" + std::to_string(i) + "/run");
    ASSERT_EQ(run.status, 202) << run.body.dump();
  }
  // Kill the broker while the events are on their way.
  ASSERT_TRUE(waitUntil([&] {
    return sqliteScalar(controller_->sqlitePath(), "SELECT count(*) FROM events_seen") > 500;
  })) << controller_->log();
  broker_->kill();
  std::this_thread::sleep_for(std::chrono::seconds(2));
  broker_->start();  // no persistence: every retained message is gone
  ASSERT_TRUE(waitUntil(
      [&] {
        return sqliteScalar(controller_->sqlitePath(), "SELECT count(*) FROM run_errors") ==
                   10000 &&
               agent_->outboxBacklog() == 0;
      },
      std::chrono::seconds(120)))
      << "errors stored: "
      << sqliteScalar(controller_->sqlitePath(), "SELECT count(*) FROM run_errors")
      << ", outbox: " << agent_->outboxBacklog() << "\n"
      << agent_->log() << controller_->log();
  EXPECT_EQ(
      sqliteScalar(controller_->sqlitePath(),
                   "SELECT count(DISTINCT error_id) FROM run_errors WHERE flow_id LIKE 'reject-%'"),
      10000);
  expectDrainedExactlyOnce(*controller_, *agent_, "a1");
  EXPECT_GT(controller_->counter("ferry_controller_events_stored_total"), 10000);

  // Retained state is rebuilt by the agent (online, reported) and the controller (desired,
  // acks) after the broker lost it.
  ASSERT_TRUE(waitUntil([&] {
    return retainedMessages(broker_->port(), "ferry/v1/agents/a1/#", 1).size() == 4;
  })) << agent_->log();
  auto retained = retainedMessages(broker_->port(), "ferry/v1/agents/a1/#");
  EXPECT_EQ(json::parse(retained["ferry/v1/agents/a1/desired"])["version"], 1);
  EXPECT_EQ(json::parse(retained["ferry/v1/agents/a1/online"])["online"], true);
  EXPECT_EQ(json::parse(retained["ferry/v1/agents/a1/reported"])["appliedVersion"], 1);
  EXPECT_EQ(json::parse(retained["ferry/v1/agents/a1/acks"])["upTo"], agent_->outboxLastSeq());
}

TEST_F(SyncTest, ControllerDownForAWhileThenBackLosesAndDoublesNothing) {
  ASSERT_NO_FATAL_FAILURE(startWorld());
  ASSERT_TRUE(waitUntil([&] { return controllerRuns() >= 2; }));
  controller_->kill();
  const long long before =
      sqliteScalar(agent_->stateDir() + "/runs.db", "SELECT count(*) FROM runs");
  sqliteExec(dir_.file("src.db"), "INSERT INTO src VALUES (4, 'new'), (5, 'new');");
  // The flows go on: at least three more runs while nobody stores their events.
  ASSERT_TRUE(waitUntil([&] {
    return sqliteScalar(agent_->stateDir() + "/runs.db", "SELECT count(*) FROM runs") >= before + 3;
  }));
  EXPECT_GT(agent_->outboxBacklog(), 0);
  ASSERT_NO_FATAL_FAILURE(controller_->start());
  ASSERT_TRUE(waitUntil([&] { return agent_->outboxBacklog() == 0; }, std::chrono::seconds(90)))
      << agent_->log();
  agent_->stop();  // no new runs while comparing
  EXPECT_EQ(dstRows(dir_), 5);
  expectDrainedExactlyOnce(*controller_, *agent_, "a1");
  expectSameRuns(*controller_, *agent_, "a1");
}

TEST_F(SyncTest, AFullOutboxPausesExportsAndLosesNoEvent) {
  Flows flows;
  flows.rejectFlows = 1;
  flows.rejectPageSize = 5;  // a page's errors fit in the room above the quota
  // About 50 record.error events fill this outbox; 1,000 come.
  ASSERT_NO_FATAL_FAILURE(startWorld(flows, {{"FERRY_OUTBOX_QUOTA_BYTES", "12000"}}));
  controller_->kill();
  sqliteExec(dir_.file("src.db"),
             "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000) "
             "INSERT INTO bad SELECT i, 'x' FROM n;");
  ASSERT_TRUE(waitUntil([&] {
    return agent_->log().find("outbox full: paused") != std::string::npos;
  })) << agent_->log();
  ASSERT_NO_FATAL_FAILURE(controller_->start());
  ASSERT_TRUE(waitUntil(
      [&] {
        return sqliteScalar(controller_->sqlitePath(),
                            "SELECT count(*) FROM run_errors WHERE flow_id = 'reject-1'") == 1000 &&
               agent_->outboxBacklog() == 0;
      },
      std::chrono::seconds(120)))
      << sqliteScalar(controller_->sqlitePath(), "SELECT count(*) FROM run_errors") << "\n"
      << agent_->log();
  EXPECT_NE(agent_->log().find("outbox has room: resumed"), std::string::npos);
  EXPECT_EQ(agent_->log().find("event not stored"), std::string::npos);  // nothing dropped
  agent_->stop();
  expectDrainedExactlyOnce(*controller_, *agent_, "a1");
}

class CutOffSyncTest : public SyncTest {
 protected:
  std::string agentUrl() override {
    relay_ = std::make_unique<TcpRelay>(broker_->port());
    return "tcp://127.0.0.1:" + std::to_string(relay_->port());
  }
  std::unique_ptr<TcpRelay> relay_;
};

TEST_F(CutOffSyncTest, AgentCutOffWhileFlowsRunDeliversEveryRunInOrderAfterwards) {
  ASSERT_NO_FATAL_FAILURE(startWorld());
  ASSERT_TRUE(waitUntil([&] { return controllerRuns() >= 1; }));
  relay_->cut();
  // The controller learns from the will that the agent is gone.
  ASSERT_TRUE(waitUntil([&] { return !agentOnline("a1"); })) << controller_->log();
  const long long before =
      sqliteScalar(agent_->stateDir() + "/runs.db", "SELECT count(*) FROM runs");
  ASSERT_TRUE(waitUntil([&] {
    return sqliteScalar(agent_->stateDir() + "/runs.db", "SELECT count(*) FROM runs") >= before + 4;
  }));
  relay_->restore();
  ASSERT_TRUE(waitUntil([&] { return agentOnline("a1"); }, std::chrono::seconds(90)))
      << agent_->log();
  ASSERT_TRUE(waitUntil([&] { return agent_->outboxBacklog() == 0; }, std::chrono::seconds(90)))
      << agent_->log();
  agent_->stop();
  expectDrainedExactlyOnce(*controller_, *agent_, "a1");
  expectSameRuns(*controller_, *agent_, "a1");
  // In order: the controller first received seq n+1 no earlier than seq n.
  auto received = sqliteQuery(controller_->sqlitePath(),
                              "SELECT seq, received_at FROM events_seen WHERE agent_id = 'a1' "
                              "ORDER BY seq");
  for (std::size_t i = 1; i < received.size(); ++i) {
    ASSERT_LE(std::stoll(received[i - 1][1]), std::stoll(received[i][1]))
        << "seq " << received[i][0] << " arrived before seq " << received[i - 1][0];
  }
}

TEST_F(SyncTest, InvalidDesiredDocumentIsRejectedAndThePreviousVersionRunsOn) {
  ASSERT_NO_FATAL_FAILURE(startWorld());
  // A document the agent cannot run (a flow reading an export that does not exist), as an
  // older or broken controller might publish it.
  json bad = {{"version", 99},
              {"resources", json::array({{{"kind", "flow"},
                                          {"id", "broken"},
                                          {"agent", "a1"},
                                          {"sources", json::array({"missing"})},
                                          {"steps", json::array()}}})}};
  publishRaw(broker_->port(), "ferry/v1/agents/a1/desired", bad.dump(), true);
  ASSERT_TRUE(waitUntil([&] {
    auto r = controller_->get("/api/v1/agents/a1");
    return r.body["rejectedVersion"] == 99;
  })) << agent_->log();
  auto agent = controller_->get("/api/v1/agents/a1");
  EXPECT_EQ(agent.body["appliedVersion"], 1);
  const std::string error =
      agent.body["error"].is_string() ? agent.body["error"].get<std::string>() : "";
  EXPECT_NE(error.find("/resources/0/sources/0"), std::string::npos) << agent.body.dump();
  EXPECT_NE(error.find("missing"), std::string::npos) << error;
  // Version 1 keeps running: new rows still arrive.
  sqliteExec(dir_.file("src.db"), "INSERT INTO src VALUES (10, 'after');");
  ASSERT_TRUE(waitUntil([&] { return dstRows(dir_) == 4; })) << agent_->log();
  // A proper deploy afterwards is numbered above the rejected version, so it is applied.
  controller_->deploy(dir_.write("defs2.json", definitions(dir_, Flows{"a1", "2s", 0})));
  ASSERT_TRUE(waitUntil([&] { return appliedVersion("a1") == 100; })) << agent_->log();
  EXPECT_EQ(controller_->get("/api/v1/agents/a1").body["upToDate"], true);
}

TEST_F(SyncTest, AgentKilledGoesOfflineAndACommandQueuedMeanwhileRunsOnceAfterItReturns) {
  Flows flows;
  flows.schedule = "";  // runs only on command
  ASSERT_NO_FATAL_FAILURE(startWorld(flows, {{"FERRY_MQTT_KEEP_ALIVE_SECONDS", "5"}}));
  const std::string oldEpoch = agent_->epoch();
  auto oldSession =
      sqliteScalar(controller_->sqlitePath(), "SELECT session_no FROM agents WHERE id = 'a1'");
  agent_->kill();
  ASSERT_TRUE(waitUntil([&] { return !agentOnline("a1"); }, std::chrono::seconds(20)))
      << controller_->log();
  auto run = controller_->call("POST", "/api/v1/flows/copy/run");
  ASSERT_EQ(run.status, 202) << run.body.dump();
  const std::string commandId = run.body["id"];
  ASSERT_NO_FATAL_FAILURE(agent_->start());
  ASSERT_TRUE(waitUntil([&] { return agentOnline("a1"); }));
  ASSERT_TRUE(waitUntil([&] {
    return controller_->get("/api/v1/commands/" + commandId).body["state"] == "done";
  })) << agent_->log()
      << controller_->log();
  EXPECT_EQ(agent_->epoch(), oldEpoch);
  EXPECT_NE(
      sqliteScalar(controller_->sqlitePath(), "SELECT session_no FROM agents WHERE id = 'a1'"),
      oldSession);
  // A late will of the old session changes nothing.
  publishRaw(broker_->port(), "ferry/v1/agents/a1/online",
             json{{"online", false}, {"epoch", oldEpoch}, {"session", oldSession}}.dump(), true);
  // The command is repeated (as after a lost result): answered again, not run again.
  publishRaw(broker_->port(), "ferry/v1/agents/a1/commands",
             json{{"id", commandId}, {"type", "run-flow"}, {"args", {{"flowId", "copy"}}}}.dump());
  ASSERT_TRUE(waitUntil([&] { return dstRows(dir_) == 3; })) << agent_->log();
  ASSERT_TRUE(waitUntil(
      [&] { return agent_->log().find("\"msg\":\"run finished\"") != std::string::npos; }));
  std::this_thread::sleep_for(std::chrono::seconds(2));  // room for a wrong second run
  EXPECT_TRUE(agentOnline("a1"));
  EXPECT_EQ(sqliteScalar(agent_->stateDir() + "/runs.db", "SELECT count(*) FROM runs"), 1);
  EXPECT_EQ(sqliteScalar(agent_->stateDir() + "/runs.db",
                         "SELECT count(*) FROM runs WHERE trigger = 'on-demand'"),
            1);
}

TEST_F(SyncTest, AFreshStateDirectoryStartsANewEpochWhoseEventsAreStored) {
  ASSERT_NO_FATAL_FAILURE(startWorld());
  ASSERT_TRUE(waitUntil([&] { return agent_->outboxBacklog() == 0 && controllerRuns() >= 1; }));
  agent_->stop();
  const std::string oldEpoch = agent_->epoch();
  const long long oldLast = agent_->outboxLastSeq();
  agent_->useFreshStateDir();
  ASSERT_NO_FATAL_FAILURE(agent_->start());
  // The new state has no document: the controller sends it again when the agent reports.
  ASSERT_TRUE(waitUntil([&] {
    return sqliteScalar(agent_->stateDir() + "/runs.db", "SELECT count(*) FROM runs") >= 2;
  })) << agent_->log();
  ASSERT_TRUE(waitUntil([&] { return agent_->outboxBacklog() == 0; })) << agent_->log();
  agent_->stop();
  EXPECT_NE(agent_->epoch(), oldEpoch);
  expectDrainedExactlyOnce(*controller_, *agent_, "a1");
  EXPECT_EQ(sqliteScalar(controller_->sqlitePath(),
                         "SELECT count(*) FROM events_seen WHERE epoch = '" + oldEpoch + "'"),
            oldLast);
}

TEST_F(SyncTest, MalformedPayloadsAreCountedAndIgnoredAndQuarantinedEventsDoNotBlockAcks) {
  ASSERT_NO_FATAL_FAILURE(startWorld());
  ASSERT_NO_FATAL_FAILURE(controller_->createAgent("q1"));
  const int port = broker_->port();
  const std::string events = "ferry/v1/agents/q1/events";
  const std::vector<std::pair<std::string, std::string>> bad = {
      {events, "not json"},
      {events, "[1,2]"},
      {events, R"({"agent":"q1","epoch":"e1","type":"heartbeat","ts":"x","body":{}})"},  // no seq
      {events, R"({"agent":"q1","epoch":"e1","seq":"1","type":"heartbeat","ts":"x","body":{}})"},
      {events, R"({"agent":"a1","epoch":"e1","seq":1,"type":"heartbeat","ts":"x","body":{}})"},
      {events, R"({"agent":"q1","epoch":"e1","seq":0,"type":"heartbeat","ts":"x","body":{}})"},
      {"ferry/v1/agents/q1/online", R"({"online":"yes","epoch":"e1","session":1})"},
      {"ferry/v1/agents/q1/online", "{"},
      {"ferry/v1/agents/q1/reported", R"({"appliedVersion":-1})"},
      {"ferry/v1/agents/nobody/online", R"({"online":true,"epoch":"e1","session":1})"},
      {"ferry/v1/agents/nobody/events",
       R"({"agent":"nobody","epoch":"e1","seq":1,"type":"heartbeat","ts":"x","body":{}})"},
      {"ferry/v1/agents/Not_Valid!/events", "{}"},
  };
  for (const auto& [topic, payload] : bad) publishRaw(port, topic, payload);
  ASSERT_TRUE(waitUntil([&] {
    return controller_->counter("ferry_controller_mqtt_malformed_total") ==
           static_cast<double>(bad.size());
  })) << controller_->metrics()
      << controller_->log();
  // Logged once per reason, with the reason.
  EXPECT_NE(controller_->log().find("does not match the topic"), std::string::npos);

  // Valid envelopes: a bad body and an unknown type are quarantined, and the prefix moves on.
  auto envelope = [](int seq, const std::string& type, const json& body) {
    return json{{"agent", "q1"},
                {"epoch", "e1"},
                {"seq", seq},
                {"type", type},
                {"ts", "2026-11-30T00:00:00Z"},
                {"body", body}}
        .dump();
  };
  publishRaw(port, events, envelope(1, "run.started", {{"flowId", 7}}));
  publishRaw(port, events, envelope(2, "made.up", json::object()));
  publishRaw(port, events, envelope(3, "heartbeat", {{"stats", {{"outboxBacklog", 4}}}}));
  ASSERT_TRUE(waitUntil([&] {
    auto acks = retainedMessages(port, "ferry/v1/agents/q1/acks", 1);
    return acks.count("ferry/v1/agents/q1/acks") == 1 &&
           json::parse(acks["ferry/v1/agents/q1/acks"])["upTo"] == 3;
  })) << controller_->log();
  EXPECT_EQ(sqliteScalar(controller_->sqlitePath(),
                         "SELECT count(*) FROM quarantined_events WHERE agent_id = 'q1'"),
            2);
  EXPECT_EQ(controller_->counter("ferry_controller_events_quarantined_total"), 2);
  EXPECT_EQ(controller_->get("/api/v1/agents/q1").body["backlog"]["outboxBacklog"], 4);
  // The old event again: stored once, acknowledged again.
  publishRaw(port, events, envelope(3, "heartbeat", {{"stats", {{"outboxBacklog", 4}}}}));
  ASSERT_TRUE(waitUntil(
      [&] { return controller_->counter("ferry_controller_events_repeated_total") == 1; }));
  // The controller still does its job for the real agent.
  EXPECT_TRUE(agentOnline("a1"));
  EXPECT_EQ(controller_->get("/api/v1/health").status, 200);
}

}  // namespace
}  // namespace ferry::testing
