#include "controller/api/deployer.h"

#include <algorithm>

#include <map>
#include <set>
#include <utility>

#include "common/model/validate.h"
#include "controller/api/request_parsing.h"

namespace ferry::controller::api {

namespace {

using Live = Deployer::LiveResources;
using ResourceKey = Live::key_type;

constexpr int kPutAttempts = 3;  // a concurrent deploy to the same agent took the version

std::string stringField(const ferry::Json& r, const char* name) {
  auto it = r.find(name);
  return it != r.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Adds (kind, id) and, transitively, what it references: a flow's exports, lookups and
// imports, their connections, and the integration each belongs to.
void addWithReferences(const Live& live, const std::string& kind, const std::string& id,
                       std::set<ResourceKey>& out) {
  if (id.empty() || !out.insert({kind, id}).second) return;
  auto it = live.find({kind, id});
  if (it == live.end()) return;  // validation of the document reports the dangling reference
  const ferry::Json& r = it->second;
  addWithReferences(live, "connection", stringField(r, "connection"), out);
  addWithReferences(live, "integration", stringField(r, "integration"), out);
  if (kind != "flow") return;
  if (auto sources = r.find("sources"); sources != r.end() && sources->is_array()) {
    for (const auto& s : *sources) {
      if (s.is_string()) addWithReferences(live, "export", s, out);
    }
  }
  if (auto steps = r.find("steps"); steps != r.end() && steps->is_array()) {
    for (const auto& step : *steps) {
      if (!step.is_object()) continue;
      addWithReferences(live, "lookup", stringField(step, "lookup"), out);
      addWithReferences(live, "import", stringField(step, "import"), out);
    }
  }
}

// The resources of `agentId`'s document: the flows it runs of the integrations in `deployed`.
ferry::Json buildResources(const Live& live, const std::string& agentId,
                           std::set<std::string>& deployed) {
  std::set<ResourceKey> keys;
  std::set<std::string> used;
  for (const auto& [key, r] : live) {
    if (key.first != "flow" || stringField(r, "agent") != agentId) continue;
    std::string integration = stringField(r, "integration");
    if (!deployed.count(integration)) continue;
    used.insert(integration);
    addWithReferences(live, key.first, key.second, keys);
  }
  deployed = used;  // an integration with no flow left on this agent leaves its document
  ferry::Json resources = ferry::Json::array();
  for (const auto& key : keys) {  // ordered by kind, then id
    auto it = live.find(key);
    if (it != live.end()) resources.push_back(it->second);
  }
  return resources;
}

// Appends the errors of `agent`'s desired document to `problems`.
void validateDocument(const std::string& agent, const ferry::Json& doc,
                      std::vector<FieldProblem>& problems) {
  model::ValidationOptions options;
  options.requireAgent = true;
  options.requireVersion = true;
  for (const auto& p : model::validateDefinitions(doc, options)) {
    if (p.isError()) {
      problems.push_back({"", "agent '" + agent + "' document " + p.pointer + ": " + p.message});
    }
  }
}

}  // namespace

std::vector<std::string> integrationsIn(const ferry::Json& document) {
  std::vector<std::string> out;
  if (!document.is_object() || !document.contains("resources")) return out;
  for (const auto& r : document["resources"]) {
    if (r.is_object() && stringField(r, "kind") == "integration") {
      out.push_back(stringField(r, "id"));
    }
  }
  return out;
}

Result<store::DeploymentRecord> Deployer::storeDocument(const std::string& agent,
                                                        const std::string& integrationId,
                                                        const LiveResources& live, ferry::Json& doc,
                                                        std::vector<FieldProblem>& problems) {
  Result<store::DeploymentRecord> stored = Status::internal("not attempted");
  for (int attempt = 0; attempt < kPutAttempts; ++attempt) {
    stored = store_.putDeployment(agent, doc["version"], doc.dump());
    if (stored || (stored.status().code() != StatusCode::kAlreadyExists &&
                   stored.status().code() != StatusCode::kFailedPrecondition)) {
      return stored;
    }
    // A concurrent deploy stored a newer document: rebuild on top of it, so the
    // integrations it added stay in this one.
    auto now = store_.latestDeployment(agent);
    if (!now) return now.status();
    auto in = integrationsIn(parseStoredJson(now->document));
    std::set<std::string> integrations(in.begin(), in.end());
    integrations.insert(integrationId);
    doc = {{"version", now->version + 1}, {"resources", buildResources(live, agent, integrations)}};
    validateDocument(agent, doc, problems);
    if (!problems.empty()) return *now;  // the caller answers with the problems
  }
  return stored;
}

Result<Deployer::Outcome> Deployer::deployIntegration(const std::string& integrationId) {
  auto records = store_.listResources({});
  if (!records) return records.status();
  Live live;
  for (const auto& r : *records) live[{r.kind, r.id}] = parseStoredJson(r.document);
  if (!live.count({"integration", integrationId})) {
    return Status::notFound("no integration '" + integrationId + "'");
  }
  // Agents to rebuild: those it was deployed to before, and those its flows name now.
  auto latest = store_.latestDeployments();
  if (!latest) return latest.status();
  std::map<std::string, std::int64_t> latestVersion;
  std::map<std::string, std::set<std::string>> previous;  // agent → integrations deployed
  for (const auto& d : *latest) {
    latestVersion[d.agentId] = d.version;
    auto in = integrationsIn(parseStoredJson(d.document));
    previous[d.agentId].insert(in.begin(), in.end());
  }
  std::map<std::string, std::set<std::string>> targets;
  for (const auto& [agent, integrations] : previous) {
    if (integrations.count(integrationId)) targets[agent] = integrations;
  }
  Outcome outcome;
  for (const auto& [key, r] : live) {
    if (key.first != "flow" || stringField(r, "integration") != integrationId) continue;
    std::string agent = stringField(r, "agent");
    if (targets.count(agent)) continue;
    auto known = store_.getAgent(agent);
    if (!known && known.status().code() != StatusCode::kNotFound) return known.status();
    if (!known) {
      outcome.problems.push_back(
          {"", "flow '" + key.second + "' names agent '" + agent +
                   "', which does not exist (create it with POST /api/v1/agents)"});
      continue;
    }
    targets[agent] = previous[agent];
  }
  std::vector<std::pair<std::string, ferry::Json>> documents;
  for (auto& [agent, integrations] : targets) {
    integrations.insert(integrationId);
    // Above what the agent reports too: an agent deleted and created again (or a store
    // restored from a backup) keeps its state, and it ignores versions it has seen.
    auto reported = store_.getAgent(agent);
    if (reported) {
      latestVersion[agent] =
          std::max({latestVersion[agent], reported->appliedVersion, reported->rejectedVersion});
    }
    ferry::Json doc = {{"version", latestVersion[agent] + 1},
                       {"resources", buildResources(live, agent, integrations)}};
    validateDocument(agent, doc, outcome.problems);
    documents.emplace_back(agent, std::move(doc));
  }
  if (!outcome.problems.empty()) return outcome;
  for (auto& [agent, doc] : documents) {
    auto stored = storeDocument(agent, integrationId, live, doc, outcome.problems);
    if (!stored) return stored.status();
    if (!outcome.problems.empty()) return outcome;
    publisher_.publishDesired(agent, stored->version, stored->document);
    logger_.info("deployed",
                 {{"integration", integrationId}, {"agent", agent}, {"version", stored->version}});
    outcome.deployments.push_back({agent, stored->version, doc["resources"].size()});
  }
  return outcome;
}

}  // namespace ferry::controller::api
