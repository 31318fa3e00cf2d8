// Deployments: POST /integrations/{id}/deploy and what each agent runs.

#include "common/json/json.h"
#include "controller/api/api_context.h"
#include "controller/api/deployer.h"
#include "controller/api/problem.h"
#include "controller/api/request_parsing.h"
#include "controller/api/time_format.h"

namespace ferry::controller::api {

namespace {

constexpr std::size_t kHistoryLength = 20;

ferry::Json deploymentJson(const store::DeploymentRecord& d, bool withDocument) {
  ferry::Json out = {{"version", d.version},
                     {"state", std::string(store::deploymentStateName(d.state))},
                     {"createdAt", isoTimeOrNull(d.createdAtMs)},
                     {"reportedAt", isoTimeOrNull(d.reportedAtMs)},
                     {"error", d.error.empty() ? ferry::Json(nullptr) : ferry::Json(d.error)}};
  if (withDocument) out["document"] = parseStoredJson(d.document);
  return out;
}

http::HttpResponse deploy(const ApiContext& ctx, const ApiRequest& req) {
  if (auto e = checkQueryNames(req, {})) return *e;
  // An empty body or {} is fine: the deploy takes no options yet.
  Deployer deployer(ctx.store, ctx.publisher, ctx.logger.child("deploy"));
  auto outcome = deployer.deployIntegration(req.param("id"));
  if (!outcome) return ctx.storeError(req, outcome.status());
  if (!outcome->problems.empty()) {
    return problem(422, "integration '" + req.param("id") + "' cannot be deployed", req.path(),
                   outcome->problems);
  }
  ferry::Json items = ferry::Json::array();
  for (const auto& d : outcome->deployments) {
    items.push_back({{"agent", d.agentId},
                     {"version", d.version},
                     {"resources", d.resources},
                     {"state", "pending"}});
  }
  return jsonResponse(200, {{"integration", req.param("id")}, {"deployments", items}});
}

// The agent's latest desired document next to what it reported: applied or rejected, and why.
http::HttpResponse agentDeployment(const ApiContext& ctx, const ApiRequest& req) {
  if (auto e = checkQueryNames(req, {})) return *e;
  auto agent = ctx.store.getAgent(req.param("id"));
  if (!agent) return ctx.storeError(req, agent.status());
  auto history = ctx.store.listDeployments(agent->id, kHistoryLength);
  if (!history) return ctx.storeError(req, history.status());
  auto orNull = [](std::int64_t v) { return v == 0 ? ferry::Json(nullptr) : ferry::Json(v); };
  ferry::Json body = {
      {"agent", agent->id},
      {"desired", nullptr},
      {"appliedVersion", orNull(agent->appliedVersion)},
      {"rejectedVersion", orNull(agent->rejectedVersion)},
      {"error", agent->lastError.empty() ? ferry::Json(nullptr) : ferry::Json(agent->lastError)},
      {"history", ferry::Json::array()}};
  for (const auto& d : *history) {
    if (body["desired"].is_null() || d.version > body["desired"]["version"].get<std::int64_t>()) {
      body["desired"] = deploymentJson(d, true);
    }
    body["history"].push_back(deploymentJson(d, false));
  }
  body["upToDate"] =
      !body["desired"].is_null() && body["desired"]["version"] == agent->appliedVersion;
  return jsonResponse(200, body);
}

}  // namespace

void addDeploymentRoutes(Router& router, const ApiContext& ctx) {
  router.add("POST", "/api/v1/integrations/{id}/deploy",
             [&ctx](const ApiRequest& r) { return deploy(ctx, r); });
  router.add("GET", "/api/v1/agents/{id}/deployment",
             [&ctx](const ApiRequest& r) { return agentDeployment(ctx, r); });
}

}  // namespace ferry::controller::api
