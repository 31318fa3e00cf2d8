#include "agent/service/local_flows.h"

#include "agent/cli/check_command.h"
#include "agent/service/webhook_listener.h"
#include "common/model/definitions.h"

namespace ferry::agent {

namespace {

Result<std::shared_ptr<const model::Definitions>> loadDefinitions(const std::string& path) {
  auto doc = readDefinitionsFile(path);
  if (!doc) return doc.status();
  auto defs = model::parseDefinitions(*doc);
  if (!defs) return defs.status().withContext(path);
  return std::shared_ptr<const model::Definitions>(
      std::make_shared<model::Definitions>(std::move(*defs)));
}

}  // namespace

Result<std::unique_ptr<LocalFlows>> LocalFlows::start(const config::AgentConfig& cfg,
                                                      const std::string& stateDir,
                                                      const Logger& log,
                                                      metrics::Registry& registry) {
  auto out = std::make_unique<LocalFlows>(stateDir, log.child("flows"));
  out->registry_ = &registry;
  auto secretStore = secrets::SecretStore::open({stateDir, ""});
  if (!secretStore) return secretStore.status();
  out->secrets_ = std::move(*secretStore);
  queue::LogQueue::Options queueOptions;
  queueOptions.stateDir = stateDir;
  queueOptions.quotaBytes = cfg.queue.quotaBytes;
  queueOptions.synchronous = cfg.queue.synchronous;
  auto queue = queue::LogQueue::open(queueOptions);
  if (!queue) return queue.status();
  out->queue_ = std::move(*queue);
  runtime::RunStore::Options runOptions;
  runOptions.stateDir = stateDir;
  runOptions.errorsQuotaBytes = cfg.errorsQuotaBytes;
  auto runs = runtime::RunStore::open(runOptions);
  if (!runs) return runs.status();
  out->runs_ = std::move(*runs);
  auto events = runtime::openRunEvents(cfg, stateDir, out->log_);
  if (!events) return events.status();
  out->outbox_ = std::move(events->outbox);
  out->events_ = std::move(events->events);
  runtime::registerQueueGauges(registry, *out->queue_, out->outbox_.get());
  FERRY_RETURN_IF_ERROR(out->startFlows(cfg));
  return out;
}

Status LocalFlows::startFlows(const config::AgentConfig& cfg) {
  runsRetentionDays_ = cfg.runsRetentionDays;
  errorsRetentionDays_ = cfg.errorsRetentionDays;
  auto defs = loadDefinitions(cfg.definitions);
  if (!defs) return defs.status();
  if (listener_) {
    auto routes = connectors::listener::buildListenerRoutes(**defs, secrets_.get());
    if (!routes) return routes.status();
    FERRY_RETURN_IF_ERROR(listener_->setRoutes(std::move(*routes)));
  } else {
    auto listener = startWebhookListener(cfg, **defs, *queue_, secrets_.get(), clock_, log_);
    if (!listener) return listener.status();
    listener_ = std::move(*listener);
  }
  if (service_) service_->stop();
  definitions_ = std::move(*defs);
  runtime::FlowService::Options options;
  options.stateDir = stateDir_;
  options.workers = cfg.workers;
  options.secrets = secrets_.get();
  options.logger = &log_;
  options.clock = &clock_;
  options.events = events_.get();
  options.metrics = registry_;
  service_ =
      std::make_unique<runtime::FlowService>(std::move(options), *queue_, *runs_, definitions_);
  log_.info("running local definitions",
            {{"file", cfg.definitions},
             {"flows", static_cast<std::int64_t>(definitions_->flows.size())}});
  return Status::ok();
}

void LocalFlows::tick() {
  service_->tick();
  // Retention (runs.retentionDays, errors.retentionDays), at most hourly.
  const auto now = std::chrono::steady_clock::now();
  if (now < nextPrune_) return;
  nextPrune_ = now + std::chrono::hours(1);
  const auto wall = clock_.now();
  auto pruned = runs_->prune(wall - std::chrono::hours(24) * runsRetentionDays_,
                             wall - std::chrono::hours(24) * errorsRetentionDays_);
  if (!pruned) log_.warning("run history not pruned", {{"error", pruned.status().message()}});
}

Status LocalFlows::reload(const config::AgentConfig& cfg) {
  return startFlows(cfg);
}

LocalFlows::~LocalFlows() {
  if (listener_) listener_->stop();
  if (service_) service_->stop();
}

}  // namespace ferry::agent
