// The real ferry-controller binary: token commands, the service's API, and `deploy`.
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <gtest/gtest.h>

#include <csignal>
#include <sstream>

#include "common/json/json.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

namespace ferry {
namespace {

using testing::ChildProcess;
using testing::runProcess;
using testing::TempDir;

const std::string kController = FERRY_CONTROLLER_BIN;

std::pair<int, ferry::Json> httpGet(int port, const std::string& path, const std::string& token) {
  Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port));
  Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, path,
                                 Poco::Net::HTTPMessage::HTTP_1_1);
  if (!token.empty()) request.set("Authorization", "Bearer " + token);
  session.sendRequest(request);
  Poco::Net::HTTPResponse response;
  std::istream& in = session.receiveResponse(response);
  std::ostringstream body;
  body << in.rdbuf();
  return {response.getStatus(), ferry::Json::parse(body.str(), nullptr, false)};
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

TEST(ControllerTokenCommandTest, CreateListDelete) {
  TempDir dir;
  std::string state = dir.file("state");
  auto created = runProcess({kController, "token", "create", "--name", "ci", "--state", state});
  ASSERT_EQ(created.exitCode, 0) << created.err;
  EXPECT_EQ(trimmed(created.out).rfind("ferry_pat_", 0), 0u) << created.out;
  EXPECT_EQ(trimmed(created.out).size(), 10u + 64u);
  auto again = runProcess({kController, "token", "create", "--name", "ci", "--state", state});
  EXPECT_EQ(again.exitCode, 1);
  EXPECT_NE(again.err.find("'ci' exists"), std::string::npos) << again.err;
  auto list = runProcess({kController, "token", "list", "--state", state});
  ASSERT_EQ(list.exitCode, 0) << list.err;
  EXPECT_EQ(list.out.rfind("ci\tcreated ", 0), 0u) << list.out;
  EXPECT_EQ(list.out.find("ferry_pat_"), std::string::npos)
      << "the token itself is never shown again";
  auto del = runProcess({kController, "token", "delete", "ci", "--state", state});
  EXPECT_EQ(del.exitCode, 0) << del.err;
  auto missing = runProcess({kController, "token", "delete", "ci", "--state", state});
  EXPECT_EQ(missing.exitCode, 1);
  auto bad = runProcess({kController, "token", "create", "--name", "", "--state", state});
  EXPECT_EQ(bad.exitCode, 2);
}

TEST(ControllerDeployCommandTest, DeploysADefinitionsFileThroughTheRunningService) {
  TempDir dir;
  std::string state = dir.file("state");
  auto created = runProcess({kController, "token", "create", "--name", "ci", "--state", state});
  ASSERT_EQ(created.exitCode, 0) << created.err;
  std::string token = trimmed(created.out);
  int port = testing::freeTcpPort();
  ChildProcess controller({kController, "--state", state}, dir.path(),
                          {{"FERRY_HTTP_PORT", std::to_string(port)}});
  ASSERT_TRUE(controller.waitForStderr("HTTP API listening", std::chrono::seconds(20)))
      << controller.stderrText();
  auto [unauthorized, problem] = httpGet(port, "/api/v1/agents", "");
  EXPECT_EQ(unauthorized, 401);
  EXPECT_EQ(problem["status"], 401);

  // The agent the file's flow names must exist before its integration can be deployed.
  Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port));
  Poco::Net::HTTPRequest create(Poco::Net::HTTPRequest::HTTP_POST, "/api/v1/agents",
                                Poco::Net::HTTPMessage::HTTP_1_1);
  create.set("Authorization", "Bearer " + token);
  std::string body = R"({"id":"plant-1"})";
  create.setContentLength(static_cast<std::streamsize>(body.size()));
  session.sendRequest(create) << body;
  Poco::Net::HTTPResponse createdAgent;
  session.receiveResponse(createdAgent).ignore(1 << 20);
  ASSERT_EQ(createdAgent.getStatus(), 201);

  std::string file = dir.write("defs.json", R"({"resources": [
    {"kind":"flow","id":"orders","integration":"erp","agent":"plant-1",
     "sources":["rows"],"steps":[{"import":"out"}]},
    {"kind":"import","id":"out","connection":"dst","type":"table","table":"t","mode":"insert"},
    {"kind":"export","id":"rows","connection":"src","type":"query","query":"SELECT 1"},
    {"kind":"connection","id":"src","type":"sqlite","settings":{"path":"/tmp/src.db"}},
    {"kind":"connection","id":"dst","type":"sqlite","settings":{"path":"/tmp/dst.db"}},
    {"kind":"integration","id":"erp","name":"ERP"}]})");
  std::string url = "http://127.0.0.1:" + std::to_string(port);
  auto deployed =
      runProcess({kController, "deploy", file, "--url", url}, "", {{"FERRY_TOKEN", token}});
  ASSERT_EQ(deployed.exitCode, 0) << deployed.out << deployed.err;
  EXPECT_NE(deployed.out.find("flow orders: created (version 1)"), std::string::npos)
      << deployed.out;
  EXPECT_NE(deployed.out.find("integration erp: agent plant-1 version 1"), std::string::npos)
      << deployed.out;
  // Again: nothing changed, so no resource gets a new version; the deploy makes version 2.
  auto again = runProcess({kController, "deploy", file, "--url", url, "--token", token});
  ASSERT_EQ(again.exitCode, 0) << again.err;
  EXPECT_NE(again.out.find("flow orders: unchanged (version 1)"), std::string::npos) << again.out;
  EXPECT_NE(again.out.find("agent plant-1 version 2"), std::string::npos) << again.out;
  auto [status, deployment] = httpGet(port, "/api/v1/agents/plant-1/deployment", token);
  EXPECT_EQ(status, 200);
  EXPECT_EQ(deployment["desired"]["version"], 2);
  EXPECT_EQ(deployment["desired"]["document"]["resources"].size(), 6u);

  // A file the controller refuses: the problem's pointer is mapped into the file.
  std::string bad = dir.write("bad.json", R"({"resources": [
    {"kind":"integration","id":"erp","name":"ERP"},
    {"kind":"flow","id":"orders","integration":"erp","agent":"plant-1","sources":["gone"]}]})");
  auto refused = runProcess({kController, "deploy", bad, "--url", url, "--token", token});
  EXPECT_EQ(refused.exitCode, 1);
  EXPECT_NE(refused.err.find("/resources/1/sources/0"), std::string::npos) << refused.err;
  auto wrongToken = runProcess({kController, "deploy", file, "--url", url, "--token", "nope"});
  EXPECT_EQ(wrongToken.exitCode, 1);
  EXPECT_NE(wrongToken.err.find("401"), std::string::npos) << wrongToken.err;
  auto noToken = runProcess({kController, "deploy", file, "--url", url});
  EXPECT_EQ(noToken.exitCode, 2);

  controller.signal(SIGTERM);
  auto code = controller.wait(std::chrono::seconds(20));
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0);
}

}  // namespace
}  // namespace ferry
