#include "agent/service/flow_host.h"

#include "agent/cli/check_command.h"
#include "agent/service/webhook_listener.h"
#include "common/fs/atomic_file.h"
#include "common/model/definitions.h"

namespace ferry::agent {

using json = ferry::Json;

Result<std::shared_ptr<const model::Definitions>> loadDefinitionsFile(const std::string& path) {
  auto doc = readDefinitionsFile(path);
  if (!doc) return doc.status();
  auto defs = model::parseDefinitions(*doc);
  if (!defs) return defs.status().withContext(path);
  return std::shared_ptr<const model::Definitions>(
      std::make_shared<model::Definitions>(std::move(*defs)));
}

namespace {

Result<std::set<std::string>> loadPaused(const std::string& path) {
  auto text = fs::readWholeFile(path);
  if (!text) {
    if (text.status().code() == StatusCode::kNotFound) return std::set<std::string>{};
    return text.status();
  }
  json doc = json::parse(*text, nullptr, false);
  if (!doc.is_array()) return Status::dataLoss(path + ": not a JSON array of flow ids");
  std::set<std::string> out;
  for (const auto& id : doc) {
    if (!id.is_string()) return Status::dataLoss(path + ": not a JSON array of flow ids");
    out.insert(id.get<std::string>());
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<FlowHost>> FlowHost::start(
    const config::AgentConfig& cfg, const std::string& stateDir, const Logger& log,
    metrics::Registry& registry, std::shared_ptr<const model::Definitions> definitions) {
  auto out = std::make_unique<FlowHost>(stateDir, log.child("flows"));
  out->registry_ = &registry;
  out->cfg_ = cfg;
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
  auto paused = loadPaused(stateDir + "/paused.json");
  if (!paused) return paused.status();
  out->paused_ = std::move(*paused);
  runtime::registerQueueGauges(registry, *out->queue_, out->outbox_.get());
  if (!definitions) definitions = std::make_shared<model::Definitions>();
  std::lock_guard lock(out->mutex_);
  FERRY_RETURN_IF_ERROR(out->applyLocked(std::move(definitions)));
  return out;
}

const std::string& FlowHost::queueId() const {
  return queue_->queueId();
}

void FlowHost::setConfig(const config::AgentConfig& cfg) {
  std::lock_guard lock(mutex_);
  cfg_ = cfg;
}

Status FlowHost::apply(std::shared_ptr<const model::Definitions> definitions) {
  std::lock_guard lock(mutex_);
  return applyLocked(std::move(definitions));
}

Status FlowHost::applyLocked(std::shared_ptr<const model::Definitions> defs) {
  if (listener_) {
    auto routes = connectors::listener::buildListenerRoutes(*defs, secrets_.get());
    if (!routes) return routes.status();
    FERRY_RETURN_IF_ERROR(listener_->setRoutes(std::move(*routes)));
  } else {
    auto listener = startWebhookListener(cfg_, *defs, *queue_, secrets_.get(), clock_, log_);
    if (!listener) return listener.status();
    listener_ = std::move(*listener);
  }
  if (service_) service_->stop();
  definitions_ = std::move(defs);
  runtime::FlowService::Options options;
  options.stateDir = stateDir_;
  options.workers = cfg_.workers;
  options.secrets = secrets_.get();
  options.logger = &log_;
  options.clock = &clock_;
  options.events = events_.get();
  options.metrics = registry_;
  service_ =
      std::make_unique<runtime::FlowService>(std::move(options), *queue_, *runs_, definitions_);
  service_->setPaused(paused_);
  log_.info("running definitions",
            {{"flows", static_cast<std::int64_t>(definitions_->flows.size())},
             {"version", definitions_->version.value_or(0)}});
  return Status::ok();
}

void FlowHost::tick() {
  std::lock_guard lock(mutex_);
  service_->tick();
  // Retention (runs.retentionDays, errors.retentionDays), at most hourly.
  const auto now = std::chrono::steady_clock::now();
  if (now < nextPrune_) return;
  nextPrune_ = now + std::chrono::hours(1);
  const auto wall = clock_.now();
  auto pruned = runs_->prune(wall - std::chrono::hours(24) * cfg_.runsRetentionDays,
                             wall - std::chrono::hours(24) * cfg_.errorsRetentionDays);
  if (!pruned) log_.warning("run history not pruned", {{"error", pruned.status().message()}});
}

Status FlowHost::runNow(const std::string& flowId) {
  std::lock_guard lock(mutex_);
  if (definitions_->findFlow(flowId) == nullptr) {
    return Status::notFound("flow " + flowId + " is not defined on this agent");
  }
  if (paused_.count(flowId) != 0)
    return Status::failedPrecondition("flow " + flowId + " is paused");
  if (!service_->runNow(flowId)) {
    return Status::failedPrecondition("flow " + flowId + " is running already");
  }
  return Status::ok();
}

Status FlowHost::setPaused(const std::string& flowId, bool paused) {
  std::lock_guard lock(mutex_);
  std::set<std::string> next = paused_;
  if (paused) {
    next.insert(flowId);
  } else {
    next.erase(flowId);
  }
  json doc(next);
  FERRY_RETURN_IF_ERROR(
      fs::writeFileAtomically(stateDir_ + "/paused.json", doc.dump() + "\n", 0600));
  paused_ = std::move(next);
  service_->setPaused(paused_);
  log_.info(paused ? "flow paused" : "flow resumed", {{"flow", flowId}});
  return Status::ok();
}

std::vector<runtime::RetryOutcome> FlowHost::retryErrors(const std::vector<std::string>& errorIds,
                                                         const std::optional<json>& edited) {
  std::shared_ptr<const model::Definitions> defs;
  {
    std::lock_guard lock(mutex_);
    defs = definitions_;
  }
  connectors::ConnectorContext context{secrets_.get(), stateDir_, &log_};
  auto outcomes = runtime::retryErrors(*runs_, *defs, queue_->queueId(), context, errorIds, edited);
  std::vector<std::string> retried;
  for (const auto& o : outcomes) {
    if (o.retried) retried.push_back(o.errorId);
  }
  announceClosed(retried, "retried");
  return outcomes;
}

Result<std::size_t> FlowHost::resolveErrors(const std::vector<std::string>& errorIds) {
  auto changed = runs_->resolve(errorIds);
  if (changed) announceClosed(errorIds, "resolved");
  return changed;
}

void FlowHost::announceClosed(const std::vector<std::string>& ids, const std::string& how) {
  if (events_ && !ids.empty()) events_->emit("error.closed", {{"errorIds", ids}, {"how", how}});
}

json FlowHost::runtimeStats() {
  json flows = json::object();
  auto summaries = runs_->flowRunSummaries();
  const auto nowMs =
      std::chrono::duration_cast<std::chrono::milliseconds>(clock_.now().time_since_epoch())
          .count();
  std::shared_ptr<const model::Definitions> defs;
  {
    std::lock_guard lock(mutex_);
    defs = definitions_;
  }
  for (const auto& flow : defs->flows) {
    json f = {{"lastRunState", nullptr}, {"watermarkLagSeconds", nullptr}};
    if (summaries) {
      auto it = summaries->find(flow.id);
      if (it != summaries->end()) {
        f["lastRunState"] = it->second.lastRunState;
        if (it->second.lastDeliveredStartMs > 0) {
          f["watermarkLagSeconds"] = (nowMs - it->second.lastDeliveredStartMs) / 1000;
        }
      }
    }
    flows[flow.id] = std::move(f);
  }
  std::uint64_t depth = 0;
  if (auto stats = queue_->stats(); stats) {
    for (const auto& [topic, pages] : stats->depthPages) depth += pages;
  }
  return {{"queueDepth", depth}, {"flows", std::move(flows)}};
}

json FlowHost::flowsReport() {
  std::lock_guard lock(mutex_);
  json out = json::object();
  for (const auto& flow : definitions_->flows) {
    out[flow.id] = {{"state", paused_.count(flow.id) != 0 ? "paused" : "active"}};
  }
  return out;
}

void FlowHost::stop() {
  std::lock_guard lock(mutex_);
  if (listener_) listener_->stop();
  if (service_) service_->stop();
}

FlowHost::~FlowHost() {
  stop();
}

}  // namespace ferry::agent
