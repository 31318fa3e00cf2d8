#pragma once

#include <memory>
#include <string>

#include "agent/queue/outbox.h"
#include "common/config/agent_config.h"
#include "common/json/json.h"
#include "common/log/logger.h"

namespace ferry::agent::runtime {

// Where a run's events go (DESIGN.md "Event types and bodies"): run.started, run.progress,
// run.finished, record.error, error.closed. Thread-safe implementations only: runs on
// several workers emit at once.
class RunEvents {
 public:
  virtual ~RunEvents() = default;
  virtual void emit(const std::string& type, const ferry::Json& body) = 0;
  // True while events cannot be delivered fast enough to keep up: exports pause then.
  virtual bool full() { return false; }
};

// Stores events in the outbox for the sync link to forward; with no controller configured
// the agent creates none of these, so no events are written. A full outbox drops superseded
// events (progress) and keeps final states (Outbox's rules); a failure is logged, never
// fatal to the run.
class OutboxRunEvents final : public RunEvents {
 public:
  OutboxRunEvents(queue::Outbox& outbox, const Logger& logger) : outbox_(outbox), log_(logger) {}
  void emit(const std::string& type, const ferry::Json& body) override;
  bool full() override { return outbox_.overQuota(); }

 private:
  queue::Outbox& outbox_;
  const Logger& log_;
};

// The outbox and its event sink when a controller is configured (mqtt.url set), both null
// otherwise: with no controller, no events are written.
struct RunEventsLink {
  std::unique_ptr<queue::Outbox> outbox;
  std::unique_ptr<OutboxRunEvents> events;
};
Result<RunEventsLink> openRunEvents(const config::AgentConfig& cfg, const std::string& stateDir,
                                    const Logger& logger);

}  // namespace ferry::agent::runtime
