#pragma once

#include <memory>

#include "agent/connectors/listener/listener_server.h"
#include "agent/queue/log_queue.h"
#include "common/clock/clock.h"
#include "common/config/agent_config.h"
#include "common/secrets/secret_store.h"

namespace ferry::agent {

// Starts the agent's webhook listener for the `listener` exports of `definitions` on
// listener.bind/listener.port, appending to `queue` (both must outlive the server).
// nullptr (nothing to do) when the port is 0 or there are no listener exports; an error
// naming the export or the address otherwise.
Result<std::unique_ptr<connectors::listener::ListenerServer>> startWebhookListener(
    const config::AgentConfig& cfg, const model::Definitions& definitions, queue::LogQueue& queue,
    const secrets::SecretResolver* secrets, const Clock& clock, const Logger& log);

}  // namespace ferry::agent
