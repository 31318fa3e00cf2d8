#pragma once

#include <string>

#include "common/config/mqtt_config.h"
#include "common/mqtt/mqtt_transport.h"

namespace ferry::mqtt {

// The connect options an `mqtt` config object describes; `password` is the value of its
// `password` secret, resolved by the caller from its own secret store.
ConnectOptions connectOptionsFrom(const config::MqttConfig& cfg, std::string password);

}  // namespace ferry::mqtt
