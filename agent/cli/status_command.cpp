#include "agent/cli/status_command.h"

#include <filesystem>
#include <iostream>
#include <map>

#include "agent/cli/check_command.h"
#include "agent/queue/log_queue.h"
#include "agent/queue/outbox.h"
#include "agent/runtime/run_store.h"
#include "common/config/agent_config.h"
#include "common/json/json.h"
#include "common/model/definitions.h"

namespace ferry::agent {

namespace {

using json = ferry::Json;

std::string nextRun(const model::Flow& flow, const std::string& lastStartIso,
                    std::optional<std::chrono::system_clock::time_point> lastStart) {
  if (!flow.schedule) return flow.sources.empty() ? "-" : "on demand";
  (void)lastStartIso;
  auto after = std::chrono::time_point_cast<std::chrono::seconds>(
      lastStart.value_or(std::chrono::system_clock::now()));
  auto next = flow.schedule->next(after);
  if (!next) return "never";
  auto due = std::chrono::system_clock::time_point(*next);
  if (due <= std::chrono::system_clock::now()) return "due now";
  return runtime::isoTime(due);
}

}  // namespace

int statusCommand(cli::Invocation& inv) {
  if (!std::filesystem::is_directory(inv.stateDir)) {
    std::cerr << "ferry-agent: no state directory at " << inv.stateDir
              << " (nothing has run here yet; --state names another)\n";
    return 1;
  }
  config::AgentConfig cfg = config::agentConfigFromJson(inv.config);
  std::optional<model::Definitions> defs;
  if (!cfg.definitions.empty()) {
    auto doc = readDefinitionsFile(cfg.definitions);
    if (doc) {
      auto parsed = model::parseDefinitions(*doc);
      if (parsed) defs = std::move(*parsed);
    }
  }
  auto runs = runtime::RunStore::open({inv.stateDir});
  queue::LogQueue::Options queueOptions;
  queueOptions.stateDir = inv.stateDir;
  auto queue = queue::LogQueue::open(queueOptions);
  if (!runs || !queue) {
    std::cerr << "ferry-agent: cannot read " << inv.stateDir << ": "
              << (runs ? queue.status() : runs.status()).message() << "\n";
    return 1;
  }
  auto recent = (*runs)->recentRuns(10000);
  auto stats = (*queue)->stats();
  auto open = (*runs)->errors("open", 1000000);
  std::map<std::string, runtime::StoredRun> last;  // newest run per flow
  if (recent) {
    for (const auto& r : *recent) last.emplace(r.flowId, r);
  }
  std::map<std::string, std::uint64_t> lag;
  if (stats) {
    for (const auto& c : stats->consumers) lag[c.consumer] += c.lagPages;
  }
  std::int64_t backlog = -1;
  if (std::filesystem::exists(inv.stateDir + "/outbox.db")) {
    queue::Outbox::Options outboxOptions;
    outboxOptions.stateDir = inv.stateDir;
    auto outbox = queue::Outbox::open(outboxOptions);
    if (outbox) {
      auto o = (*outbox)->stats();
      if (o) backlog = static_cast<std::int64_t>(o->count);
    }
  }
  std::vector<std::string> flowIds;
  if (defs) {
    for (const auto& f : defs->flows) flowIds.push_back(f.id);
  }
  for (const auto& [id, r] : last) {
    if (std::find(flowIds.begin(), flowIds.end(), id) == flowIds.end()) flowIds.push_back(id);
  }
  json out = {{"flows", json::array()}};
  for (const auto& id : flowIds) {
    const model::Flow* flow = defs ? defs->findFlow(id) : nullptr;
    auto r = last.find(id);
    auto lastStart = (*runs)->lastRunStart(id);
    json f = {{"flow", id},
              {"schedule", flow ? flow->scheduleSpec : json()},
              {"lagPages", lag[id]},
              {"next", flow ? nextRun(*flow, "", lastStart ? *lastStart : std::nullopt) : "-"}};
    if (r != last.end()) {
      f["lastRun"] = {{"state", r->second.state},
                      {"startedAt", r->second.startedAt},
                      {"read", r->second.counts.read},
                      {"written", r->second.counts.written},
                      {"failed", r->second.counts.failed}};
    }
    out["flows"].push_back(std::move(f));
  }
  out["queueBytes"] = stats ? stats->bytesUsed : 0;
  out["queueQuotaBytes"] = stats ? stats->quotaBytes : 0;
  out["outboxBacklog"] = backlog < 0 ? json() : json(backlog);
  out["openErrors"] = open ? open->size() : 0;
  if (inv.command.has("json")) {
    std::cout << out.dump() << "\n";
    return 0;
  }
  std::printf("%-24s %-18s %-10s %-26s %-26s %8s\n", "FLOW", "SCHEDULE", "LAST", "LAST RUN",
              "NEXT RUN", "LAG");
  for (const auto& f : out["flows"]) {
    std::string schedule = f["schedule"].is_null() ? "on demand" : f["schedule"].dump();
    std::printf(
        "%-24s %-18s %-10s %-26s %-26s %8llu\n", f["flow"].get<std::string>().c_str(),
        schedule.substr(0, 18).c_str(),
        f.contains("lastRun") ? f["lastRun"]["state"].get<std::string>().c_str() : "-",
        f.contains("lastRun") ? f["lastRun"]["startedAt"].get<std::string>().c_str() : "never",
        f["next"].get<std::string>().c_str(),
        static_cast<unsigned long long>(f["lagPages"].get<std::uint64_t>()));
  }
  std::printf("\nqueue %lld of %lld bytes; outbox backlog %s; open errors %zu\n",
              static_cast<long long>(out["queueBytes"].get<std::int64_t>()),
              static_cast<long long>(out["queueQuotaBytes"].get<std::int64_t>()),
              backlog < 0 ? "- (no controller)" : std::to_string(backlog).c_str(),
              open ? open->size() : std::size_t{0});
  return 0;
}

}  // namespace ferry::agent
