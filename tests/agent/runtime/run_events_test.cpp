// Run events go into the outbox when a controller is configured (here configured but not
// reachable: nothing is sent, everything waits), and nowhere without one.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <sstream>

#include "agent/queue/outbox.h"
#include "common/json/json.h"
#include "common/protocol/messages.h"
#include "tests/support/sqlite_file.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

namespace ferry {
namespace {

using json = ferry::Json;
using testing::runProcess;

const std::string kAgent = FERRY_AGENT_BIN;

std::string setup(testing::TempDir& dir) {
  const std::string db = dir.file("source.db");
  testing::sqliteExec(db,
                      "CREATE TABLE t (id INTEGER PRIMARY KEY, amount TEXT);"
                      "INSERT INTO t VALUES (1, '2.5'), (2, 'abc'), (3, '4');");
  std::filesystem::create_directories(dir.file("out"));
  const json defs = {
      {"resources",
       {{{"kind", "connection"}, {"id", "src"}, {"type", "sqlite"}, {"settings", {{"path", db}}}},
        {{"kind", "connection"},
         {"id", "out"},
         {"type", "file"},
         {"settings", {{"root", dir.file("out")}}}},
        {{"kind", "export"},
         {"id", "rows"},
         {"connection", "src"},
         {"type", "query"},
         {"query", "SELECT * FROM t ORDER BY id"}},
        {{"kind", "import"},
         {"id", "file"},
         {"connection", "out"},
         {"type", "file"},
         {"path", "rows.jsonl"},
         {"format", "jsonl"}},
        {{"kind", "flow"},
         {"id", "amounts"},
         {"sources", {"rows"}},
         {"steps",
          {{{"map",
             {{{"from", "id"}, {"to", "id"}},
              {{"from", "amount"}, {"to", "amount"}, {"type", "number"}}}}},
           {{"import", "file"}}}}}}}};
  return dir.write("defs.json", defs.dump());
}

TEST(RunEventsTest, WithAControllerConfiguredEventsWaitInTheOutbox) {
  testing::TempDir dir;
  const std::string defs = setup(dir);
  const std::string config =
      dir.write("agent.json",
                json({{"agentId", "plant-1"}, {"mqtt", {{"url", "tcp://127.0.0.1:1"}}}}).dump());
  const std::string state = dir.file("state");
  auto r = runProcess({kAgent, "run", defs, "--config", config, "--state", state});
  EXPECT_EQ(r.exitCode, 1) << r.out << r.err;  // partial: one record failed

  agent::queue::Outbox::Options options;
  options.stateDir = state;
  auto outbox = agent::queue::Outbox::open(options);
  ASSERT_TRUE(outbox.isOk()) << outbox.status().toString();
  auto events = (*outbox)->pending(0, 100);
  ASSERT_TRUE(events.isOk());
  std::vector<std::string> types;
  json errorEvent;
  json finished;
  for (const auto& e : *events) {
    json body = json::parse(e.body);
    EXPECT_TRUE(protocol::validateEventBody(e.type, body).isOk()) << e.type << " " << e.body;
    types.push_back(e.type);
    if (e.type == "record.error") errorEvent = body;
    if (e.type == "run.finished") finished = body;
  }
  ASSERT_GE(types.size(), 3u);
  EXPECT_EQ(types.front(), "run.started");
  EXPECT_EQ(types.back(), "run.finished");
  EXPECT_EQ(std::count(types.begin(), types.end(), "record.error"), 1);
  EXPECT_EQ(finished["state"], "partial");
  EXPECT_EQ(finished["counts"]["failed"], 1);
  EXPECT_EQ(finished["counts"]["written"], 2);
  EXPECT_EQ(errorEvent["record"]["amount"], "abc");
  EXPECT_EQ(errorEvent["flowId"], "amounts");

  // The event names the same error the history keeps.
  auto listed = runProcess({kAgent, "errors", "list", "--json", "--state", state});
  ASSERT_EQ(listed.exitCode, 0);
  EXPECT_EQ(json::parse(listed.out)["id"], errorEvent["errorId"]);

  // Resolving the error tells the controller too.
  auto resolved = runProcess({kAgent, "errors", "resolve", errorEvent["errorId"].get<std::string>(),
                              "--config", config, "--state", state});
  ASSERT_EQ(resolved.exitCode, 0) << resolved.err;
  auto after = (*outbox)->pending(0, 100);
  ASSERT_TRUE(after.isOk());
  ASSERT_EQ(after->back().type, "error.closed");
  const json closed = json::parse(after->back().body);
  EXPECT_TRUE(protocol::validateEventBody("error.closed", closed).isOk()) << closed;
  EXPECT_EQ(closed["errorIds"], json::array({errorEvent["errorId"]}));
  EXPECT_EQ(closed["how"], "resolved");

  // status sums it up from the state directory.
  auto status = runProcess({kAgent, "status", "--json", "--config", config, "--state", state});
  ASSERT_EQ(status.exitCode, 0) << status.err;
  const json summary = json::parse(status.out);
  ASSERT_EQ(summary["flows"].size(), 1u) << status.out;
  EXPECT_EQ(summary["flows"][0]["flow"], "amounts");
  EXPECT_EQ(summary["flows"][0]["lastRun"]["state"], "partial");
  EXPECT_EQ(summary["flows"][0]["lagPages"], 0);
  EXPECT_EQ(summary["openErrors"], 0);
  EXPECT_EQ(summary["outboxBacklog"], types.size() + 1);
}

TEST(RunEventsTest, WithoutAControllerNoEventsAreWritten) {
  testing::TempDir dir;
  const std::string defs = setup(dir);
  const std::string state = dir.file("state");
  auto r = runProcess({kAgent, "run", defs, "--state", state});
  EXPECT_EQ(r.exitCode, 1) << r.out << r.err;
  EXPECT_TRUE(std::filesystem::exists(state + "/queue.db"));
  EXPECT_FALSE(std::filesystem::exists(state + "/outbox.db"));
}

}  // namespace
}  // namespace ferry
