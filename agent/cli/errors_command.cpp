#include "agent/cli/errors_command.h"

#include <fstream>
#include <iostream>
#include <sstream>

#include "agent/queue/log_queue.h"
#include "agent/runtime/error_retry.h"
#include "agent/runtime/run_events.h"
#include "agent/runtime/run_store.h"
#include "agent/service/flow_host.h"
#include "agent/sync/desired_state.h"
#include "common/config/agent_config.h"
#include "common/model/definitions.h"

namespace ferry::agent {

namespace {

using json = ferry::Json;

// Tells the controller (through the outbox, when one is configured) that errors closed.
void announceClosed(cli::Invocation& inv, const std::vector<std::string>& ids,
                    const std::string& how) {
  if (ids.empty()) return;
  config::AgentConfig cfg = config::agentConfigFromJson(inv.config);
  Logger log = inv.logger.child("errors");
  auto events = runtime::openRunEvents(cfg, inv.stateDir, log);
  if (!events) {
    std::cerr << "ferry-agent: the controller is not told: " << events.status().message() << "\n";
    return;
  }
  if (events->events) events->events->emit("error.closed", {{"errorIds", ids}, {"how", how}});
}

int listErrors(runtime::RunStore& store, const cli::ParsedCommand& cmd) {
  auto errors = store.errors(cmd.has("all") ? "" : "open", 10000);
  if (!errors) {
    std::cerr << "ferry-agent: " << errors.status().message() << "\n";
    return 1;
  }
  if (cmd.has("json")) {
    for (const auto& e : *errors) {
      std::cout << json({{"id", e.errorId},
                         {"run", e.runId},
                         {"flow", e.flowId},
                         {"stepIndex", e.stepIndex},
                         {"step", e.step},
                         {"message", e.message},
                         {"record", e.record},
                         {"state", e.state},
                         {"createdAt", e.createdAt}})
                       .dump()
                << "\n";
    }
    return 0;
  }
  std::printf("%-36s %-20s %-24s %-8s %s\n", "ID", "FLOW", "STEP", "STATE", "MESSAGE");
  for (const auto& e : *errors) {
    std::printf("%-36s %-20s %-24s %-8s %s\n", e.errorId.c_str(), e.flowId.c_str(), e.step.c_str(),
                e.state.c_str(), e.message.substr(0, 100).c_str());
  }
  return 0;
}

// The definitions errors are retried with: the local definitions file, else the desired
// document the agent applied last.
Result<std::shared_ptr<const model::Definitions>> currentDefinitions(const config::AgentConfig& cfg,
                                                                     const std::string& stateDir) {
  if (cfg.definitions.empty()) {
    auto desired = sync::DesiredState::load(stateDir);
    if (!desired) return desired.status();
    if (!desired->appliedDefinitions()) {
      return Status::failedPrecondition(
          "errors retry runs the current definitions: set `definitions` in the config, or "
          "let the controller deploy some first");
    }
    return desired->appliedDefinitions();
  }
  return loadDefinitionsFile(cfg.definitions);
}

int retryErrors(runtime::RunStore& store, cli::Invocation& inv) {
  const auto& cmd = inv.command;
  if (cmd.args.empty()) {
    std::cerr << "ferry-agent: errors retry needs the ids of the errors\n";
    return 2;
  }
  std::optional<json> edited;
  if (cmd.has("record")) {
    if (cmd.args.size() != 1) {
      std::cerr << "ferry-agent: --record replaces the record of one error; give one id\n";
      return 2;
    }
    std::ifstream in(cmd.get("record"));
    std::stringstream text;
    text << in.rdbuf();
    json record = json::parse(text.str(), nullptr, false);
    if (!in || record.is_discarded()) {
      std::cerr << "ferry-agent: " << cmd.get("record") << ": not a JSON record\n";
      return 2;
    }
    edited = std::move(record);
  }
  config::AgentConfig cfg = config::agentConfigFromJson(inv.config);
  auto defs = currentDefinitions(cfg, inv.stateDir);
  if (!defs) {
    std::cerr << "ferry-agent: " << defs.status().message() << "\n";
    return defs.status().code() == StatusCode::kFailedPrecondition ? 2 : 1;
  }
  auto secretStore = secrets::SecretStore::open({inv.stateDir, ""});
  queue::LogQueue::Options queueOptions;
  queueOptions.stateDir = inv.stateDir;
  auto queue = queue::LogQueue::open(queueOptions);
  if (!secretStore || !queue) {
    std::cerr << "ferry-agent: cannot open the state directory " << inv.stateDir << "\n";
    return 1;
  }
  Logger log = inv.logger.child("errors");
  connectors::ConnectorContext context{secretStore->get(), inv.stateDir, &log};
  int exit = 0;
  std::vector<std::string> retried;
  for (const auto& o :
       runtime::retryErrors(store, **defs, (*queue)->queueId(), context, cmd.args, edited)) {
    (o.failed ? std::cerr : std::cout) << o.errorId << ": " << o.message << "\n";
    if (o.failed) exit = 1;
    if (o.retried) retried.push_back(o.errorId);
  }
  announceClosed(inv, retried, "retried");
  return exit;
}

}  // namespace

int errorsCommand(cli::Invocation& inv) {
  auto store = runtime::RunStore::open({inv.stateDir});
  if (!store) {
    std::cerr << "ferry-agent: " << store.status().message() << "\n";
    return 1;
  }
  const std::string& name = inv.command.command->name;
  if (name == "errors list") return listErrors(**store, inv.command);
  if (name == "errors retry") return retryErrors(**store, inv);
  if (inv.command.args.empty()) {
    std::cerr << "ferry-agent: errors resolve needs the ids of the errors\n";
    return 2;
  }
  auto changed = (*store)->resolve(inv.command.args);
  if (!changed) {
    std::cerr << "ferry-agent: " << changed.status().message() << " (nothing was changed)\n";
    return 1;
  }
  std::cout << *changed << " error(s) resolved\n";
  announceClosed(inv, inv.command.args, "resolved");
  return 0;
}

}  // namespace ferry::agent
