#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "agent/runtime/flow_runner.h"

namespace ferry::agent::queue {
class Connection;
}

namespace ferry::agent::runtime {

struct StoredError {
  std::string errorId;  // UUID
  std::string runId;
  std::string flowId;
  std::size_t stepIndex = 0;
  std::string step;
  std::string message;
  ferry::Json record;
  std::string state;  // "open" or "resolved"
  std::string createdAt;
};

struct StoredRun {
  std::string runId;
  std::string flowId;
  std::string trigger;  // schedule, on-demand, listener, retry
  std::string state;
  PageCounts counts;
  std::string startedAt;
  std::string finishedAt;
  std::string error;
};

// Run history and per-record errors of one state directory (<stateDir>/runs.db, SQLite WAL):
// what `ferry-agent status` and `errors list|resolve` read and the scheduler's memory of
// when each flow last ran. Errors beyond `maxOpenErrors` are counted in their run, not
// stored (the quota). Thread-safe.
class RunStore {
 public:
  struct Options {
    std::string stateDir;
    std::size_t maxOpenErrors = 100000;
    // agent.json errors.quotaBytes: open errors (record and message) beyond it are counted
    // in their run but not stored.
    std::int64_t errorsQuotaBytes = std::int64_t{256} << 20;
  };
  static Result<std::unique_ptr<RunStore>> open(const Options& options);
  ~RunStore();

  // Stores a finished run and its errors in one transaction.
  Status record(const RunSummary& run, const std::string& trigger);
  // The start of the flow's last run (nullopt when it never ran).
  Result<std::optional<std::chrono::system_clock::time_point>> lastRunStart(
      const std::string& flowId);
  Result<std::vector<StoredRun>> recentRuns(std::size_t limit);
  // Per flow: the state of its last run and the start of its last run that delivered
  // (succeeded or partial), for the stats the agent reports.
  struct FlowRunSummary {
    std::string lastRunState;
    std::int64_t lastDeliveredStartMs = 0;  // 0: none yet
  };
  Result<std::map<std::string, FlowRunSummary>> flowRunSummaries();
  Result<std::vector<StoredError>> errors(const std::string& state, std::size_t limit);
  // Marks errors resolved; kNotFound names the first unknown id. Returns how many changed.
  Result<std::size_t> resolve(const std::vector<std::string>& errorIds);
  // Deletes runs (and their errors) that started before `runsCutoff`, and errors (of any
  // run) created before `errorsCutoff`; returns how many runs went.
  Result<std::size_t> prune(std::chrono::system_clock::time_point runsCutoff,
                            std::chrono::system_clock::time_point errorsCutoff);

  RunStore(std::unique_ptr<queue::Connection> db, Options options);  // use open()

 private:
  std::mutex mutex_;
  std::unique_ptr<queue::Connection> db_;
  Options options_;
};

// "2026-03-01T12:34:56.789Z"
std::string isoTime(std::chrono::system_clock::time_point t);

}  // namespace ferry::agent::runtime
