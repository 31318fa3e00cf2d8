#pragma once

#include <memory>
#include <optional>
#include <string>

#include "common/log/logger.h"
#include "common/mqtt/mqtt_transport.h"
#include "common/status/result.h"

namespace ferry::controller::enrollment {

// What an enrolled agent logs in to the broker with.
struct BrokerCredentials {
  std::string username;
  std::string password;
};

// Where agents' broker identities come from (DESIGN.md "Identity and ACL": one broker user
// per agent, allowed only ferry/v1/agents/<id>/…). Thread-safe: API threads call it.
class BrokerIdentities {
 public:
  virtual ~BrokerIdentities() = default;
  // Creates the agent's identity, replacing an earlier one (a re-enrolled agent). nullopt:
  // this broker has no per-agent identities (a loopback or anonymous setup).
  // kUnavailable: the broker cannot be reached now (the agent may try again).
  virtual Result<std::optional<BrokerCredentials>> createAgentIdentity(
      const std::string& agentId) = 0;
};

// No per-agent identities: the broker admits agents as it is configured (loopback demo).
class NoBrokerIdentities final : public BrokerIdentities {
 public:
  Result<std::optional<BrokerCredentials>> createAgentIdentity(const std::string&) override {
    return std::optional<BrokerCredentials>();
  }
};

// Mosquitto's dynamic-security plugin ($CONTROL/dynamic-security/v1), driven through its own
// MQTT connection as the dynsec admin. Each agent gets a client `ferry-agent-<id>` (that
// client id only) with a generated password, and a role of its own allowing
// publishClientSend, subscribePattern and publishClientReceive on ferry/v1/agents/<id>/#
// (mosquitto 2.0.11 has no %c patterns; roles are linked with addClientRole, since inline
// roles in createClient are buggy there: TOOLCHAIN.md §9).
std::unique_ptr<BrokerIdentities> makeDynsecIdentities(
    mqtt::ConnectOptions admin, std::unique_ptr<mqtt::MqttTransport> transport, Logger logger);

// The broker username (and client id) of agent `agentId`.
std::string agentBrokerUser(const std::string& agentId);

}  // namespace ferry::controller::enrollment
