#include "common/mqtt/mqtt_options.h"

namespace ferry::mqtt {

ConnectOptions connectOptionsFrom(const config::MqttConfig& cfg, std::string password) {
  ConnectOptions o;
  o.url = cfg.url;
  o.version = cfg.version;
  o.username = cfg.username;
  o.password = std::move(password);
  o.caFile = cfg.caFile;
  o.certFile = cfg.certFile;
  o.keyFile = cfg.keyFile;
  o.proxy = cfg.proxy;
  o.keepAliveSeconds = cfg.keepAliveSeconds;
  return o;
}

}  // namespace ferry::mqtt
