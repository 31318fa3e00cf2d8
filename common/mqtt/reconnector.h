#pragma once

#include <chrono>
#include <functional>
#include <string>

#include "common/log/logger.h"
#include "common/mqtt/mqtt_transport.h"
#include "common/retry/retry_policy.h"

namespace ferry::mqtt {

// The reconnect loop both the agent and the controller run instead of Paho's automatic
// reconnect (decision 0003): one attempt when the backoff allows, each with options made
// afresh (a new will carrying a new session number), capped full-jitter backoff between
// failures. The owner's thread calls it each turn of its loop. Not thread-safe.
class Reconnector {
 public:
  Reconnector(MqttTransport& transport, retry::RetryPolicy::Options backoff, Logger logger);

  // Connects when not connected and the backoff has elapsed. True when this call made a new
  // connection: the owner then subscribes and publishes its state.
  bool connectIfDue(const std::function<ConnectOptions()>& makeOptions);
  // The owner set up its session (subscriptions, first publishes): the backoff starts over.
  void established() { failures_ = 0; }
  // The owner could not set up its session on a fresh connection (a refused subscription)
  // and disconnected: the next attempt waits like after a failed connect, growing.
  void setupFailed(const std::string& reason);
  // The link died (a kConnectionLost event, a failed publish): the next attempt comes after
  // the first backoff step.
  void lost(const std::string& reason);
  // How long the owner may wait before calling connectIfDue again (zero when connected).
  std::chrono::milliseconds untilNextAttempt() const;

 private:
  MqttTransport& transport_;
  retry::RetryPolicy policy_;
  Logger log_;
  int failures_ = 0;
  bool wasConnected_ = false;
  std::chrono::steady_clock::time_point nextAttempt_{};
};

}  // namespace ferry::mqtt
