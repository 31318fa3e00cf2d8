#include "agent/service/webhook_listener.h"

namespace ferry::agent {

Result<std::unique_ptr<connectors::listener::ListenerServer>> startWebhookListener(
    const config::AgentConfig& cfg, const model::Definitions& definitions, queue::LogQueue& queue,
    const secrets::SecretResolver* secrets, const Clock& clock, const Logger& log) {
  using connectors::listener::ListenerServer;
  bool any = false;
  for (const auto& e : definitions.exports) any = any || e.type == "listener";
  if (cfg.listener.port == 0 || !any) return std::unique_ptr<ListenerServer>();
  auto routes = connectors::listener::buildListenerRoutes(definitions, secrets);
  if (!routes) return routes.status();
  auto server = ListenerServer::start(
      ListenerServer::optionsFrom(cfg.listener), std::move(*routes),
      std::make_unique<connectors::listener::LogQueueSink>(queue, clock), log.child("listener"));
  if (!server) return server.status();
  log.info("webhook listener serving",
           {{"bind", cfg.listener.bind}, {"port", (*server)->port()}, {"tls", (*server)->tls()}});
  return server;
}

}  // namespace ferry::agent
