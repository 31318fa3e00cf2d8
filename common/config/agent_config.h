#pragma once

#include <cstdint>
#include <string>

#include "common/config/mqtt_config.h"
#include "common/json/json_fwd.h"
#include "common/log/logger.h"

namespace ferry::config {

// agent.json after validation and defaults (DESIGN.md, "Configuration").
struct AgentConfig {
  std::string stateDir;
  std::string agentId;
  std::string definitions;
  std::string identityFile;
  MqttConfig mqtt;
  struct Listener {
    std::string bind = "0.0.0.0";
    int port = 8088;
    std::string tlsCertFile;
    std::string tlsKeyFile;
    std::int64_t maxBodyBytes = 1 << 20;
  } listener;
  struct Metrics {
    std::string bind = "127.0.0.1";
    int port = 9464;
  } metrics;
  struct Queue {
    std::int64_t quotaBytes = std::int64_t{1} << 30;
    std::string synchronous = "FULL";
  } queue;
  std::int64_t outboxQuotaBytes = std::int64_t{64} << 20;
  int runsRetentionDays = 30;
  std::int64_t errorsQuotaBytes = std::int64_t{256} << 20;
  int errorsRetentionDays = 30;
  int workers = 4;
  LogLevel logLevel = LogLevel::kInfo;
};

// `doc` must have passed loadConfig with agentConfigSpec() (so it is valid and defaulted).
AgentConfig agentConfigFromJson(const ferry::Json& doc);

}  // namespace ferry::config
