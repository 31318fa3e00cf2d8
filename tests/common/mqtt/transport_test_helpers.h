#pragma once

#include <chrono>
#include <optional>
#include <string>

#include "common/mqtt/mqtt_transport.h"

// Shared by the transport tests: connect options and waiting for one message.
namespace ferry::mqtt::transport_test {

inline Logger testLogger() {
  return Logger(std::make_shared<FdLogSink>(2), LogLevel::kWarning, "test");
}

inline ConnectOptions options(const std::string& url, const std::string& id,
                              const std::string& version = "5") {
  ConnectOptions o;
  o.url = url;
  o.clientId = id;
  o.version = version;
  o.connectTimeoutSeconds = 5;
  return o;
}

// Polls until a message on `topic` arrives or the timeout passes.
inline std::optional<Message> awaitMessage(
    MqttTransport& t, const std::string& topic,
    std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    auto e = t.poll(std::chrono::milliseconds(100));
    if (e && e->kind == TransportEvent::Kind::kMessage && e->message.topic == topic) {
      return e->message;
    }
  }
  return std::nullopt;
}

}  // namespace ferry::mqtt::transport_test
