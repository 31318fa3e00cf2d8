// Agents and deployments: enrollment tokens, fleet view, desired documents per agent.
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <thread>

#include "controller/api/tokens.h"
#include "tests/controller/api/api_fixture.h"

namespace ferry::controller::api::testing {
namespace {

using AgentsTest = ApiTest;
using DeployTest = ApiTest;

std::vector<std::string> resourceIds(const ferry::Json& document) {
  std::vector<std::string> out;
  for (const auto& r : document["resources"]) {
    out.push_back(r["kind"].get<std::string>() + "/" + r["id"].get<std::string>());
  }
  return out;
}

TEST_F(AgentsTest, CreateReturnsAOneTimeEnrollmentTokenStoredHashed) {
  Reply r = post("/api/v1/agents", {{"id", "plant-1"}, {"name", "Plant 1"}});
  ASSERT_EQ(r.status, 201) << r.text;
  EXPECT_EQ(r.header("location"), "/api/v1/agents/plant-1");
  std::string token = r.body["enrollmentToken"];
  EXPECT_EQ(token.rfind(kEnrollmentTokenPrefix, 0), 0u);
  auto stored = store_->getAgent("plant-1");
  ASSERT_TRUE(stored.isOk());
  EXPECT_EQ(stored->enrollmentTokenHash, tokenHash(token));
  EXPECT_EQ(stored->displayName, "Plant 1");
  Reply got = get("/api/v1/agents/plant-1");
  EXPECT_FALSE(got.body.contains("enrollmentToken"));
  EXPECT_EQ(got.body["enrolled"], false);
  expectProblem(post("/api/v1/agents", {{"id", "plant-1"}}), 409);
}

TEST_F(AgentsTest, InvalidAgentBodiesAre422WithPointers) {
  Reply r = post("/api/v1/agents", {{"id", "Bad Id"}, {"name", 3}, {"extra", true}});
  expectProblem(r, 422);
  std::set<std::string> pointers;
  for (const auto& e : r.body["errors"]) pointers.insert(e["pointer"]);
  EXPECT_EQ(pointers, (std::set<std::string>{"/id", "/name", "/extra"}));
}

TEST_F(AgentsTest, AnEnrollmentTokenExpiresADayAfterTheAgentWasCreated) {
  Reply created = post("/api/v1/agents", {{"id", "late"}});
  ASSERT_EQ(created.status, 201);
  const std::string token = created.body["enrollmentToken"];
  clock_.set(kT0 + 24LL * 3600 * 1000 + 1);
  Reply expired = post("/api/v1/enroll", {{"token", token}});
  expectProblem(expired, 403);
  EXPECT_NE(expired.body["detail"].get<std::string>().find("expired"), std::string::npos)
      << expired.body.dump();
  EXPECT_EQ(get("/api/v1/agents/late").body["enrolled"], false);  // still unused
}

TEST_F(AgentsTest, ADeployGoesAboveTheVersionTheAgentReports) {
  // An agent deleted and created again keeps its state: it reports version 7 and would
  // ignore versions 1 to 7, so the next document is version 8.
  createAgent("plant-1");
  seedDefinitions("erp", "plant-1");
  store::ReportedUpdate reported;
  reported.agentId = "plant-1";
  reported.json = R"({"appliedVersion":7})";
  reported.appliedVersion = 7;
  reported.agentVersion = "1.2.3";
  ASSERT_TRUE(store_->updateReported(reported).isOk());
  Reply r = post("/api/v1/integrations/erp/deploy", ferry::Json::object());
  ASSERT_EQ(r.status, 200) << r.body.dump();
  EXPECT_EQ(r.body["deployments"][0]["version"], 8) << r.body.dump();
}

TEST_F(AgentsTest, ListShowsOnlineStateVersionsErrorAndBacklog) {
  createAgent("plant-1");
  createAgent("plant-2");
  seedDefinitions("erp", "plant-1");
  ASSERT_EQ(post("/api/v1/integrations/erp/deploy", ferry::Json::object()).status, 200);
  ASSERT_TRUE(store_->updateOnline({"plant-1", true, "epoch-1", 1, kT0 + 5000}).isOk());
  store::ReportedUpdate reported;
  reported.agentId = "plant-1";
  reported.json = R"({"appliedVersion":0})";
  reported.rejectedVersion = 1;
  reported.error = "/resources/0/settings/path: missing";
  reported.agentVersion = "1.2.3";
  reported.stats.outboxBacklog = 17;
  reported.stats.queueDepth = 4;
  reported.atMs = kT0 + 6000;
  ASSERT_TRUE(store_->updateReported(reported).isOk());
  Reply list = get("/api/v1/agents");
  ASSERT_EQ(list.status, 200) << list.text;
  ASSERT_EQ(list.body["items"].size(), 2u);
  const auto& a = list.body["items"][0];
  EXPECT_EQ(a["id"], "plant-1");
  EXPECT_EQ(a["online"], true);
  EXPECT_EQ(a["lastSeen"], "2026-01-01T00:00:06.000Z");
  EXPECT_EQ(a["agentVersion"], "1.2.3");
  EXPECT_EQ(a["desiredVersion"], 1);
  EXPECT_TRUE(a["appliedVersion"].is_null());
  EXPECT_EQ(a["rejectedVersion"], 1);
  EXPECT_EQ(a["error"], "/resources/0/settings/path: missing");
  EXPECT_EQ(a["upToDate"], false);
  EXPECT_EQ(a["backlog"]["outboxBacklog"], 17);
  EXPECT_EQ(a["backlog"]["queueDepth"], 4);
  const auto& b = list.body["items"][1];
  EXPECT_EQ(b["online"], false);
  EXPECT_TRUE(b["lastSeen"].is_null());
  EXPECT_TRUE(b["desiredVersion"].is_null());
  Reply deployment = get("/api/v1/agents/plant-1/deployment");
  ASSERT_EQ(deployment.status, 200);
  EXPECT_EQ(deployment.body["desired"]["version"], 1);
  EXPECT_EQ(deployment.body["desired"]["state"], "rejected");
  EXPECT_EQ(deployment.body["error"], "/resources/0/settings/path: missing");
}

TEST_F(AgentsTest, DeleteRemovesTheAgent) {
  createAgent("plant-1");
  Reply del = call("DELETE", "/api/v1/agents/plant-1");
  EXPECT_EQ(del.status, 204);
  expectProblem(get("/api/v1/agents/plant-1"), 404);
  expectProblem(call("DELETE", "/api/v1/agents/plant-1"), 404);
}

TEST_F(DeployTest, DeployStoresAndPublishesEachAgentsWholeDesiredDocument) {
  createAgent("plant-1");
  seedDefinitions("erp", "plant-1");
  Reply r = post("/api/v1/integrations/erp/deploy", ferry::Json::object());
  ASSERT_EQ(r.status, 200) << r.text;
  ASSERT_EQ(r.body["deployments"].size(), 1u);
  EXPECT_EQ(r.body["deployments"][0]["agent"], "plant-1");
  EXPECT_EQ(r.body["deployments"][0]["version"], 1);
  auto published = publisher_.published();
  ASSERT_EQ(published.size(), 1u);
  EXPECT_EQ(published[0].version, 1);
  EXPECT_EQ(published[0].document["version"], 1);
  EXPECT_EQ(resourceIds(published[0].document),
            (std::vector<std::string>{"connection/erp-dst", "connection/erp-src", "export/erp-rows",
                                      "flow/orders", "import/erp-out", "integration/erp"}));
  auto stored = store_->latestDeployment("plant-1");
  ASSERT_TRUE(stored.isOk());
  EXPECT_EQ(ferry::Json::parse(stored->document), published[0].document);

  // A second integration on the same agent: its document holds both, at version 2.
  seedDefinitions("crm", "plant-1", "contacts");
  ASSERT_EQ(post("/api/v1/integrations/crm/deploy", ferry::Json::object()).status, 200);
  published = publisher_.published();
  ASSERT_EQ(published.size(), 2u);
  EXPECT_EQ(published[1].version, 2);
  auto ids = resourceIds(published[1].document);
  EXPECT_NE(std::find(ids.begin(), ids.end(), "flow/orders"), ids.end());
  EXPECT_NE(std::find(ids.begin(), ids.end(), "flow/contacts"), ids.end());
}

TEST_F(DeployTest, MovingAFlowRebuildsTheOldAndTheNewAgent) {
  createAgent("plant-1");
  createAgent("plant-2");
  seedDefinitions("erp", "plant-1");
  ASSERT_EQ(post("/api/v1/integrations/erp/deploy", ferry::Json::object()).status, 200);
  ferry::Json flow = get("/api/v1/resources/flow/orders").body["resource"];
  flow["agent"] = "plant-2";
  putOk(flow);
  Reply r = post("/api/v1/integrations/erp/deploy", ferry::Json::object());
  ASSERT_EQ(r.status, 200) << r.text;
  ASSERT_EQ(r.body["deployments"].size(), 2u);
  auto published = publisher_.published();
  ASSERT_EQ(published.size(), 3u);
  for (const auto& p : {published[1], published[2]}) {
    if (p.agentId == "plant-1") {
      EXPECT_EQ(p.version, 2);
      EXPECT_TRUE(p.document["resources"].empty()) << p.document.dump();
    } else {
      EXPECT_EQ(p.agentId, "plant-2");
      EXPECT_EQ(p.version, 1);
      EXPECT_EQ(p.document["resources"].size(), 6u);
    }
  }
}

TEST_F(DeployTest, ConcurrentDeploysToOneAgentKeepEachOthersIntegrations) {
  // Each round: a fresh agent and two integrations deployed to it at the same time. The
  // deploy that loses the race for version 1 must rebuild on the winner's document.
  for (int round = 0; round < 12; ++round) {
    std::string n = std::to_string(round);
    createAgent("agent-" + n);
    seedDefinitions("erp" + n, "agent-" + n, "orders" + n);
    seedDefinitions("crm" + n, "agent-" + n, "contacts" + n);
    std::vector<int> statuses(2);
    std::thread a(
        [&] { statuses[0] = post("/api/v1/integrations/erp" + n + "/deploy", {}).status; });
    std::thread b(
        [&] { statuses[1] = post("/api/v1/integrations/crm" + n + "/deploy", {}).status; });
    a.join();
    b.join();
    EXPECT_EQ(statuses, (std::vector<int>{200, 200}));
    auto latest = store_->latestDeployment("agent-" + n);
    ASSERT_TRUE(latest.isOk());
    EXPECT_EQ(latest->version, 2);
    auto ids = resourceIds(ferry::Json::parse(latest->document));
    EXPECT_NE(std::find(ids.begin(), ids.end(), "flow/orders" + n), ids.end()) << round;
    EXPECT_NE(std::find(ids.begin(), ids.end(), "flow/contacts" + n), ids.end()) << round;
  }
}

TEST_F(DeployTest, FlowOnAnUnknownAgentIs422AndNothingIsStored) {
  seedDefinitions("erp", "ghost");
  Reply r = post("/api/v1/integrations/erp/deploy", ferry::Json::object());
  expectProblem(r, 422);
  EXPECT_NE(r.body["errors"][0]["detail"].get<std::string>().find("ghost"), std::string::npos);
  EXPECT_TRUE(publisher_.published().empty());
  expectProblem(post("/api/v1/integrations/none/deploy", ferry::Json::object()), 404);
}

TEST_F(DeployTest, AgentDeploymentShowsDesiredAgainstApplied) {
  createAgent("plant-1");
  seedDefinitions("erp", "plant-1");
  ASSERT_EQ(post("/api/v1/integrations/erp/deploy", ferry::Json::object()).status, 200);
  Reply before = get("/api/v1/agents/plant-1/deployment");
  ASSERT_EQ(before.status, 200) << before.text;
  EXPECT_EQ(before.body["desired"]["state"], "pending");
  EXPECT_EQ(before.body["upToDate"], false);
  EXPECT_EQ(before.body["desired"]["document"]["version"], 1);
  store::ReportedUpdate reported;
  reported.agentId = "plant-1";
  reported.json = R"({"appliedVersion":1})";
  reported.appliedVersion = 1;
  ASSERT_TRUE(store_->updateReported(reported).isOk());
  Reply after = get("/api/v1/agents/plant-1/deployment");
  EXPECT_EQ(after.body["desired"]["state"], "applied");
  EXPECT_EQ(after.body["appliedVersion"], 1);
  EXPECT_EQ(after.body["upToDate"], true);
  EXPECT_EQ(get("/api/v1/agents/plant-1").body["upToDate"], true);
  expectProblem(get("/api/v1/agents/none/deployment"), 404);
}

}  // namespace
}  // namespace ferry::controller::api::testing
