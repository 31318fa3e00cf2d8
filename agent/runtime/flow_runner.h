#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "agent/queue/log_queue.h"
#include "agent/runtime/page_processor.h"
#include "agent/runtime/read_ahead.h"
#include "agent/runtime/run_events.h"
#include "common/retry/retry_policy.h"

namespace ferry::agent::runtime {

// One mutex per export id, so concurrent runs never read the same export at once (they
// would queue its rows twice). Thread-safe.
class ExportLocks {
 public:
  std::mutex& of(const std::string& exportId) {
    std::lock_guard lock(mutex_);
    auto& slot = locks_[exportId];
    if (!slot) slot = std::make_unique<std::mutex>();
    return *slot;
  }

 private:
  std::mutex mutex_;
  std::map<std::string, std::unique_ptr<std::mutex>> locks_;
};

enum class RunState { kRunning, kSucceeded, kPartial, kFailed, kCancelled };
std::string_view runStateName(RunState state);

struct RunSummary {
  std::string runId;
  std::string flowId;
  RunState state = RunState::kRunning;
  PageCounts counts;
  std::chrono::system_clock::time_point startedAt;
  std::chrono::system_clock::time_point finishedAt;
  std::string error;  // why the run failed
  std::vector<RecordError> errors;
};

// Runs flows once (`ferry-agent run`), through the durable queue: each export a flow reads is
// read into its topic (page, append and watermark in one transaction; the source is told
// once the page is queued), then the flow consumes its topics from its committed offset and
// each page goes through the steps and imports before the offset moves past it. Exports
// shared by several flows are read once per call; every flow gets every page because all
// flows' consumers are registered before any export is read. Transient failures are retried
// with the shared policy (the engine sleeps, connectors never do).
class FlowRunner {
 public:
  struct Options {
    std::string stateDir;
    const secrets::SecretResolver* secrets = nullptr;
    const Logger* logger = nullptr;
    retry::RetryPolicy::Options retry{std::chrono::milliseconds(200), std::chrono::seconds(10), 2.0,
                                      5, std::chrono::seconds(30)};
    // Called after every page with the run so far (progress lines).
    std::function<void(const RunSummary&)> onProgress;
    // Set by the service to stop: runs end after the page in hand, state cancelled.
    const std::atomic<bool>* cancel = nullptr;
    // Serialises reads of one export across runners (two flows due at once share it).
    ExportLocks* exportLocks = nullptr;
    // Where run.started/progress/finished and record.error go (null: nowhere, no controller).
    RunEvents* events = nullptr;
    std::string trigger = "on-demand";
    // How long an export waits for room in a full queue before the run fails.
    std::chrono::seconds maxPause{600};
  };

  FlowRunner(Options options, queue::LogQueue& queue, const model::Definitions& definitions);

  // Runs the flows (all when `flowIds` is empty) one after the other; one summary per flow.
  std::vector<RunSummary> runOnce(const std::vector<std::string>& flowIds);

 private:
  // Reads the export into its topic; with `ahead`, keeps within its window of the consumer.
  Status readExport(const model::Export& spec, RunSummary& run, ReadAhead* ahead);
  // Processes the flow's queued pages; with `producing`, keeps waiting for more while it is
  // true (an export is being read into the topics). Reports each committed page to `ahead`.
  Status consume(const model::Flow& flow, PageProcessor& processor, RunSummary& run,
                 const std::atomic<bool>* producing, ReadAhead* ahead);
  bool cancelled() const;
  Status waitForOutboxRoom(const std::string& exportId);
  void emit(const std::string& type, const ferry::Json& body);
  void addErrors(RunSummary& run, std::vector<RecordError> errors);
  // Runs `attempt` until it succeeds, fails for good or the policy gives up.
  connectors::Outcome withRetries(const std::string& what,
                                  const std::function<connectors::Outcome()>& attempt);

  Options options_;
  queue::LogQueue& queue_;
  const model::Definitions& definitions_;
  retry::RetryPolicy policy_;
  std::vector<std::string> exportsRead_;
  std::chrono::steady_clock::time_point lastProgress_{};
  std::atomic<bool> stopReading_{false};  // the consumer failed: the reader stops too
};

}  // namespace ferry::agent::runtime
