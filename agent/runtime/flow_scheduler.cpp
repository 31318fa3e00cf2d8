#include "agent/runtime/flow_scheduler.h"

namespace ferry::agent::runtime {

void FlowScheduler::setFlows(const std::vector<const model::Flow*>& flows,
                             const std::map<std::string, Clock::TimePoint>& lastRuns) {
  std::map<std::string, Entry> next;
  const auto now = clock_.now();
  for (const auto* flow : flows) {
    Entry entry;
    entry.schedule = flow->schedule;
    auto last = lastRuns.find(flow->id);
    entry.lastStart = last != lastRuns.end() ? last->second : now;
    auto old = flows_.find(flow->id);
    if (old != flows_.end()) {
      entry.running = old->second.running;
      entry.lastStart = std::max(entry.lastStart, old->second.lastStart);
    }
    next[flow->id] = std::move(entry);
  }
  // A flow dropped from the definitions while running stays known until it finishes.
  for (auto& [id, entry] : flows_) {
    if (entry.running && !next.count(id)) {
      entry.schedule.reset();
      next[id] = entry;
    }
  }
  flows_ = std::move(next);
}

std::optional<Clock::TimePoint> FlowScheduler::nextFire(const Entry& entry) const {
  if (!entry.schedule) return std::nullopt;
  auto after = std::chrono::time_point_cast<std::chrono::seconds>(entry.lastStart);
  auto fire = entry.schedule->next(after);
  if (!fire) return std::nullopt;
  return Clock::TimePoint(*fire);
}

std::vector<std::string> FlowScheduler::takeDue() {
  std::vector<std::string> due;
  const auto now = clock_.now();
  for (auto& [id, entry] : flows_) {
    if (entry.running) continue;
    auto fire = nextFire(entry);
    if (!fire || *fire > now) continue;
    entry.running = true;
    entry.lastStart = now;
    due.push_back(id);
  }
  return due;
}

void FlowScheduler::finished(const std::string& flowId) {
  auto it = flows_.find(flowId);
  if (it != flows_.end()) it->second.running = false;
}

bool FlowScheduler::startOnDemand(const std::string& flowId) {
  auto it = flows_.find(flowId);
  if (it == flows_.end()) {
    Entry entry;
    entry.lastStart = clock_.now();
    entry.running = true;
    flows_[flowId] = std::move(entry);
    return true;
  }
  if (it->second.running) return false;
  it->second.running = true;
  it->second.lastStart = clock_.now();
  return true;
}

bool FlowScheduler::running(const std::string& flowId) const {
  auto it = flows_.find(flowId);
  return it != flows_.end() && it->second.running;
}

std::optional<Clock::TimePoint> FlowScheduler::nextWake() const {
  std::optional<Clock::TimePoint> earliest;
  for (const auto& [id, entry] : flows_) {
    if (entry.running) continue;
    auto fire = nextFire(entry);
    if (fire && (!earliest || *fire < *earliest)) earliest = fire;
  }
  return earliest;
}

}  // namespace ferry::agent::runtime
