#pragma once

#include <memory>
#include <string>

#include "agent/connectors/listener/listener_server.h"
#include "agent/runtime/flow_service.h"
#include "common/config/agent_config.h"

namespace ferry::agent {

// Service mode with a local definitions file (config `definitions`, no controller): the
// file's flows run on their schedules and its listener exports are served, all on the
// state directory's queue and run history. Destruction stops the listener first (in-flight
// requests finish their append), then the runs (each finishes the page in hand).
class LocalFlows {
 public:
  // Reads and validates the definitions file (every problem in the error), opens the state
  // directory's queue, secrets and run history, and starts flows and listener.
  // Runs and queue figures go to `registry`, which must outlive this object.
  static Result<std::unique_ptr<LocalFlows>> start(const config::AgentConfig& cfg,
                                                   const std::string& stateDir, const Logger& log,
                                                   metrics::Registry& registry);
  ~LocalFlows();

  // Hands due flows to the workers; prunes the run history hourly.
  void tick();
  // Re-reads the definitions file; when it is valid, running flows finish their page and
  // the new definitions take over (listener routes are swapped at once). When it is not,
  // the running ones stay and the error is returned.
  Status reload(const config::AgentConfig& cfg);

  LocalFlows(std::string stateDir, Logger log)
      : stateDir_(std::move(stateDir)), log_(std::move(log)) {}

 private:
  Status startFlows(const config::AgentConfig& cfg);

  std::string stateDir_;
  Logger log_;
  metrics::Registry* registry_ = nullptr;
  SystemClock clock_;
  int runsRetentionDays_ = 30;
  int errorsRetentionDays_ = 30;
  std::chrono::steady_clock::time_point nextPrune_{};
  std::unique_ptr<secrets::SecretStore> secrets_;
  std::unique_ptr<queue::LogQueue> queue_;
  std::unique_ptr<runtime::RunStore> runs_;
  std::unique_ptr<queue::Outbox> outbox_;  // only with a controller configured
  std::unique_ptr<runtime::OutboxRunEvents> events_;
  std::shared_ptr<const model::Definitions> definitions_;
  std::unique_ptr<runtime::FlowService> service_;
  std::unique_ptr<connectors::listener::ListenerServer> listener_;
};

}  // namespace ferry::agent
