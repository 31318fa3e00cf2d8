// The real ferry-agent with a local definitions file serves its listener exports: a POST
// is queued durably before the 202, and survives the agent's exit.
#include <gtest/gtest.h>
#include <signal.h>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <sstream>

#include "agent/queue/log_queue.h"
#include "common/json/json.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

namespace ferry {
namespace {

using json = ferry::Json;
using testing::ChildProcess;
using testing::runProcess;
using testing::TempDir;

const std::string kAgent = FERRY_AGENT_BIN;

std::pair<int, std::string> post(int port, const std::string& path, const std::string& body,
                                 const std::string& token) {
  Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port));
  Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, path,
                                 Poco::Net::HTTPMessage::HTTP_1_1);
  request.setContentType("application/json");
  request.setContentLength(static_cast<std::streamsize>(body.size()));
  if (!token.empty()) request.set("Authorization", "Bearer " + token);
  session.sendRequest(request) << body;
  Poco::Net::HTTPResponse response;
  std::ostringstream out;
  out << session.receiveResponse(response).rdbuf();
  return {response.getStatus(), out.str()};
}

TEST(AgentWebhookListenerTest, QueuesPostedRecordsBeforeAnsweringAndKeepsThemAfterExit) {
  TempDir dir;
  const std::string state = dir.file("state");
  const std::string token = "hook-token-value-7f3a";
  auto stored = runProcess({kAgent, "secret", "set", "hook-token", "--state", state}, token);
  ASSERT_EQ(stored.exitCode, 0) << stored.err;
  const std::string defs = dir.write("defs.json", R"({"resources": [
    {"kind": "export", "id": "order-events", "type": "listener",
     "listener": {"path": "/hooks/orders", "auth": {"bearer": {"$secret": "hook-token"}}}}]})");
  const int port = testing::freeTcpPort();
  const std::string config =
      dir.write("agent.json", json({{"definitions", defs},
                                    {"metrics", {{"port", 0}}},
                                    {"listener", {{"bind", "127.0.0.1"}, {"port", port}}}})
                                  .dump());
  ChildProcess agent({kAgent, "--config", config, "--state", state}, dir.path());
  ASSERT_TRUE(agent.waitForStderr("webhook listener serving", std::chrono::seconds(20)))
      << agent.stderrText();

  auto [denied, problem] = post(port, "/hooks/orders", R"({"id": 1})", "wrong");
  EXPECT_EQ(denied, 401) << problem;
  auto [accepted, body] = post(port, "/hooks/orders", R"([{"id": 1}, {"id": 2}])", token);
  EXPECT_EQ(accepted, 202) << body;
  EXPECT_EQ(json::parse(body)["accepted"], 2);

  agent.signal(SIGTERM);
  auto code = agent.wait(std::chrono::seconds(20));
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0);
  EXPECT_EQ(agent.stderrText().find(token), std::string::npos) << "the token was logged";

  agent::queue::LogQueue::Options options;
  options.stateDir = state;
  auto queue = agent::queue::LogQueue::open(options);
  ASSERT_TRUE(queue.isOk()) << queue.status().toString();
  ASSERT_TRUE(
      (*queue)
          ->registerConsumer("check", "order-events", agent::queue::LogQueue::StartAt::kEarliest)
          .isOk());
  auto pages = (*queue)->read("check", "order-events", 10);
  ASSERT_TRUE(pages.isOk());
  ASSERT_EQ(pages->size(), 1u);
  EXPECT_EQ(*(*pages)[0].records, (std::vector<json>{{{"id", 1}}, {{"id", 2}}}));
}

}  // namespace
}  // namespace ferry
