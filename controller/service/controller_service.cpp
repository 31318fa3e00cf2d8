#include "controller/service/controller_service.h"

#include "controller/dashboard/dashboard.h"
#include "controller/service/fleet_metrics.h"

#include <chrono>
#include <csignal>

#include "common/config/controller_config.h"
#include "common/fs/state_dir.h"
#include "common/http/http_server.h"
#include "common/metrics/build_info.h"
#include "common/mqtt/mqtt_options.h"
#include "common/service/signal_waiter.h"
#include "common/service/systemd_notify.h"
#include "common/version/version.h"
#include "controller/api/controller_api.h"
#include "controller/api/http_handler.h"
#include "controller/api/publisher.h"
#include "controller/api/store_opener.h"
#include "controller/sync/fleet_link.h"

namespace ferry::controller {

int runControllerService(cli::Invocation& inv) {
  service::SignalWaiter signals;  // before any thread starts
  Logger log = inv.logger.child("service");
  config::ControllerConfig cfg = config::controllerConfigFromJson(inv.config);
  if (Status st = fs::ensureStateDir(inv.stateDir); !st.isOk()) {
    log.error("cannot use the state directory", {{"error", st.message()}});
    return 1;
  }
  log.info("ferry-controller started", {{"version", std::string(ferryVersion())},
                                        {"revision", std::string(ferryRevision())},
                                        {"stateDir", inv.stateDir},
                                        {"config", inv.configPath}});
  auto store = api::openControllerStore(cfg, inv.stateDir);
  if (!store) {
    log.error("cannot open the store", {{"error", store.status().message()}});
    return 1;
  }
  log.info("store open", {{"backend", (*store)->backendName()}});
  SystemClock clock;
  metrics::Registry registry;
  metrics::registerBuildInfo(registry);
  registerFleetMetrics(registry, **store, clock);
  // Without a broker, deploys and commands are stored and logged; the link publishes every
  // latest deployment and unanswered command once one is configured.
  api::LoggingAgentPublisher loggingPublisher(log.child("deploy"));
  api::AgentPublisher* publisher = &loggingPublisher;
  std::unique_ptr<sync::FleetLink> fleet;
  if (!cfg.mqtt.url.empty()) {
    std::string password;
    if (!cfg.mqtt.passwordSecret.empty()) {
      auto secret = api::resolveControllerSecret(inv.stateDir, cfg.mqtt.passwordSecret);
      if (!secret) {
        log.error("mqtt.password cannot be read", {{"error", secret.status().message()}});
        return 1;
      }
      password = std::move(*secret);
    }
    sync::FleetLink::Options linkOptions;
    linkOptions.connect = mqtt::connectOptionsFrom(cfg.mqtt, std::move(password));
    Logger fleetLog = log.child("fleet");
    fleet = std::make_unique<sync::FleetLink>(
        std::move(linkOptions), mqtt::makePahoTransport(fleetLog), **store, registry, fleetLog);
    publisher = fleet.get();
  } else {
    log.info("no mqtt.url: agents are not reached (deploys and commands are only stored)");
  }
  // Enrollment: per-agent broker identities when a dynamic-security admin is configured.
  std::unique_ptr<enrollment::BrokerIdentities> identities;
  if (!cfg.dynsecAdminUsername.empty()) {
    std::string adminPassword;
    if (!cfg.dynsecAdminPasswordSecret.empty()) {
      auto secret = api::resolveControllerSecret(inv.stateDir, cfg.dynsecAdminPasswordSecret);
      if (!secret) {
        log.error("mqtt.dynsecAdmin.password cannot be read",
                  {{"error", secret.status().message()}});
        return 1;
      }
      adminPassword = std::move(*secret);
    }
    mqtt::ConnectOptions admin = mqtt::connectOptionsFrom(cfg.mqtt, std::move(adminPassword));
    admin.username = cfg.dynsecAdminUsername;
    Logger dynsecLog = log.child("dynsec");
    identities = enrollment::makeDynsecIdentities(std::move(admin),
                                                  mqtt::makePahoTransport(dynsecLog), dynsecLog);
  }
  api::EnrollmentSettings enroll{identities.get(),
                                 cfg.agentsBrokerUrl.empty() ? cfg.mqtt.url : cfg.agentsBrokerUrl};
  api::ControllerApi controllerApi(**store, *publisher, clock, log.child("api"), std::move(enroll));
  http::HttpServer::Options options;
  options.bind = cfg.http.bind;
  options.port = cfg.http.port;
  options.maxBodyBytes = cfg.http.maxBodyBytes;
  options.tlsCertFile = cfg.http.tlsCertFile;
  options.tlsKeyFile = cfg.http.tlsKeyFile;
  http::HttpHandler handler = api::controllerHttpHandler(controllerApi, registry);
  if (cfg.dashboardEnabled) handler = dashboard::withDashboard(std::move(handler));
  auto server = http::HttpServer::start(options, std::move(handler), log.child("http"));
  if (!server) {
    log.error("HTTP API not started", {{"error", server.status().message()}});
    return 1;
  }
  log.info("HTTP API listening", {{"bind", cfg.http.bind}, {"port", (*server)->port()}});
  if (fleet) fleet->start();
  service::notifySystemd("READY=1");  // Type=notify: `systemctl start` returns now

  // Retention (runs.retentionDays): old runs and their errors are pruned hourly.
  auto nextPrune = std::chrono::steady_clock::now();
  for (;;) {
    if (std::chrono::steady_clock::now() >= nextPrune) {
      nextPrune += std::chrono::hours(1);
      const auto cutoff = clock.now() - std::chrono::hours(24) * cfg.runsRetentionDays;
      auto pruned = (*store)->pruneRuns(
          std::chrono::duration_cast<std::chrono::milliseconds>(cutoff.time_since_epoch()).count());
      if (!pruned) {
        log.warning("runs not pruned", {{"error", pruned.status().message()}});
      }
    }
    auto sig = signals.wait(std::chrono::seconds(1));
    if (!sig) continue;
    if (*sig == SIGHUP) {
      log.info("SIGHUP ignored: restart the controller to apply config changes");
      continue;
    }
    log.info("stopping", {{"signal", std::string(sig == SIGTERM ? "SIGTERM" : "SIGINT")}});
    service::notifySystemd("STOPPING=1");
    break;
  }
  (*server)->stop();  // before the store closes: scrapes read it
  if (fleet) fleet->stop();
  log.info("ferry-controller stopped");
  return 0;
}

}  // namespace ferry::controller
