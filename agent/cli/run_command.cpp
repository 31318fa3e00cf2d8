#include "agent/cli/run_command.h"

#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "agent/cli/check_command.h"
#include "agent/runtime/flow_runner.h"
#include "agent/runtime/run_store.h"
#include "common/config/agent_config.h"
#include "common/fs/state_dir.h"
#include "common/json/json.h"
#include "common/model/definitions.h"
#include "common/schema/suggest.h"

namespace ferry::agent {

namespace {

using json = ferry::Json;
using Clock = std::chrono::steady_clock;

double seconds(std::chrono::system_clock::time_point from,
               std::chrono::system_clock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

// Live progress: one rewritten line on a terminal, JSON lines (≤ 1/s per flow) otherwise.
class ProgressPrinter {
 public:
  ProgressPrinter() : terminal_(::isatty(STDERR_FILENO) == 1) {}

  void update(const runtime::RunSummary& run) {
    const auto now = Clock::now();
    if (run.flowId == flow_ && now - last_ < std::chrono::seconds(terminal_ ? 0 : 1) &&
        !terminal_) {
      return;
    }
    flow_ = run.flowId;
    last_ = now;
    const double elapsed = seconds(run.startedAt, std::chrono::system_clock::now());
    const double rate = elapsed > 0 ? static_cast<double>(run.counts.read) / elapsed : 0;
    if (terminal_) {
      std::fprintf(stderr, "\r%s: read %llu  written %llu  failed %llu  %.0f rec/s  %.1fs   ",
                   run.flowId.c_str(), static_cast<unsigned long long>(run.counts.read),
                   static_cast<unsigned long long>(run.counts.written),
                   static_cast<unsigned long long>(run.counts.failed), rate, elapsed);
    } else {
      std::cerr << json({{"progress", run.flowId},
                         {"run", run.runId},
                         {"read", run.counts.read},
                         {"written", run.counts.written},
                         {"failed", run.counts.failed},
                         {"recordsPerSecond", static_cast<std::int64_t>(rate)},
                         {"elapsedSeconds", elapsed}})
                       .dump()
                << "\n";
    }
  }

  void finish() {
    if (terminal_ && !flow_.empty()) std::fputs("\n", stderr);
  }

 private:
  bool terminal_;
  std::string flow_;
  Clock::time_point last_{};
};

void printSummary(const std::vector<runtime::RunSummary>& runs) {
  std::printf("%-24s %-10s %10s %10s %10s %10s %9s\n", "FLOW", "STATE", "READ", "FILTERED",
              "WRITTEN", "FAILED", "SECONDS");
  for (const auto& run : runs) {
    std::printf("%-24s %-10s %10llu %10llu %10llu %10llu %9.2f\n", run.flowId.c_str(),
                std::string(runtime::runStateName(run.state)).c_str(),
                static_cast<unsigned long long>(run.counts.read),
                static_cast<unsigned long long>(run.counts.filtered),
                static_cast<unsigned long long>(run.counts.written),
                static_cast<unsigned long long>(run.counts.failed),
                seconds(run.startedAt, run.finishedAt));
  }
  constexpr std::size_t kErrorsShown = 5;
  for (const auto& run : runs) {
    if (!run.error.empty()) std::printf("\n%s failed: %s\n", run.flowId.c_str(), run.error.c_str());
    if (run.errors.empty()) continue;
    std::printf("\n%s: %llu record(s) failed; the first:\n", run.flowId.c_str(),
                static_cast<unsigned long long>(run.counts.failed));
    for (std::size_t i = 0; i < run.errors.size() && i < kErrorsShown; ++i) {
      const auto& e = run.errors[i];
      std::printf("  record %zu, step %zu (%s): %s\n", e.recordIndex, e.stepIndex, e.step.c_str(),
                  e.message.c_str());
    }
  }
}

}  // namespace

int runFlowsCommand(cli::Invocation& inv) {
  const std::string path = inv.command.args.at(0);
  auto doc = readDefinitionsFile(path);
  if (!doc) {
    std::cerr << "ferry-agent: " << doc.status().message() << "\n";
    return doc.status().code() == StatusCode::kNotFound ? 2 : 1;
  }
  Problems problems;
  auto defs = model::parseDefinitions(*doc, {}, &problems);
  if (!defs) {
    std::cerr << formatProblems(problems) << path << ": invalid, nothing was run\n";
    return 1;
  }
  std::vector<std::string> flows;
  if (inv.command.has("flow")) {
    const std::string id = inv.command.get("flow");
    if (defs->findFlow(id) == nullptr) {
      std::vector<std::string> ids;
      for (const auto& f : defs->flows) ids.push_back(f.id);
      auto near = closestMatch(id, ids);
      std::cerr << "ferry-agent: " << path << " has no flow '" << id << "'"
                << (near ? " (did you mean '" + *near + "'?)" : std::string()) << "\n";
      return 2;
    }
    flows.push_back(id);
  }
  if (Status st = fs::ensureStateDir(inv.stateDir); !st.isOk()) {
    std::cerr << "ferry-agent: " << st.message() << "\n";
    return 2;
  }
  auto secretStore = secrets::SecretStore::open({inv.stateDir, ""});
  if (!secretStore) {
    std::cerr << "ferry-agent: " << secretStore.status().message() << "\n";
    return 1;
  }
  config::AgentConfig cfg = config::agentConfigFromJson(inv.config);
  queue::LogQueue::Options queueOptions;
  queueOptions.stateDir = inv.stateDir;
  queueOptions.quotaBytes = cfg.queue.quotaBytes;
  queueOptions.synchronous = cfg.queue.synchronous;
  auto queue = queue::LogQueue::open(queueOptions);
  if (!queue) {
    std::cerr << "ferry-agent: " << queue.status().message() << "\n";
    return 1;
  }
  Logger log = inv.logger.child("run");
  ProgressPrinter printer;
  runtime::FlowRunner::Options options;
  options.stateDir = inv.stateDir;
  options.secrets = secretStore->get();
  options.logger = &log;
  options.onProgress = [&printer](const runtime::RunSummary& run) { printer.update(run); };
  runtime::RunStore::Options historyOptions;
  historyOptions.stateDir = inv.stateDir;
  historyOptions.errorsQuotaBytes = cfg.errorsQuotaBytes;
  auto history = runtime::RunStore::open(historyOptions);
  if (!history) {
    std::cerr << "ferry-agent: " << history.status().message() << "\n";
    return 1;
  }
  auto events = runtime::openRunEvents(cfg, inv.stateDir, log);
  if (!events) {
    std::cerr << "ferry-agent: " << events.status().message() << "\n";
    return 1;
  }
  options.events = events->events.get();
  runtime::FlowRunner runner(std::move(options), **queue, *defs);
  auto runs = runner.runOnce(flows);
  printer.finish();
  for (const auto& run : runs) {
    Status stored = (*history)->record(run, "on-demand");
    if (!stored.isOk()) log.error("run not recorded", {{"error", stored.message()}});
  }
  printSummary(runs);
  for (const auto& run : runs) {
    if (run.state != runtime::RunState::kSucceeded) return 1;
  }
  return 0;
}

}  // namespace ferry::agent
