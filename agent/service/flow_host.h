#pragma once

#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "agent/connectors/listener/listener_server.h"
#include "agent/runtime/error_retry.h"
#include "agent/runtime/flow_service.h"
#include "agent/runtime/run_events.h"
#include "common/config/agent_config.h"
#include "common/json/json.h"

namespace ferry::agent {

// The flows of one state directory in service mode, whichever source their definitions
// come from (a local `definitions` file, or the desired documents of the controller): the
// flows run on their schedules and its listener exports are served, all on the state
// directory's queue and run history. Destruction stops the listener first (in-flight
// requests finish their append), then the runs (each finishes the page in hand).
// Thread-safe: the service loop ticks it while the controller link applies documents and
// runs commands.
class FlowHost {
 public:
  // Opens the state directory (queue, secrets, run history, and the outbox when a
  // controller is configured) and runs `definitions` (null: nothing yet).
  // Runs and queue figures go to `registry`, which must outlive this object.
  static Result<std::unique_ptr<FlowHost>> start(
      const config::AgentConfig& cfg, const std::string& stateDir, const Logger& log,
      metrics::Registry& registry, std::shared_ptr<const model::Definitions> definitions);
  ~FlowHost();
  // Stops the listener (in-flight requests finish their append), then the runs (each
  // finishes the page in hand). Later ticks do nothing.
  void stop();

  // Hands due flows to the workers; prunes the run history hourly.
  void tick();
  // Running flows finish their page and the new definitions take over (listener routes are
  // swapped at once). On an error (a listener route that cannot be served) the running
  // definitions stay.
  Status apply(std::shared_ptr<const model::Definitions> definitions);
  // The config's listener and retention settings for later applies.
  void setConfig(const config::AgentConfig& cfg);

  // --- commands (from the controller) ---
  // kNotFound: no such flow; kFailedPrecondition: paused or already running.
  Status runNow(const std::string& flowId);
  // Kept in <stateDir>/paused.json, so a pause survives restarts.
  Status setPaused(const std::string& flowId, bool paused);
  std::vector<runtime::RetryOutcome> retryErrors(const std::vector<std::string>& errorIds,
                                                 const std::optional<ferry::Json>& edited);
  Result<std::size_t> resolveErrors(const std::vector<std::string>& errorIds);

  // --- what the agent reports ---
  // {queueDepth, flows: {id: {watermarkLagSeconds, lastRunState}}}. The lag is the age of
  // the start of the flow's last run that delivered (succeeded or partial): how far the
  // destination may be behind the source.
  ferry::Json runtimeStats();
  // {id: {state: active|paused, lastRunState}} for every defined flow.
  ferry::Json flowsReport();

  queue::Outbox* outbox() const { return outbox_.get(); }
  const std::string& queueId() const;

  FlowHost(std::string stateDir, Logger log)
      : stateDir_(std::move(stateDir)), log_(std::move(log)) {}

 private:
  Status applyLocked(std::shared_ptr<const model::Definitions> definitions);
  void announceClosed(const std::vector<std::string>& ids, const std::string& how);

  std::string stateDir_;
  Logger log_;
  metrics::Registry* registry_ = nullptr;
  SystemClock clock_;
  std::unique_ptr<secrets::SecretStore> secrets_;
  std::unique_ptr<queue::LogQueue> queue_;
  std::unique_ptr<runtime::RunStore> runs_;
  std::unique_ptr<queue::Outbox> outbox_;  // only with a controller configured
  std::unique_ptr<runtime::OutboxRunEvents> events_;

  std::mutex mutex_;  // guards everything below
  config::AgentConfig cfg_;
  std::chrono::steady_clock::time_point nextPrune_{};
  std::set<std::string> paused_;
  std::shared_ptr<const model::Definitions> definitions_;
  std::unique_ptr<runtime::FlowService> service_;
  std::unique_ptr<connectors::listener::ListenerServer> listener_;
};

// Reads and validates a local definitions file (every problem in the error).
Result<std::shared_ptr<const model::Definitions>> loadDefinitionsFile(const std::string& path);

}  // namespace ferry::agent
