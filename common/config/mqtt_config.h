#pragma once

#include <string>

namespace ferry::config {

// The `mqtt` object of either config, after defaults.
struct MqttConfig {
  std::string url;            // empty: no broker link
  std::string version = "5";  // "5" or "3.1.1"
  std::string caFile;
  std::string certFile;
  std::string keyFile;
  std::string username;
  std::string passwordSecret;  // name of the secret holding the password; empty: none
  std::string proxy;
  int keepAliveSeconds = 30;
  int heartbeatSeconds = 60;
};

}  // namespace ferry::config
