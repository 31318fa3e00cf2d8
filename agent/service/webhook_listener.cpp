#include "agent/service/webhook_listener.h"

#include "agent/cli/check_command.h"
#include "common/model/definitions.h"

namespace ferry::agent {

WebhookListener::~WebhookListener() {
  if (server) server->stop();
}

Result<std::unique_ptr<WebhookListener>> startWebhookListener(const config::AgentConfig& cfg,
                                                              const std::string& stateDir,
                                                              const Logger& log) {
  using Ptr = std::unique_ptr<WebhookListener>;
  if (cfg.listener.port == 0 || cfg.definitions.empty()) return Ptr();
  auto doc = readDefinitionsFile(cfg.definitions);
  if (!doc) return doc.status();
  auto defs = model::parseDefinitions(*doc);
  if (!defs) return defs.status().withContext(cfg.definitions);
  bool any = false;
  for (const auto& e : defs->exports) any = any || e.type == "listener";
  if (!any) return Ptr();

  auto out = std::make_unique<WebhookListener>();
  auto secretStore = secrets::SecretStore::open({stateDir, ""});
  if (!secretStore) return secretStore.status();
  out->secrets = std::move(*secretStore);
  auto routes = connectors::listener::buildListenerRoutes(*defs, out->secrets.get());
  if (!routes) return routes.status().withContext(cfg.definitions);
  queue::LogQueue::Options queueOptions;
  queueOptions.stateDir = stateDir;
  queueOptions.quotaBytes = cfg.queue.quotaBytes;
  queueOptions.synchronous = cfg.queue.synchronous;
  auto queue = queue::LogQueue::open(queueOptions);
  if (!queue) return queue.status();
  out->queue = std::move(*queue);
  auto server = connectors::listener::ListenerServer::start(
      connectors::listener::ListenerServer::Options(
          connectors::listener::ListenerServer::optionsFrom(cfg.listener)),
      std::move(*routes),
      std::make_unique<connectors::listener::LogQueueSink>(*out->queue, out->clock),
      log.child("listener"));
  if (!server) return server.status();
  out->server = std::move(*server);
  log.info(
      "webhook listener serving",
      {{"bind", cfg.listener.bind}, {"port", out->server->port()}, {"tls", out->server->tls()}});
  return out;
}

}  // namespace ferry::agent
