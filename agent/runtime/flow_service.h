#pragma once

#include <atomic>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "agent/runtime/flow_runner.h"
#include "agent/runtime/flow_scheduler.h"
#include "agent/runtime/run_metrics.h"
#include "agent/runtime/run_store.h"

namespace ferry::agent::runtime {

// The agent's service mode for a set of definitions: flows run on their schedules, flows
// fed by listener exports consume their topics continuously, each run on a fixed pool of
// worker threads (`workers`), recorded in the run history. A flow never runs twice at once.
// stop() lets every run finish the page in hand, commit, and return.
class FlowService {
 public:
  struct Options {
    std::string stateDir;
    int workers = 4;
    const secrets::SecretResolver* secrets = nullptr;
    const Logger* logger = nullptr;
    const Clock* clock = nullptr;          // not owned
    RunEvents* events = nullptr;           // not owned; null: no controller, no events
    metrics::Registry* metrics = nullptr;  // not owned; runs and records are counted here
  };

  FlowService(Options options, queue::LogQueue& queue, RunStore& runs,
              std::shared_ptr<const model::Definitions> definitions);
  ~FlowService();
  FlowService(const FlowService&) = delete;
  FlowService& operator=(const FlowService&) = delete;

  // Hands due flows to the workers; the service loop calls it at least once a second.
  void tick();
  // Queues an on-demand run; false when the flow is unknown, paused or already running.
  bool runNow(const std::string& flowId, const std::string& trigger = "on-demand");
  // A paused flow neither runs on its schedule nor consumes its listener's posts (they
  // wait in the queue); a run in progress finishes. Pausing an unknown flow is allowed:
  // the pause holds when a later definition brings the flow.
  void setPaused(const std::set<std::string>& flowIds);
  void stop();

 private:
  struct Job {
    std::string flowId;
    std::string trigger;
  };
  void work();

  Options options_;
  queue::LogQueue& queue_;
  RunStore& runs_;
  std::shared_ptr<const model::Definitions> definitions_;
  std::vector<std::string> listenerFlows_;
  ExportLocks exportLocks_;
  std::atomic<bool> cancel_{false};

  std::mutex mutex_;  // guards everything below
  std::condition_variable wake_;
  FlowScheduler scheduler_;
  std::deque<Job> jobs_;
  std::set<std::string> paused_;
  bool stopping_ = false;
  std::vector<std::thread> workers_;
};

}  // namespace ferry::agent::runtime
