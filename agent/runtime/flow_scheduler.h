#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/clock/clock.h"
#include "common/model/resources.h"

namespace ferry::agent::runtime {

// Decides when scheduled flows run (DESIGN.md "Schedules"); pure logic over an injected
// clock, so tests advance a fake clock instead of sleeping. A flow is due when the first
// fire time after its last run's start has passed: a flow that was down (or busy) across
// several ticks runs once, not once per missed tick, and never while it is running.
// Not thread-safe: the service loop owns it.
class FlowScheduler {
 public:
  explicit FlowScheduler(const Clock& clock) : clock_(clock) {}

  // Replaces the scheduled flows. `lastRuns` holds each flow's last run start (from the run
  // history); a flow that never ran counts from now, so its first run waits for its first
  // tick. Flows that are running stay marked running.
  void setFlows(const std::vector<const model::Flow*>& flows,
                const std::map<std::string, Clock::TimePoint>& lastRuns);

  // Flows due now, marked running; call finished() for each.
  std::vector<std::string> takeDue();
  void finished(const std::string& flowId);
  // Starts an on-demand run unless the flow is running; false when it is.
  bool startOnDemand(const std::string& flowId);
  bool running(const std::string& flowId) const;

  // The next fire time of any idle flow (to sleep until), nullopt when none is scheduled.
  std::optional<Clock::TimePoint> nextWake() const;

 private:
  struct Entry {
    std::optional<schedule::Schedule> schedule;
    Clock::TimePoint lastStart;
    bool running = false;
  };
  std::optional<Clock::TimePoint> nextFire(const Entry& entry) const;

  const Clock& clock_;
  std::map<std::string, Entry> flows_;
};

}  // namespace ferry::agent::runtime
