#pragma once

#include <string>

#include "common/config/agent_config.h"
#include "common/status/status.h"

namespace ferry::agent {

// The secret `enroll` stores the broker password under.
inline constexpr const char* kMqttPasswordSecret = "mqtt-password";

// Where `enroll` writes the identity: the config's identityFile, else <stateDir>/identity.json.
std::string identityPath(const config::AgentConfig& cfg, const std::string& stateDir);

// Fills agentId, mqtt.url, mqtt.username and the mqtt password secret from the identity file
// where agent.json leaves them unset (keys set in agent.json win). A missing file changes
// nothing; a malformed one is an error that names it.
Status applyIdentity(config::AgentConfig& cfg, const std::string& stateDir);

// Writes the identity file (mode 0600, atomically): {agentId, mqtt: {url, username}}.
Status writeIdentity(const std::string& path, const std::string& agentId, const std::string& url,
                     const std::string& username);

}  // namespace ferry::agent
