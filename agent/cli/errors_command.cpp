#include "agent/cli/errors_command.h"

#include <fstream>
#include <iostream>
#include <sstream>

#include "agent/cli/check_command.h"
#include "agent/queue/log_queue.h"
#include "agent/runtime/page_processor.h"
#include "agent/runtime/run_events.h"
#include "agent/runtime/run_store.h"
#include "agent/runtime/step_connectors.h"
#include "common/config/agent_config.h"
#include "common/model/definitions.h"

namespace ferry::agent {

namespace {

using nlohmann::json;

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

// Runs one error's record from its failed step on, with the flow's current definition.
Result<runtime::PageResult> retryOne(const runtime::StoredError& error, const json& record,
                                     const model::Definitions& defs, const std::string& queueId,
                                     const connectors::ConnectorContext& context) {
  const model::Flow* flow = defs.findFlow(error.flowId);
  if (flow == nullptr) {
    return Status::failedPrecondition("flow " + error.flowId + " is no longer defined");
  }
  if (error.stepIndex >= flow->steps.size() && !flow->steps.empty()) {
    return Status::failedPrecondition("flow " + error.flowId + " has no step " +
                                      std::to_string(error.stepIndex) + " any more");
  }
  model::Flow rest = *flow;
  rest.steps.assign(flow->steps.begin() + static_cast<std::ptrdiff_t>(error.stepIndex),
                    flow->steps.end());
  auto connectors = runtime::openStepConnectors(defs, rest, context);
  if (!connectors) return connectors.status();
  auto processor = runtime::PageProcessor::create(defs, rest, std::move(*connectors));
  if (!processor) return processor.status();
  // Each retried error is its own one-page topic, so a destination's checkpoint makes the
  // retry exactly once even when the command is repeated after a crash.
  connectors::PageId page{queueId, flow->id, "", "retry:" + error.errorId, 1};
  runtime::PageResult result = (*processor)->process(page, {record});
  for (auto& e : result.errors) e.stepIndex += error.stepIndex;
  return result;
}

int retryErrors(runtime::RunStore& store, cli::Invocation& inv) {
  const auto& cmd = inv.command;
  if (cmd.args.empty()) {
    std::cerr << "ferry-agent: errors retry needs the ids of the errors\n";
    return 2;
  }
  json edited;
  if (cmd.has("record")) {
    if (cmd.args.size() != 1) {
      std::cerr << "ferry-agent: --record replaces the record of one error; give one id\n";
      return 2;
    }
    std::ifstream in(cmd.get("record"));
    std::stringstream text;
    text << in.rdbuf();
    edited = json::parse(text.str(), nullptr, false);
    if (!in || edited.is_discarded()) {
      std::cerr << "ferry-agent: " << cmd.get("record") << ": not a JSON record\n";
      return 2;
    }
  }
  config::AgentConfig cfg = config::agentConfigFromJson(inv.config);
  if (cfg.definitions.empty()) {
    std::cerr << "ferry-agent: errors retry runs the current definitions: set `definitions` "
                 "in the config\n";
    return 2;
  }
  auto doc = readDefinitionsFile(cfg.definitions);
  if (!doc) {
    std::cerr << "ferry-agent: " << doc.status().message() << "\n";
    return 1;
  }
  auto defs = model::parseDefinitions(*doc);
  if (!defs) {
    std::cerr << "ferry-agent: " << cfg.definitions << ": " << defs.status().message() << "\n";
    return 1;
  }
  auto all = store.errors("", 1000000);
  auto secretStore = secrets::SecretStore::open({inv.stateDir, ""});
  queue::LogQueue::Options queueOptions;
  queueOptions.stateDir = inv.stateDir;
  auto queue = queue::LogQueue::open(queueOptions);
  if (!all || !secretStore || !queue) {
    std::cerr << "ferry-agent: cannot open the state directory " << inv.stateDir << "\n";
    return 1;
  }
  Logger log = inv.logger.child("errors");
  connectors::ConnectorContext context{secretStore->get(), inv.stateDir, &log};
  int exit = 0;
  std::vector<std::string> retried;
  for (const auto& id : cmd.args) {
    auto it = std::find_if(all->begin(), all->end(),
                           [&](const runtime::StoredError& e) { return e.errorId == id; });
    if (it == all->end()) {
      std::cerr << id << ": no such error\n";
      exit = 1;
      continue;
    }
    if (it->state == "resolved") {
      std::cout << id << ": already resolved\n";
      continue;
    }
    const json& record = edited.is_null() ? it->record : edited;
    auto result = retryOne(*it, record, *defs, (*queue)->queueId(), context);
    if (!result || !result->outcome.ok()) {
      std::cerr << id << ": not retried: "
                << (result ? result->outcome.status.message() : result.status().message()) << "\n";
      exit = 1;
      continue;
    }
    if (!result->errors.empty()) {
      std::cout << id << ": failed again at " << result->errors[0].step << ": "
                << result->errors[0].message << "\n";
      exit = 1;
      continue;
    }
    auto resolved = store.resolve({id});
    if (resolved) retried.push_back(id);
    std::cout << id << (resolved ? ": retried, resolved\n" : ": retried, not marked resolved\n");
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
