#include "agent/service/agent_service.h"

#include <unistd.h>

#include <csignal>

#include "agent/service/controller_link.h"
#include "agent/service/flow_host.h"
#include "agent/service/identity.h"
#include "common/config/agent_config.h"
#include "common/config/config_loader.h"
#include "common/config/config_schemas.h"
#include "common/fs/state_dir.h"
#include "common/http/http_server.h"
#include "common/metrics/build_info.h"
#include "common/service/signal_waiter.h"
#include "common/service/systemd_notify.h"
#include "common/version/version.h"

namespace ferry::agent {

namespace {

std::unique_ptr<http::HttpServer> startMetrics(const config::AgentConfig& cfg,
                                               const metrics::Registry& registry,
                                               const Logger& log) {
  if (cfg.metrics.port == 0) return nullptr;
  http::HttpServer::Options options;
  options.bind = cfg.metrics.bind;
  options.port = cfg.metrics.port;
  options.maxThreads = 2;
  auto server = http::HttpServer::start(
      options,
      [&registry](const http::HttpRequest& req) {
        http::HttpResponse r;
        if (req.path == "/metrics" && req.method == "GET") {
          r.contentType = "text/plain; version=0.0.4; charset=utf-8";
          r.body = registry.render();
        } else {
          r.status = 404;
          r.contentType = "text/plain";
          r.body = "not found\n";
        }
        return r;
      },
      log.child("metrics"));
  if (!server) {
    log.error("metrics endpoint not started", {{"error", server.status().message()}});
    return nullptr;
  }
  log.info("metrics endpoint listening", {{"bind", cfg.metrics.bind}, {"port", (*server)->port()}});
  return std::move(*server);
}

}  // namespace

int runAgentService(cli::Invocation& inv) {
  // Block the signals before any thread starts, so only this thread receives them.
  service::SignalWaiter signals;
  Logger log = inv.logger.child("service");
  config::AgentConfig cfg = config::agentConfigFromJson(inv.config);
  if (Status st = applyIdentity(cfg, inv.stateDir); !st.isOk()) {
    log.error("the identity cannot be read", {{"error", st.message()}});
    return 1;
  }

  if (Status st = fs::ensureStateDir(inv.stateDir); !st.isOk()) {
    log.error("cannot use the state directory", {{"error", st.message()}});
    return 1;
  }
  log.info("ferry-agent started", {{"version", std::string(ferryVersion())},
                                   {"revision", std::string(ferryRevision())},
                                   {"stateDir", inv.stateDir},
                                   {"config", inv.configPath}});
  const bool managed = !cfg.agentId.empty() && !cfg.mqtt.url.empty();
  if (!managed && cfg.definitions.empty()) {
    log.info("no identity and no local definitions: waiting for enrollment");
  }
  metrics::Registry registry;
  metrics::registerBuildInfo(registry);
  auto metricsServer = startMetrics(cfg, registry, log);
  auto fail = [&](const char* what, const Status& st) {
    log.error(what, {{"error", st.message()}});
    if (metricsServer) metricsServer->stop();
    return 1;
  };
  std::unique_ptr<FlowHost> flows;
  std::unique_ptr<ControllerLink> link;
  if (managed || !cfg.definitions.empty()) {
    // The last applied desired document runs at once, whether the broker is reachable or
    // not; a local definitions file takes its place when the config names one.
    auto desired = sync::DesiredState::load(inv.stateDir);
    if (!desired) return fail("the desired state cannot be read", desired.status());
    std::shared_ptr<const model::Definitions> definitions = desired->appliedDefinitions();
    if (!cfg.definitions.empty()) {
      auto local = loadDefinitionsFile(cfg.definitions);
      if (!local) return fail("local definitions not started", local.status());
      definitions = std::move(*local);
      log.info("running local definitions", {{"file", cfg.definitions}});
    } else if (definitions) {
      log.info("running the last applied desired document",
               {{"version", desired->appliedVersion()}});
    }
    auto started = FlowHost::start(cfg, inv.stateDir, log, registry, std::move(definitions));
    if (!started) return fail("flows not started", started.status());
    flows = std::move(*started);
    if (managed) {
      auto linked = ControllerLink::start(cfg, inv.stateDir, *flows, std::move(*desired), log);
      if (!linked) return fail("controller link not started", linked.status());
      link = std::move(*linked);
    }
  }

  // Signals are handled from here on: systemd may now send SIGHUP (Type=notify units).
  service::notifySystemd("READY=1");
  for (;;) {
    if (flows) flows->tick();
    auto sig = signals.wait(std::chrono::seconds(1));
    if (!sig) continue;
    if (*sig == SIGHUP) {
      if (inv.configPath.empty()) {
        log.info("SIGHUP: no config file to re-read");
        continue;
      }
      auto reloaded = config::loadConfig(inv.configPath, config::agentConfigSpec(),
                                         config::processEnvironment(environ));
      if (!reloaded) {
        log.error("SIGHUP: config not reloaded, keeping the running one",
                  {{"error", reloaded.status().message()}});
        continue;
      }
      inv.config = std::move(*reloaded);
      cfg = config::agentConfigFromJson(inv.config);
      if (Status st = applyIdentity(cfg, inv.stateDir); !st.isOk()) {
        log.error("SIGHUP: the identity cannot be read", {{"error", st.message()}});
      }
      log.info("SIGHUP: config reloaded", {{"config", inv.configPath}});
      if (flows && !cfg.definitions.empty()) {
        flows->setConfig(cfg);
        auto defs = loadDefinitionsFile(cfg.definitions);
        Status reloaded = defs ? flows->apply(std::move(*defs)) : defs.status();
        if (!reloaded.isOk()) {
          log.error("SIGHUP: definitions not reloaded, the running ones stay",
                    {{"error", reloaded.message()}});
        }
      }
      continue;
    }
    log.info("stopping", {{"signal", std::string(sig == SIGTERM ? "SIGTERM" : "SIGINT")}});
    service::notifySystemd("STOPPING=1");
    break;
  }
  // Scrapes read the queue: the metrics endpoint stops before the flows' state closes.
  if (metricsServer) metricsServer->stop();
  if (flows) flows->stop();  // the listener stops, then each run finishes the page in hand
  link.reset();              // sends the runs' last events, then says the agent went offline
  flows.reset();
  log.info("ferry-agent stopped");
  return 0;
}

}  // namespace ferry::agent
