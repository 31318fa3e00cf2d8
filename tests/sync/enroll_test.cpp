// Enrollment against a real mosquitto with the dynamic-security plugin: agents get broker
// identities confined to their own topic tree; used tokens are refused.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <filesystem>

#include "tests/support/sqlite_file.h"
#include "tests/sync/sync_world.h"

namespace ferry::testing {
namespace {

using json = ferry::Json;

constexpr const char* kAdminPassword = "admin-secret-1";
constexpr const char* kControllerPassword = "controller-secret-1";

// mosquitto_ctrl as the dynsec admin; fails the test when the command fails.
void dynsec(int port, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {"/usr/bin/mosquitto_ctrl",
                                   "-h",
                                   "127.0.0.1",
                                   "-p",
                                   std::to_string(port),
                                   "-u",
                                   "ferry-admin",
                                   "-P",
                                   kAdminPassword,
                                   "dynsec"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = runProcess(argv);
  ASSERT_EQ(r.exitCode, 0) << r.out << r.err;
  ASSERT_EQ(r.err.find("rror"), std::string::npos) << r.out << r.err;
}

// A broker whose clients all come from the dynamic-security plugin, with the controller's
// own identity (the setup docs/install.md describes).
class DynsecBroker {
 public:
  DynsecBroker() {
    namespace fs = std::filesystem;
    fs::permissions(dir_.path(),
                    fs::perms::owner_all | fs::perms::group_exec | fs::perms::others_exec);
    const std::string dynsecDir = dir_.file("dynsec");
    fs::create_directories(dynsecDir);
    file_ = dynsecDir + "/dynamic-security.json";
    auto init = runProcess(
        {"/usr/bin/mosquitto_ctrl", "dynsec", "init", file_, "ferry-admin", kAdminPassword});
    EXPECT_TRUE(fs::exists(file_)) << init.out << init.err;  // its exit code is 0 even on errors
    if (::geteuid() == 0) {
      // The broker drops to user mosquitto before it loads the plugin, and saves by rename.
      runProcess({"/bin/chown", "-R", "mosquitto:mosquitto", dynsecDir});
      ::chmod(dynsecDir.c_str(), 0700);
      ::chmod(file_.c_str(), 0600);
    }
    MosquittoBroker::Options options;
    options.extraConfig = "";
    options.globalConfig =
        "allow_anonymous false\nplugin /usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so\n"
        "plugin_opt_config_file " +
        file_ + "\n";
    broker_ = std::make_unique<MosquittoBroker>(options);
    const int port = broker_->port();
    dynsec(port, {"createClient", "ferry-controller", "-p", kControllerPassword});
    dynsec(port, {"createRole", "ferry-controller"});
    for (const char* acl : {"publishClientSend", "subscribePattern"}) {
      dynsec(port, {"addRoleACL", "ferry-controller", acl, "ferry/v1/#", "allow"});
    }
    // The shared subscription is checked with its $share prefix.
    dynsec(port, {"addRoleACL", "ferry-controller", "subscribePattern",
                  "$share/ferry-controllers/ferry/v1/#", "allow"});
    dynsec(port, {"addClientRole", "ferry-controller", "ferry-controller"});
  }
  MosquittoBroker& broker() { return *broker_; }

 private:
  TempDir dir_;
  std::string file_;
  std::unique_ptr<MosquittoBroker> broker_;
};

ProcessResult mosquittoSubAs(int port, const std::string& user, const std::string& password,
                             const std::string& topic) {
  return runProcess({"/usr/bin/mosquitto_sub", "-h", "127.0.0.1", "-p", std::to_string(port), "-q",
                     "1", "-u", user, "-P", password, "-i", user, "-t", topic, "-W", "2", "-v"});
}

TEST(EnrollTest, AgentsGetIdentitiesConfinedToTheirOwnTopicsAndTokensWorkOnce) {
  TempDir dir;
  createDatabases(dir, 3);
  DynsecBroker dynsecBroker;
  MosquittoBroker& broker = dynsecBroker.broker();
  const int port = broker.port();

  ControllerProcess controller(dir, "c1", broker.url());
  controller.setConfigFile(dir.write(
      "controller.json",
      json{
          {"mqtt",
           {{"url", broker.url()},
            {"username", "ferry-controller"},
            {"password", {{"$secret", "mqtt-password"}}},
            {"dynsecAdmin",
             {{"username", "ferry-admin"}, {"password", {{"$secret", "dynsec-admin-password"}}}}}}},
          {"agents", {{"brokerUrl", broker.url()}}}}
          .dump()));
  controller.setSecret("mqtt-password", kControllerPassword);
  controller.setSecret("dynsec-admin-password", kAdminPassword);
  ASSERT_NO_FATAL_FAILURE(controller.start());

  // Agent b enrolls with the CLI and runs from its identity alone.
  const std::string tokenB = controller.createAgentForEnrollment("b");
  AgentProcess agentB(dir, "b", "");
  agentB.useEnrolledIdentity();
  const std::string url = "http://127.0.0.1:" + std::to_string(controller.port());
  auto enrolled = runProcess({FERRY_AGENT_BIN, "enroll", "--controller", url, "--token", tokenB,
                              "--state", agentB.stateDir()});
  ASSERT_EQ(enrolled.exitCode, 0) << enrolled.out << enrolled.err << controller.log();
  EXPECT_NE(enrolled.out.find("enrolled as agent b"), std::string::npos) << enrolled.out;
  struct stat st {};
  ASSERT_EQ(::stat((agentB.stateDir() + "/identity.json").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  json identity = json::parse(runProcess({"/bin/cat", agentB.stateDir() + "/identity.json"}).out);
  EXPECT_EQ(identity["agentId"], "b");
  EXPECT_EQ(identity["mqtt"]["username"], "ferry-agent-b");
  EXPECT_FALSE(identity["mqtt"].contains("password"));  // in the secret store only
  auto again = runProcess({FERRY_AGENT_BIN, "enroll", "--controller", url, "--token", tokenB,
                           "--state", dir.file("other-state")});
  EXPECT_EQ(again.exitCode, 1);
  EXPECT_NE(again.err.find("unknown or was used"), std::string::npos) << again.err;

  ASSERT_NO_FATAL_FAILURE(agentB.start());
  controller.deploy(dir.write("defs.json", definitions(dir, Flows{"b", "1s", 0})));
  ASSERT_TRUE(waitUntil([&] {
    return controller.get("/api/v1/agents/b").body["appliedVersion"] == 1;
  })) << agentB.log()
      << controller.log();
  ASSERT_TRUE(waitUntil([&] { return dstRows(dir) == 3 && agentB.outboxBacklog() == 0; }))
      << agentB.log();
  EXPECT_EQ(controller.get("/api/v1/agents/b").body["enrolled"], true);

  // Agent a enrolls through the API (so the test holds its password) and misbehaves.
  const std::string tokenA = controller.createAgentForEnrollment("a");
  auto reply = controller.call("POST", "/api/v1/enroll", {{"token", tokenA}});
  ASSERT_EQ(reply.status, 200) << reply.body.dump();
  const std::string userA = reply.body["mqtt"]["username"];
  const std::string passwordA = reply.body["mqtt"]["password"];
  EXPECT_EQ(userA, "ferry-agent-a");
  // Its own tree works: the retained desired state of b does not reach it.
  auto own = mosquittoSubAs(port, userA, passwordA, "ferry/v1/agents/a/#");
  EXPECT_EQ(own.err.find("not authorised"), std::string::npos) << own.err;
  auto spy = mosquittoSubAs(port, userA, passwordA, "ferry/v1/agents/b/desired");
  EXPECT_EQ(spy.out.find("ferry/v1/agents/b/desired"), std::string::npos) << spy.out;
  // A forged event for b never reaches the controller; a's own event does.
  auto forged = json{{"agent", "b"},
                     {"epoch", "forged"},
                     {"seq", 1},
                     {"type", "heartbeat"},
                     {"ts", "2026-11-30T00:00:00Z"},
                     {"body", {{"stats", json::object()}}}};
  runProcess({"/usr/bin/mosquitto_pub", "-h", "127.0.0.1", "-p", std::to_string(port), "-q", "1",
              "-u", userA, "-P", passwordA, "-i", userA, "-t", "ferry/v1/agents/b/events", "-m",
              forged.dump()});
  auto ownEvent = forged;
  ownEvent["agent"] = "a";
  ownEvent["epoch"] = "own";
  auto pub = runProcess({"/usr/bin/mosquitto_pub", "-h", "127.0.0.1", "-p", std::to_string(port),
                         "-q", "1", "-u", userA, "-P", passwordA, "-i", userA, "-t",
                         "ferry/v1/agents/a/events", "-m", ownEvent.dump()});
  EXPECT_EQ(pub.exitCode, 0) << pub.err;
  ASSERT_TRUE(waitUntil([&] {
    return sqliteScalar(controller.sqlitePath(),
                        "SELECT count(*) FROM events_seen WHERE epoch = 'own'") == 1;
  })) << controller.log()
      << broker.log();
  EXPECT_EQ(sqliteScalar(controller.sqlitePath(),
                         "SELECT count(*) FROM events_seen WHERE epoch = 'forged'"),
            0);
  // Anonymous clients and the wrong password are refused.
  auto anonymous = runProcess({"/usr/bin/mosquitto_sub", "-h", "127.0.0.1", "-p",
                               std::to_string(port), "-t", "ferry/v1/#", "-W", "2"});
  EXPECT_NE(anonymous.exitCode, 0);
  EXPECT_NE(anonymous.err.find("not authorised"), std::string::npos) << anonymous.err;
  auto wrong = mosquittoSubAs(port, userA, "guess", "ferry/v1/agents/a/#");
  EXPECT_NE(wrong.exitCode, 0);
  // The real agent b still runs.
  EXPECT_TRUE(controller.get("/api/v1/agents/b").body["online"].get<bool>());
}

TEST(EnrollTest, WithoutABrokerIdentityServiceAgentsAreToldTheBrokerOnly) {
  TempDir dir;
  MosquittoBroker broker;
  ControllerProcess controller(dir, "c1", broker.url());
  ASSERT_NO_FATAL_FAILURE(controller.start());
  const std::string token = controller.createAgentForEnrollment("plain");
  auto reply = controller.call("POST", "/api/v1/enroll", {{"token", token}});
  ASSERT_EQ(reply.status, 200) << reply.body.dump();
  EXPECT_EQ(reply.body["agentId"], "plain");
  EXPECT_EQ(reply.body["mqtt"], json({{"url", broker.url()}}));
  EXPECT_EQ(controller.call("POST", "/api/v1/enroll", {{"token", token}}).status, 403);
  EXPECT_EQ(controller.call("POST", "/api/v1/enroll", {{"token", 5}}).status, 422);
  EXPECT_EQ(controller.call("POST", "/api/v1/enroll", {{"token", token}, {"extra", 1}}).status,
            422);
  auto bad = runProcess({FERRY_AGENT_BIN, "enroll", "--controller", "ftp://x", "--token", "t",
                         "--state", dir.file("s")});
  EXPECT_EQ(bad.exitCode, 2);
  auto unreachable = runProcess({FERRY_AGENT_BIN, "enroll", "--controller", "http://127.0.0.1:1",
                                 "--token", "t", "--state", dir.file("s")});
  EXPECT_EQ(unreachable.exitCode, 1);
  EXPECT_NE(unreachable.err.find("cannot reach"), std::string::npos) << unreachable.err;
}

}  // namespace
}  // namespace ferry::testing
