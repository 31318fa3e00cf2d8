#pragma once

#include <memory>
#include <string>

#include "agent/connectors/listener/listener_server.h"
#include "agent/queue/log_queue.h"
#include "common/clock/clock.h"
#include "common/config/agent_config.h"
#include "common/secrets/secret_store.h"

namespace ferry::agent {

// What the agent's webhook listener needs to keep running: the queue the records go to,
// the secrets its routes were built from, and the server. Destroying it stops the server
// first (in-flight appends complete), then closes the queue.
struct WebhookListener {
  std::unique_ptr<queue::LogQueue> queue;
  std::unique_ptr<secrets::SecretStore> secrets;
  SystemClock clock;
  std::unique_ptr<connectors::listener::ListenerServer> server;
  ~WebhookListener();
};

// Starts the listener for the `listener` exports of the local definitions file
// (config `definitions`) on listener.bind/listener.port. nullptr (with nothing to do) when
// the port is 0, no definitions file is configured or it has no listener exports; an error
// naming the file, the export or the address otherwise.
Result<std::unique_ptr<WebhookListener>> startWebhookListener(const config::AgentConfig& cfg,
                                                              const std::string& stateDir,
                                                              const Logger& log);

}  // namespace ferry::agent
