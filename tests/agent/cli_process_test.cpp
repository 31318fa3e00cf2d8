// Runs the real ferry-agent and ferry-controller binaries as child processes.
#include <gtest/gtest.h>
#include <signal.h>

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <filesystem>
#include <regex>
#include <sstream>

#include "common/json/json.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

namespace ferry {
namespace {

using testing::ChildProcess;
using testing::runProcess;
using testing::TempDir;

const std::string kAgent = FERRY_AGENT_BIN;
const std::string kController = FERRY_CONTROLLER_BIN;

std::pair<int, std::string> httpGet(int port, const std::string& path) {
  Poco::Net::HTTPClientSession session("127.0.0.1", static_cast<Poco::UInt16>(port));
  Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, path,
                                 Poco::Net::HTTPMessage::HTTP_1_1);
  session.sendRequest(request);
  Poco::Net::HTTPResponse response;
  std::istream& in = session.receiveResponse(response);
  std::ostringstream body;
  body << in.rdbuf();
  return {response.getStatus(), body.str()};
}

class BinaryTest : public ::testing::TestWithParam<std::string> {};

TEST_P(BinaryTest, VersionPrintsProgramVersionAndRevision) {
  auto r = runProcess({GetParam(), "--version"});
  EXPECT_EQ(r.exitCode, 0);
  std::string name = std::filesystem::path(GetParam()).filename();
  EXPECT_TRUE(
      std::regex_match(r.out, std::regex(name + " \\d+\\.\\d+\\.\\d+ \\(([0-9a-f]+|unknown)\\)\n")))
      << r.out;
  EXPECT_EQ(r.err, "");
}

TEST_P(BinaryTest, HelpListsCommandsOptionsAndConfigKeys) {
  auto r = runProcess({GetParam(), "--help"});
  EXPECT_EQ(r.exitCode, 0);
  EXPECT_NE(r.out.find("Usage:"), std::string::npos);
  EXPECT_NE(r.out.find("--config FILE"), std::string::npos);
  EXPECT_NE(r.out.find("--state DIR"), std::string::npos);
  EXPECT_NE(r.out.find("mqtt.url"), std::string::npos);
  EXPECT_NE(r.out.find("secret set NAME"), std::string::npos);
}

TEST_P(BinaryTest, UnknownFlagIsAUsageError) {
  auto r = runProcess({GetParam(), "--no-such-flag"});
  EXPECT_EQ(r.exitCode, 2);
  EXPECT_NE(r.err.find("unknown option '--no-such-flag'"), std::string::npos) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line: " << r.err;
  EXPECT_EQ(r.out, "");
}

TEST_P(BinaryTest, UnknownCommandIsAUsageError) {
  auto r = runProcess({GetParam(), "frobnicate"});
  EXPECT_EQ(r.exitCode, 2);
  EXPECT_NE(r.err.find("unknown command 'frobnicate'"), std::string::npos) << r.err;
}

TEST(ControllerCliTest, MigrateBringsTheStoreUpToDateAndIsIdempotent) {
  TempDir dir;
  auto first = runProcess({kController, "migrate", "--state", dir.file("state")});
  EXPECT_EQ(first.exitCode, 0) << first.err;
  EXPECT_NE(first.out.find("sqlite store at schema version"), std::string::npos) << first.out;
  EXPECT_EQ(first.out.find("(0 migration(s) applied)"), std::string::npos) << first.out;
  auto again = runProcess({kController, "migrate", "--state", dir.file("state")});
  EXPECT_EQ(again.exitCode, 0) << again.err;
  EXPECT_NE(again.out.find("(0 migration(s) applied)"), std::string::npos) << again.out;
  auto bad = runProcess({kController, "migrate", "--state", dir.file("state2"), "--config",
                         dir.write("c.json", R"({"store": "mongodb://x"})")});
  EXPECT_NE(bad.exitCode, 0);
  EXPECT_NE(bad.err.find("mongodb"), std::string::npos) << bad.err;
}

TEST_P(BinaryTest, MissingConfigFileIsNamedAndNothingIsWritten) {
  TempDir dir;
  std::string state = dir.file("state");
  auto r = runProcess({GetParam(), "--config", dir.file("nope.json"), "--state", state});
  EXPECT_EQ(r.exitCode, 2);
  EXPECT_NE(r.err.find("config file '" + dir.file("nope.json") + "' does not exist"),
            std::string::npos)
      << r.err;
  EXPECT_FALSE(std::filesystem::exists(state));
}

TEST_P(BinaryTest, MalformedConfigIsAUsageErrorAndNothingIsWritten) {
  TempDir dir;
  std::string state = dir.file("state");
  std::string path = dir.write("c.json", "{\"log\": {\"level\": \"loud\"}, \"bogus\": 1}");
  auto r = runProcess({GetParam(), "--config", path, "--state", state});
  EXPECT_EQ(r.exitCode, 2);
  EXPECT_NE(r.err.find("/log/level: 'loud' is not allowed"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("/bogus: unknown key 'bogus'"), std::string::npos) << r.err;
  EXPECT_FALSE(std::filesystem::exists(state));
  std::string broken = dir.write("b.json", "{\"log\": ");
  auto r2 = runProcess({GetParam(), "--config", broken});
  EXPECT_EQ(r2.exitCode, 2);
  EXPECT_NE(r2.err.find(broken + ":1:"), std::string::npos) << r2.err;
}

TEST_P(BinaryTest, BadEnvironmentOverrideIsAUsageError) {
  auto r = runProcess({GetParam(), "--version"}, "", {});
  ASSERT_EQ(r.exitCode, 0);
  TempDir dir;
  auto bad = runProcess({GetParam(), "--state", dir.file("s")}, "", {{"FERRY_LOG_LEVEL", "loud"}});
  EXPECT_EQ(bad.exitCode, 2);
  EXPECT_NE(bad.err.find("/log/level"), std::string::npos) << bad.err;
}

INSTANTIATE_TEST_SUITE_P(Both, BinaryTest, ::testing::Values(kAgent, kController),
                         [](const auto& info) {
                           return info.param == kAgent ? std::string("Agent")
                                                       : std::string("Controller");
                         });

TEST(AgentServiceTest, StartsIdleServesMetricsReloadsOnHupStopsOnTerm) {
  TempDir dir;
  int port = testing::freeTcpPort();
  std::string config = dir.write("agent.json", R"({"metrics": {"port": )" + std::to_string(port) +
                                                   R"(}, "listener": {"port": 0}})");
  std::string state = dir.file("state");
  ChildProcess agent({kAgent, "--config", config, "--state", state}, dir.path());
  ASSERT_TRUE(agent.waitForStderr("metrics endpoint listening", std::chrono::seconds(20)))
      << agent.stderrText();
  EXPECT_NE(agent.stderrText().find("waiting for enrollment"), std::string::npos);
  EXPECT_TRUE(std::filesystem::is_directory(state));

  auto [status, body] = httpGet(port, "/metrics");
  EXPECT_EQ(status, 200);
  EXPECT_NE(body.find("# TYPE ferry_build_info gauge\nferry_build_info{revision=\""),
            std::string::npos)
      << body;
  auto lint = runProcess({"/usr/bin/promtool", "check", "metrics"}, body);
  EXPECT_EQ(lint.exitCode, 0) << lint.out << lint.err;

  // A broken config on SIGHUP is reported and the running one is kept.
  dir.write("agent.json", "{\"workers\": 0}");
  agent.signal(SIGHUP);
  ASSERT_TRUE(agent.waitForStderr("config not reloaded", std::chrono::seconds(10)));
  dir.write("agent.json", R"({"metrics": {"port": )" + std::to_string(port) + "}}");
  agent.signal(SIGHUP);
  ASSERT_TRUE(agent.waitForStderr("SIGHUP: config reloaded", std::chrono::seconds(10)));

  agent.signal(SIGTERM);
  auto code = agent.wait(std::chrono::seconds(20));
  ASSERT_TRUE(code.has_value()) << "agent did not stop on SIGTERM";
  EXPECT_EQ(*code, 0);
  std::string log = agent.stderrText();
  EXPECT_NE(log.find("ferry-agent stopped"), std::string::npos);
  // Every line the agent wrote is a JSON object with the structured fields.
  std::istringstream lines(log);
  std::string line;
  int count = 0;
  while (std::getline(lines, line)) {
    auto j = ferry::Json::parse(line);
    EXPECT_TRUE(j.contains("time") && j.contains("level") && j.contains("component") &&
                j.contains("msg"))
        << line;
    ++count;
  }
  EXPECT_GE(count, 4);
}

TEST(ControllerServiceTest, ServesHealthAndStopsOnSigint) {
  TempDir dir;
  int port = testing::freeTcpPort();
  ChildProcess controller({kController, "--state", dir.file("state"), "--log-level", "debug"},
                          dir.path(), {{"FERRY_HTTP_PORT", std::to_string(port)}});
  ASSERT_TRUE(controller.waitForStderr("HTTP API listening", std::chrono::seconds(20)))
      << controller.stderrText();
  auto [status, body] = httpGet(port, "/api/v1/health");
  EXPECT_EQ(status, 200);
  EXPECT_EQ(ferry::Json::parse(body)["status"], "ok");
  auto [missing, problem] = httpGet(port, "/api/v1/nope");
  EXPECT_EQ(missing, 404);
  EXPECT_EQ(ferry::Json::parse(problem)["status"], 404);
  auto [metricsStatus, metricsBody] = httpGet(port, "/metrics");
  EXPECT_EQ(metricsStatus, 200);
  EXPECT_NE(metricsBody.find("ferry_http_requests_total{method=\"GET\",route=\"other\","
                             "status=\"404\"} 1"),
            std::string::npos)
      << metricsBody;
  auto lint = runProcess({"/usr/bin/promtool", "check", "metrics"}, metricsBody);
  EXPECT_EQ(lint.exitCode, 0) << lint.out << lint.err;
  controller.signal(SIGINT);
  auto code = controller.wait(std::chrono::seconds(20));
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 0);
}

TEST(AgentCheckConfigTest, ReportsProblemsAndExitsOne) {
  TempDir dir;
  std::string good = dir.write("good.json", R"({"workers": 2})");
  auto ok = runProcess({kAgent, "check", "--config", good});
  EXPECT_EQ(ok.exitCode, 0) << ok.err;
  EXPECT_NE(ok.out.find("configuration is valid"), std::string::npos);
  std::string bad = dir.write("bad.json", R"({"workers": "x"})");
  auto fail = runProcess({kAgent, "check", "--config", bad});
  EXPECT_EQ(fail.exitCode, 1);
  EXPECT_NE(fail.out.find("/workers: 'workers' must be integer"), std::string::npos) << fail.out;
}

}  // namespace
}  // namespace ferry
