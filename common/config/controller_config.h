#pragma once

#include <cstdint>
#include <string>

#include "common/config/mqtt_config.h"
#include "common/json/json_fwd.h"
#include "common/log/logger.h"

namespace ferry::config {

// controller.json after validation and defaults (DESIGN.md, "Configuration").
struct ControllerConfig {
  std::string stateDir;
  struct Http {
    std::string bind = "127.0.0.1";
    int port = 8080;
    std::string tlsCertFile;
    std::string tlsKeyFile;
    std::int64_t maxBodyBytes = std::int64_t{4} << 20;
  } http;
  std::string store;  // empty: sqlite in the state directory
  MqttConfig mqtt;
  std::string dynsecAdminUsername;
  std::string dynsecAdminPasswordSecret;
  std::string agentsBrokerUrl;
  int runsRetentionDays = 30;
  bool dashboardEnabled = true;
  LogLevel logLevel = LogLevel::kInfo;
};

// `doc` must have passed loadConfig with controllerConfigSpec().
ControllerConfig controllerConfigFromJson(const ferry::Json& doc);

}  // namespace ferry::config
