#include "tests/controller/store/store_fixture.h"

namespace ferry::controller::store::testing {
namespace {

class StoreAgentsTest : public StoreTest {};

TEST_P(StoreAgentsTest, CreateGetListRenameDelete) {
  AgentRecord a = must(store_->createAgent("plant-1", "Plant 1", "hash-1"));
  EXPECT_EQ(a.id, "plant-1");
  EXPECT_EQ(a.createdAtMs, kT0);
  EXPECT_FALSE(a.online);
  must(store_->createAgent("plant-0", "", ""));

  auto dup = store_->createAgent("plant-1", "again", "");
  ASSERT_FALSE(dup.isOk());
  EXPECT_EQ(dup.status().code(), StatusCode::kAlreadyExists);
  EXPECT_NE(dup.status().message().find("plant-1"), std::string::npos);

  auto all = must(store_->listAgents());
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].id, "plant-0");  // by id

  EXPECT_EQ(must(store_->findAgentByEnrollmentHash("hash-1")).id, "plant-1");
  must(store_->setEnrollmentTokenHash("plant-1", ""));  // the token was used
  EXPECT_EQ(store_->findAgentByEnrollmentHash("hash-1").status().code(), StatusCode::kNotFound);

  must(store_->renameAgent("plant-1", "Plant One"));
  EXPECT_EQ(must(store_->getAgent("plant-1")).displayName, "Plant One");
  EXPECT_EQ(store_->renameAgent("nope", "x").code(), StatusCode::kNotFound);

  must(store_->deleteAgent("plant-1"));
  EXPECT_EQ(store_->getAgent("plant-1").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(store_->deleteAgent("plant-1").code(), StatusCode::kNotFound);
}

TEST_P(StoreAgentsTest, AWillCountsOnlyForTheCurrentSession) {
  must(store_->createAgent("a", "", ""));
  EXPECT_TRUE(must(store_->updateOnline({"a", true, "epoch-1", 1, kT0 + 10})));
  auto a = must(store_->getAgent("a"));
  EXPECT_TRUE(a.online);
  EXPECT_EQ(a.session, 1);
  EXPECT_EQ(a.lastSeenMs, kT0 + 10);

  // The agent reconnected (session 2); the will of session 1 arrives late.
  EXPECT_TRUE(must(store_->updateOnline({"a", true, "epoch-1", 2, kT0 + 20})));
  EXPECT_FALSE(must(store_->updateOnline({"a", false, "epoch-1", 1, kT0 + 30})));
  EXPECT_TRUE(must(store_->getAgent("a")).online);
  // Same session number but another epoch (a new state directory) is not it either.
  EXPECT_FALSE(must(store_->updateOnline({"a", false, "epoch-0", 2, kT0 + 30})));
  EXPECT_TRUE(must(store_->getAgent("a")).online);

  EXPECT_TRUE(must(store_->updateOnline({"a", false, "epoch-1", 2, kT0 + 40})));
  a = must(store_->getAgent("a"));
  EXPECT_FALSE(a.online);
  EXPECT_EQ(a.lastSeenMs, kT0 + 40);

  EXPECT_EQ(store_->updateOnline({"ghost", true, "e", 1, 0}).status().code(),
            StatusCode::kNotFound);
}

TEST_P(StoreAgentsTest, LastSeenOnlyMovesForward) {
  must(store_->createAgent("a", "", ""));
  must(store_->touchAgent("a", kT0 + 500));
  must(store_->touchAgent("a", kT0 + 100));
  EXPECT_EQ(must(store_->getAgent("a")).lastSeenMs, kT0 + 500);
  EXPECT_EQ(store_->touchAgent("ghost", kT0).code(), StatusCode::kNotFound);
}

TEST_P(StoreAgentsTest, ReportedStateUpdatesTheAgentAndItsDeployments) {
  must(store_->createAgent("a", "", ""));
  must(store_->putDeployment("a", 1, R"({"version":1,"resources":[]})"));
  must(store_->putDeployment("a", 2, R"({"version":2,"resources":[{"kind":"flow"}]})"));

  ReportedUpdate r;
  r.agentId = "a";
  r.json = R"({"appliedVersion":1,"rejectedVersion":2})";
  r.appliedVersion = 1;
  r.rejectedVersion = 2;
  r.error = "/resources/0/id: missing";
  r.agentVersion = "0.1.0";
  r.stats = {7, 42, 3, R"({"outboxBacklog":7})"};
  r.atMs = kT0 + 1000;
  must(store_->updateReported(r));

  auto a = must(store_->getAgent("a"));
  EXPECT_EQ(a.appliedVersion, 1);
  EXPECT_EQ(a.rejectedVersion, 2);
  EXPECT_EQ(a.lastError, "/resources/0/id: missing");
  EXPECT_EQ(a.agentVersion, "0.1.0");
  EXPECT_EQ(a.reported, r.json);
  EXPECT_EQ(a.stats.outboxBacklog, 7);
  EXPECT_EQ(a.stats.oldestUndeliveredAgeSeconds, 42);
  EXPECT_EQ(a.stats.queueDepth, 3);
  EXPECT_EQ(a.stats.json, R"({"outboxBacklog":7})");

  auto deployments = must(store_->listDeployments("a", 10));
  ASSERT_EQ(deployments.size(), 2u);
  EXPECT_EQ(deployments[0].version, 2);
  EXPECT_EQ(deployments[0].state, DeploymentState::kRejected);
  EXPECT_EQ(deployments[0].error, "/resources/0/id: missing");
  EXPECT_EQ(deployments[1].state, DeploymentState::kApplied);

  // A report older than the stored one (redelivered, or from a slower replica) is ignored.
  ReportedUpdate old = r;
  old.appliedVersion = 0;
  old.atMs = kT0 + 500;
  must(store_->updateReported(old));
  EXPECT_EQ(must(store_->getAgent("a")).appliedVersion, 1);

  r.agentId = "ghost";
  EXPECT_EQ(store_->updateReported(r).code(), StatusCode::kNotFound);
}

TEST_P(StoreAgentsTest, DeploymentVersionsOnlyGrow) {
  must(store_->createAgent("a", "", ""));
  must(store_->createAgent("b", "", ""));
  EXPECT_EQ(store_->latestDeployment("a").status().code(), StatusCode::kNotFound);
  auto d1 = must(store_->putDeployment("a", 1, R"({"version":1})"));
  EXPECT_EQ(d1.state, DeploymentState::kPending);
  EXPECT_EQ(d1.createdAtMs, kT0);
  must(store_->putDeployment("a", 2, R"({"version":2})"));
  must(store_->putDeployment("b", 1, R"({"version":1,"b":true})"));

  auto stale = store_->putDeployment("a", 2, R"({"version":2})");
  ASSERT_FALSE(stale.isOk());
  EXPECT_EQ(stale.status().code(), StatusCode::kFailedPrecondition);

  auto latest = must(store_->latestDeployment("a"));
  EXPECT_EQ(latest.version, 2);
  EXPECT_EQ(latest.document, R"({"version":2})");

  auto all = must(store_->latestDeployments());
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].agentId, "a");
  EXPECT_EQ(all[0].version, 2);
  EXPECT_EQ(all[1].agentId, "b");
  EXPECT_EQ(all[1].document, R"({"version":1,"b":true})");

  EXPECT_EQ(store_->putDeployment("ghost", 1, "{}").status().code(), StatusCode::kNotFound);
  must(store_->deleteAgent("b"));
  EXPECT_EQ(must(store_->latestDeployments()).size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreAgentsTest,
                         ::testing::Values(TestBackend::kSqlite, TestBackend::kPostgresql),
                         backendParamName);

}  // namespace
}  // namespace ferry::controller::store::testing
