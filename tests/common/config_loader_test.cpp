#include "common/config/config_loader.h"

#include <gtest/gtest.h>

#include "common/config/agent_config.h"
#include "common/config/config_schemas.h"
#include "common/config/controller_config.h"
#include "common/json/json.h"
#include "tests/support/temp_dir.h"

namespace ferry::config {
namespace {

using json = ferry::Json;

TEST(ConfigLoaderTest, ValidAgentConfigGetsDefaults) {
  testing::TempDir dir;
  std::string path = dir.write("agent.json", R"({
    "stateDir": "/var/lib/ferry/agent", "agentId": "plant-1",
    "mqtt": {"url": "ssl://broker:8883", "password": {"$secret": "mqtt-pw"}},
    "queue": {"synchronous": "NORMAL"}, "log": {"level": "debug"}})");
  auto doc = loadConfig(path, agentConfigSpec(), {});
  ASSERT_TRUE(doc.isOk()) << doc.status().toString();
  AgentConfig cfg = agentConfigFromJson(*doc);
  EXPECT_EQ(cfg.stateDir, "/var/lib/ferry/agent");
  EXPECT_EQ(cfg.agentId, "plant-1");
  EXPECT_EQ(cfg.mqtt.url, "ssl://broker:8883");
  EXPECT_EQ(cfg.mqtt.passwordSecret, "mqtt-pw");
  EXPECT_EQ(cfg.mqtt.version, "5");
  EXPECT_EQ(cfg.mqtt.keepAliveSeconds, 30);
  EXPECT_EQ(cfg.queue.synchronous, "NORMAL");
  EXPECT_EQ(cfg.queue.quotaBytes, std::int64_t{1} << 30);
  EXPECT_EQ(cfg.workers, 4);
  EXPECT_EQ(cfg.logLevel, LogLevel::kDebug);
}

TEST(ConfigLoaderTest, UnknownKeyIsRejectedWithPointer) {
  testing::TempDir dir;
  std::string path = dir.write("agent.json", R"({"mqtt": {"urll": "tcp://x:1883"}})");
  auto doc = loadConfig(path, agentConfigSpec(), {});
  ASSERT_FALSE(doc.isOk());
  EXPECT_EQ(doc.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(doc.status().message().find(path + ": /mqtt/urll: unknown key 'urll'; did you mean "
                                               "'url'?"),
            std::string::npos)
      << doc.status().message();
}

TEST(ConfigLoaderTest, WrongTypesAreRejectedWithPointers) {
  testing::TempDir dir;
  std::string path = dir.write(
      "c.json", R"({"workers": "four", "queue": {"quotaBytes": -1}, "mqtt": {"password": "pw"}})");
  auto doc = loadConfig(path, agentConfigSpec(), {});
  ASSERT_FALSE(doc.isOk());
  const std::string& m = doc.status().message();
  EXPECT_NE(m.find("/workers: 'workers' must be integer, got string"), std::string::npos) << m;
  EXPECT_NE(m.find("/queue/quotaBytes: 'quotaBytes' must be at least 4096"), std::string::npos)
      << m;
  EXPECT_NE(m.find("/mqtt/password: 'password' is a secret"), std::string::npos) << m;
}

TEST(ConfigLoaderTest, MissingFileIsNamed) {
  auto doc = loadConfig(std::string("/nonexistent/ferry/agent.json"), agentConfigSpec(), {});
  ASSERT_FALSE(doc.isOk());
  EXPECT_EQ(doc.status().code(), StatusCode::kNotFound);
  EXPECT_EQ(doc.status().message(), "config file '/nonexistent/ferry/agent.json' does not exist");
}

TEST(ConfigLoaderTest, MalformedJsonNamesLineAndColumn) {
  testing::TempDir dir;
  std::string path = dir.write("bad.json", "{\n  \"workers\": 4,\n  oops\n}");
  auto doc = loadConfig(path, agentConfigSpec(), {});
  ASSERT_FALSE(doc.isOk());
  EXPECT_EQ(doc.status().message().rfind(path + ":3:", 0), 0u) << doc.status().message();
  EXPECT_NE(doc.status().message().find("malformed JSON"), std::string::npos);
}

TEST(ConfigLoaderTest, NonObjectDocumentIsRejected) {
  testing::TempDir dir;
  std::string path = dir.write("arr.json", "[1,2]");
  auto doc = loadConfig(path, agentConfigSpec(), {});
  ASSERT_FALSE(doc.isOk());
  EXPECT_NE(doc.status().message().find("must be a JSON object"), std::string::npos);
}

TEST(ConfigLoaderTest, EnvironmentOverridesFileValues) {
  testing::TempDir dir;
  std::string path = dir.write("a.json", R"({"mqtt": {"url": "tcp://file:1883"}, "workers": 2})");
  Environment env = {{"FERRY_MQTT_URL", "tcp://env:1883"},
                     {"FERRY_QUEUE_QUOTA_BYTES", "8192"},
                     {"FERRY_MQTT_KEEP_ALIVE_SECONDS", "15"},
                     {"FERRY_LOG_LEVEL", "warning"}};
  auto doc = loadConfig(path, agentConfigSpec(), env);
  ASSERT_TRUE(doc.isOk()) << doc.status().toString();
  AgentConfig cfg = agentConfigFromJson(*doc);
  EXPECT_EQ(cfg.mqtt.url, "tcp://env:1883");
  EXPECT_EQ(cfg.queue.quotaBytes, 8192);
  EXPECT_EQ(cfg.mqtt.keepAliveSeconds, 15);
  EXPECT_EQ(cfg.workers, 2);
  EXPECT_EQ(cfg.logLevel, LogLevel::kWarning);
}

TEST(ConfigLoaderTest, BadEnvironmentValueNamesTheVariable) {
  auto doc = loadConfig(std::nullopt, agentConfigSpec(), {{"FERRY_WORKERS", "many"}});
  ASSERT_FALSE(doc.isOk());
  EXPECT_NE(doc.status().message().find("/workers: environment variable FERRY_WORKERS='many' is "
                                        "not a valid integer"),
            std::string::npos)
      << doc.status().message();
  // An env value is validated like a file value.
  auto range = loadConfig(std::nullopt, agentConfigSpec(), {{"FERRY_WORKERS", "0"}});
  ASSERT_FALSE(range.isOk());
  EXPECT_NE(range.status().message().find("'workers' must be at least 1"), std::string::npos);
}

TEST(ConfigLoaderTest, SecretsNeverComeFromTheEnvironment) {
  auto doc = loadConfig(std::nullopt, agentConfigSpec(), {{"FERRY_MQTT_PASSWORD", "hunter2"}});
  ASSERT_TRUE(doc.isOk());
  EXPECT_EQ(agentConfigFromJson(*doc).mqtt.passwordSecret, "");
}

TEST(ConfigLoaderTest, EnvironmentNamesAreUpperSnake) {
  EXPECT_EQ(environmentName({"mqtt", "url"}), "FERRY_MQTT_URL");
  EXPECT_EQ(environmentName({"queue", "quotaBytes"}), "FERRY_QUEUE_QUOTA_BYTES");
  EXPECT_EQ(environmentName({"stateDir"}), "FERRY_STATE_DIR");
  char a[] = "FERRY_X=1";
  char b[] = "HOME=/root";
  char* envp[] = {a, b, nullptr};
  EXPECT_EQ(processEnvironment(envp), (Environment{{"FERRY_X", "1"}}));
}

TEST(ConfigLoaderTest, ControllerConfig) {
  testing::TempDir dir;
  std::string path = dir.write("c.json", R"({"http": {"port": 0}, "store": "sqlite:///x.db",
    "mqtt": {"dynsecAdmin": {"username": "admin", "password": {"$secret": "dynsec"}}},
    "dashboard": {"enabled": false}})");
  auto doc = loadConfig(path, controllerConfigSpec(), {{"FERRY_HTTP_BIND", "0.0.0.0"}});
  ASSERT_TRUE(doc.isOk()) << doc.status().toString();
  ControllerConfig cfg = controllerConfigFromJson(*doc);
  EXPECT_EQ(cfg.http.port, 0);
  EXPECT_EQ(cfg.http.bind, "0.0.0.0");
  EXPECT_EQ(cfg.store, "sqlite:///x.db");
  EXPECT_EQ(cfg.dynsecAdminUsername, "admin");
  EXPECT_EQ(cfg.dynsecAdminPasswordSecret, "dynsec");
  EXPECT_FALSE(cfg.dashboardEnabled);
  EXPECT_EQ(cfg.runsRetentionDays, 30);
}

}  // namespace
}  // namespace ferry::config
