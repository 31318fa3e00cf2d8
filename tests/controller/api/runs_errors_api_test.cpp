// Runs, errors and commands, from data seeded through the store (the sync side feeds them).
#include <gtest/gtest.h>

#include <set>

#include "tests/controller/api/api_fixture.h"

namespace ferry::controller::api::testing {
namespace {

class RunsErrorsTest : public ApiTest {
 protected:
  // Run i of `flow` on `agent`, started i minutes after kT0, finished a second later.
  void seedRun(int i, const std::string& flow, const std::string& agent,
               const std::string& state = "succeeded") {
    store::RunUpdate started;
    started.kind = store::RunUpdate::Kind::kStarted;
    started.runId = "run-" + flow + "-" + std::to_string(i);
    started.agentId = agent;
    started.flowId = flow;
    started.integration = "erp";
    started.trigger = "schedule";
    started.startedAtMs = kT0 + i * 60'000;
    ASSERT_TRUE(store_->upsertRun(started).isOk());
    store::RunUpdate finished = started;
    finished.kind = store::RunUpdate::Kind::kFinished;
    finished.state = state;
    finished.counts = {10, 2, 7, 1};
    finished.finishedAtMs = started.startedAtMs + 1500;
    ASSERT_TRUE(store_->upsertRun(finished).isOk());
  }
  void seedError(const std::string& id, const std::string& agent, const std::string& run,
                 int minute) {
    store::RunErrorRecord e;
    e.errorId = id;
    e.runId = run;
    e.agentId = agent;
    e.flowId = "orders";
    e.step = "import:erp-out";
    e.message = "duplicate key";
    e.record = R"({"id":7,"total":12.5})";
    e.createdAtMs = kT0 + minute * 60'000;
    ASSERT_TRUE(store_->insertError(e).isOk());
  }
  static std::vector<std::string> ids(const Reply& r) {
    std::vector<std::string> out;
    for (const auto& item : r.body["items"]) out.push_back(item["id"]);
    return out;
  }
};

TEST_F(RunsErrorsTest, RunsAreFilteredAndPagedNewestFirstWithStableCursors) {
  for (int i = 0; i < 5; ++i) seedRun(i, "orders", "plant-1");
  seedRun(10, "contacts", "plant-2", "failed");
  Reply first = get("/api/v1/runs?flow=orders&limit=2");
  ASSERT_EQ(first.status, 200) << first.text;
  EXPECT_EQ(ids(first), (std::vector<std::string>{"run-orders-4", "run-orders-3"}));
  std::string cursor = first.body["nextCursor"];
  ASSERT_FALSE(cursor.empty());
  seedRun(20, "orders", "plant-1");  // a newer run does not shift the next page
  Reply second = get("/api/v1/runs?flow=orders&limit=2&cursor=" + cursor);
  EXPECT_EQ(ids(second), (std::vector<std::string>{"run-orders-2", "run-orders-1"}));
  Reply last = get("/api/v1/runs?flow=orders&limit=2&cursor=" +
                   second.body["nextCursor"].get<std::string>());
  EXPECT_EQ(ids(last), (std::vector<std::string>{"run-orders-0"}));
  EXPECT_EQ(last.body["nextCursor"], "");
  // A cursor is bound to its filters.
  expectProblem(get("/api/v1/runs?flow=contacts&limit=2&cursor=" + cursor), 400);

  EXPECT_EQ(ids(get("/api/v1/runs?state=failed")), (std::vector<std::string>{"run-contacts-10"}));
  EXPECT_EQ(ids(get("/api/v1/runs?agent=plant-2")), (std::vector<std::string>{"run-contacts-10"}));
  EXPECT_EQ(
      ids(get("/api/v1/runs?integration=erp&from=2026-01-01T00:01:00Z&to=2026-01-01T00:03:00Z")),
      (std::vector<std::string>{"run-orders-2", "run-orders-1"}));
}

TEST_F(RunsErrorsTest, OneRunHasCountsAndTimings) {
  seedRun(1, "orders", "plant-1");
  Reply r = get("/api/v1/runs/run-orders-1");
  ASSERT_EQ(r.status, 200) << r.text;
  EXPECT_EQ(r.body["flow"], "orders");
  EXPECT_EQ(r.body["state"], "succeeded");
  EXPECT_EQ(r.body["counts"],
            ferry::Json({{"read", 10}, {"filtered", 2}, {"written", 7}, {"failed", 1}}));
  EXPECT_EQ(r.body["startedAt"], "2026-01-01T00:01:00.000Z");
  EXPECT_EQ(r.body["finishedAt"], "2026-01-01T00:01:01.500Z");
  EXPECT_DOUBLE_EQ(r.body["durationSeconds"].get<double>(), 1.5);
  expectProblem(get("/api/v1/runs/none"), 404);
}

TEST_F(RunsErrorsTest, ErrorsAreListedByRunFlowAgentAndShownWithTheirRecord) {
  seedError("e1", "plant-1", "r1", 1);
  seedError("e2", "plant-1", "r2", 2);
  seedError("e3", "plant-2", "r3", 3);
  EXPECT_EQ(ids(get("/api/v1/errors?agent=plant-1")), (std::vector<std::string>{"e2", "e1"}));
  EXPECT_EQ(ids(get("/api/v1/errors?run=r3")), (std::vector<std::string>{"e3"}));
  Reply page = get("/api/v1/errors?flow=orders&limit=2");
  EXPECT_EQ(ids(page), (std::vector<std::string>{"e3", "e2"}));
  EXPECT_EQ(ids(get("/api/v1/errors?flow=orders&limit=2&cursor=" +
                    page.body["nextCursor"].get<std::string>())),
            (std::vector<std::string>{"e1"}));
  EXPECT_FALSE(page.body["items"][0].contains("record"));
  Reply one = get("/api/v1/errors/e1");
  ASSERT_EQ(one.status, 200) << one.text;
  EXPECT_EQ(one.body["record"], ferry::Json({{"id", 7}, {"total", 12.5}}));
  EXPECT_EQ(one.body["state"], "open");
  expectProblem(get("/api/v1/errors/none"), 404);
}

TEST_F(RunsErrorsTest, RetryQueuesOneCommandPerAgentAndMovesTheErrors) {
  createAgent("plant-1");
  createAgent("plant-2");
  seedError("e1", "plant-1", "r1", 1);
  seedError("e2", "plant-1", "r1", 2);
  seedError("e3", "plant-2", "r3", 3);
  Reply r = post("/api/v1/errors/retry", {{"ids", {"e1", "e2", "e3"}}});
  ASSERT_EQ(r.status, 202) << r.text;
  ASSERT_EQ(r.body["commands"].size(), 2u);
  EXPECT_EQ(r.body["changed"], 3);
  for (const auto& c : r.body["commands"]) {
    auto stored = store_->getCommand(c["id"]);
    ASSERT_TRUE(stored.isOk());
    EXPECT_EQ(stored->type, "retry-errors");
    EXPECT_EQ(stored->agentId, c["agent"]);
    EXPECT_EQ(ferry::Json::parse(stored->payload)["errorIds"], c["errorIds"]);
  }
  EXPECT_EQ(get("/api/v1/errors/e1").body["state"], "retrying");
  EXPECT_EQ(ids(get("/api/v1/errors?state=retrying")),
            (std::vector<std::string>{"e3", "e2", "e1"}));
}

TEST_F(RunsErrorsTest, RetryWithAnEditedRecordTakesExactlyOneId) {
  createAgent("plant-1");
  seedError("e1", "plant-1", "r1", 1);
  seedError("e2", "plant-1", "r1", 2);
  Reply two = post("/api/v1/errors/retry", {{"ids", {"e1", "e2"}}, {"record", {{"id", 8}}}});
  expectProblem(two, 422);
  EXPECT_EQ(two.body["errors"][0]["pointer"], "/record");
  Reply one = post("/api/v1/errors/retry", {{"ids", {"e1"}}, {"record", {{"id", 8}}}});
  ASSERT_EQ(one.status, 202) << one.text;
  auto command = store_->getCommand(one.body["commands"][0]["id"]);
  ASSERT_TRUE(command.isOk());
  EXPECT_EQ(ferry::Json::parse(command->payload),
            ferry::Json({{"errorIds", {"e1"}}, {"record", {{"id", 8}}}}));
}

TEST_F(RunsErrorsTest, ResolveIsFinalAndBadSelectionsNameEachProblem) {
  createAgent("plant-1");
  seedError("e1", "plant-1", "r1", 1);
  Reply resolved = post("/api/v1/errors/resolve", {{"ids", {"e1"}}});
  ASSERT_EQ(resolved.status, 202) << resolved.text;
  EXPECT_EQ(resolved.body["commands"][0]["type"], "resolve-errors");
  Reply e1 = get("/api/v1/errors/e1");
  EXPECT_EQ(e1.body["state"], "resolved");
  EXPECT_EQ(e1.body["resolution"], "resolved");
  Reply again = post("/api/v1/errors/retry", {{"ids", {"e1"}}});
  expectProblem(again, 409);
  EXPECT_EQ(again.body["errors"][0]["pointer"], "/ids/0");
  Reply unknown = post("/api/v1/errors/resolve", {{"ids", {"e1", "nope"}}});
  expectProblem(unknown, 422);
  EXPECT_EQ(unknown.body["errors"][0]["pointer"], "/ids/1");
  Reply bad = post("/api/v1/errors/resolve", {{"ids", {1}}, {"record", {}}});
  expectProblem(bad, 422);
  std::set<std::string> pointers;
  for (const auto& e : bad.body["errors"]) pointers.insert(e["pointer"]);
  EXPECT_EQ(pointers, (std::set<std::string>{"/ids/0", "/record"}));
  expectProblem(post("/api/v1/errors/retry", {{"ids", ferry::Json::array()}}), 422);
}

TEST_F(RunsErrorsTest, RunNowQueuesACommandForTheFlowsAgent) {
  createAgent("plant-1");
  seedDefinitions("erp", "plant-1");
  Reply notDeployed = post("/api/v1/flows/orders/run", ferry::Json::object());
  expectProblem(notDeployed, 409);
  ASSERT_EQ(post("/api/v1/integrations/erp/deploy", ferry::Json::object()).status, 200);
  Reply r = post("/api/v1/flows/orders/run", ferry::Json::object());
  ASSERT_EQ(r.status, 202) << r.text;
  EXPECT_EQ(r.body["type"], "run-flow");
  EXPECT_EQ(r.body["agent"], "plant-1");
  EXPECT_EQ(r.body["args"], ferry::Json({{"flowId", "orders"}}));
  EXPECT_EQ(r.body["state"], "pending");
  std::string id = r.body["id"];
  EXPECT_EQ(r.header("location"), "/api/v1/commands/" + id);
  Reply list = get("/api/v1/commands?agent=plant-1");
  ASSERT_EQ(ids(list), (std::vector<std::string>{id}));
  ASSERT_TRUE(store_->markCommandSent(id).isOk());
  ASSERT_TRUE(store_->completeCommand(id, true, "run started").isOk());
  Reply done = get("/api/v1/commands/" + id);
  EXPECT_EQ(done.body["state"], "done");
  EXPECT_EQ(done.body["result"], "run started");
  EXPECT_EQ(ids(get("/api/v1/commands?state=pending")), std::vector<std::string>{});
  EXPECT_EQ(ids(get("/api/v1/commands?state=done&agent=plant-1")), (std::vector<std::string>{id}));
  expectProblem(get("/api/v1/commands?state=lost"), 400);
  expectProblem(post("/api/v1/flows/none/run", ferry::Json::object()), 404);
}

}  // namespace
}  // namespace ferry::controller::api::testing
