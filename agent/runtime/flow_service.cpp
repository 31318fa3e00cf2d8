#include "agent/runtime/flow_service.h"

#include <algorithm>

namespace ferry::agent::runtime {

FlowService::FlowService(Options options, queue::LogQueue& queue, RunStore& runs,
                         std::shared_ptr<const model::Definitions> definitions)
    : options_(std::move(options)),
      queue_(queue),
      runs_(runs),
      definitions_(std::move(definitions)),
      scheduler_(*options_.clock) {
  std::vector<const model::Flow*> scheduled;
  std::map<std::string, Clock::TimePoint> lastRuns;
  for (const auto& flow : definitions_->flows) {
    bool listener = false;
    for (const auto& source : flow.sources) {
      // Every consumer exists before anything runs, so no flow misses a page.
      (void)queue_.registerConsumer(flow.id, source, queue::LogQueue::StartAt::kEarliest);
      const auto* spec = definitions_->findExport(source);
      listener = listener || (spec != nullptr && spec->type == "listener");
    }
    if (listener) listenerFlows_.push_back(flow.id);
    if (flow.schedule) scheduled.push_back(&flow);
    auto last = runs_.lastRunStart(flow.id);
    if (last.isOk() && *last) lastRuns[flow.id] = **last;
  }
  scheduler_.setFlows(scheduled, lastRuns);
  const int workers = std::max(1, options_.workers);
  for (int i = 0; i < workers; ++i) workers_.emplace_back([this] { work(); });
}

FlowService::~FlowService() {
  stop();
}

void FlowService::tick() {
  std::lock_guard lock(mutex_);
  if (stopping_) return;
  for (auto& id : scheduler_.takeDue()) {
    if (paused_.count(id) != 0) {
      scheduler_.finished(id);  // the tick is skipped, not queued for later
    } else {
      jobs_.push_back({std::move(id), "schedule"});
    }
  }
  if (!listenerFlows_.empty()) {
    // A listener flow runs only when posts are waiting for it: opening its destinations
    // every second for nothing would load them for no work.
    auto stats = queue_.stats();
    for (const auto& id : listenerFlows_) {
      if (paused_.count(id) != 0) continue;
      bool waiting = !stats;  // unknown: look anyway
      if (stats) {
        for (const auto& c : stats->consumers)
          waiting = waiting || (c.consumer == id && c.lagPages > 0);
      }
      if (waiting && scheduler_.startOnDemand(id)) jobs_.push_back({id, "listener"});
    }
  }
  wake_.notify_all();
}

bool FlowService::runNow(const std::string& flowId, const std::string& trigger) {
  std::lock_guard lock(mutex_);
  if (stopping_ || definitions_->findFlow(flowId) == nullptr) return false;
  if (paused_.count(flowId) != 0) return false;
  if (!scheduler_.startOnDemand(flowId)) return false;
  jobs_.push_back({flowId, trigger});
  wake_.notify_all();
  return true;
}

void FlowService::setPaused(const std::set<std::string>& flowIds) {
  std::lock_guard lock(mutex_);
  paused_ = flowIds;
}

void FlowService::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ && workers_.empty()) return;
    stopping_ = true;
    cancel_ = true;
    jobs_.clear();
  }
  wake_.notify_all();
  for (auto& t : workers_) {
    if (t.joinable()) t.join();
  }
  workers_.clear();
}

void FlowService::work() {
  while (true) {
    Job job;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !jobs_.empty(); });
      if (stopping_) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    FlowRunner::Options options;
    options.stateDir = options_.stateDir;
    options.secrets = options_.secrets;
    options.logger = options_.logger;
    options.cancel = &cancel_;
    options.exportLocks = &exportLocks_;
    options.events = options_.events;
    options.trigger = job.trigger;
    FlowRunner runner(std::move(options), queue_, *definitions_);
    for (const auto& run : runner.runOnce({job.flowId})) {
      // A listener flow polls its topic every tick; only polls that found pages are runs.
      const bool idlePoll =
          job.trigger == "listener" && run.counts.read == 0 && run.state == RunState::kSucceeded;
      if (idlePoll) continue;
      if (options_.metrics != nullptr) countRun(*options_.metrics, run);
      Status stored = runs_.record(run, job.trigger);
      if (!stored.isOk() && options_.logger) {
        options_.logger->error("run not recorded",
                               {{"flow", run.flowId}, {"error", stored.message()}});
      }
    }
    std::lock_guard lock(mutex_);
    scheduler_.finished(job.flowId);
  }
}

}  // namespace ferry::agent::runtime
