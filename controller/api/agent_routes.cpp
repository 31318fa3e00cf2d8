// /api/v1/agents: the fleet (created with the id the admin chooses).
#include <map>

#include "common/json/json.h"
#include "common/model/validate.h"
#include "controller/api/api_context.h"
#include "controller/api/problem.h"
#include "controller/api/request_parsing.h"
#include "controller/api/time_format.h"
#include "controller/api/tokens.h"

namespace ferry::controller::api {

namespace {

// `flows` of the agent's last `reported` ({id: {state: active|paused}}), {} before any.
ferry::Json reportedFlows(const std::string& reported) {
  auto doc = ferry::Json::parse(reported, nullptr, false);
  if (!doc.is_object() || !doc.contains("flows") || !doc["flows"].is_object()) {
    return ferry::Json::object();
  }
  return doc["flows"];
}

ferry::Json agentJson(const store::AgentRecord& a, std::int64_t desiredVersion) {
  auto orNull = [](std::int64_t v) { return v == 0 ? ferry::Json(nullptr) : ferry::Json(v); };
  return {
      {"id", a.id},
      {"name", a.displayName},
      {"createdAt", isoTimeOrNull(a.createdAtMs)},
      {"enrolled", a.enrollmentTokenHash.empty()},
      {"online", a.online},
      {"lastSeen", isoTimeOrNull(a.lastSeenMs)},
      {"agentVersion", a.agentVersion.empty() ? ferry::Json(nullptr) : ferry::Json(a.agentVersion)},
      {"desiredVersion", orNull(desiredVersion)},
      {"appliedVersion", orNull(a.appliedVersion)},
      {"rejectedVersion", orNull(a.rejectedVersion)},
      {"upToDate", desiredVersion != 0 && a.appliedVersion == desiredVersion},
      {"error", a.lastError.empty() ? ferry::Json(nullptr) : ferry::Json(a.lastError)},
      {"reportedAt", isoTimeOrNull(a.reportedAtMs)},
      {"flows", reportedFlows(a.reported)},
      {"backlog",
       {{"outboxBacklog", a.stats.outboxBacklog},
        {"oldestUndeliveredAgeSeconds", a.stats.oldestUndeliveredAgeSeconds},
        {"queueDepth", a.stats.queueDepth},
        {"reportedAt", isoTimeOrNull(a.statsAtMs)}}}};
}

// The latest desired version of one agent; 0 when it has none.
Result<std::int64_t> desiredVersionOf(store::Store& store, const std::string& agentId) {
  auto latest = store.latestDeployment(agentId);
  if (latest) return latest->version;
  if (latest.status().code() == StatusCode::kNotFound) return std::int64_t{0};
  return latest.status();
}

http::HttpResponse listAgents(const ApiContext& ctx, const ApiRequest& req) {
  if (auto e = checkQueryNames(req, {})) return *e;
  auto agents = ctx.store.listAgents();
  if (!agents) return ctx.storeError(req, agents.status());
  auto deployments = ctx.store.latestDeployments();
  if (!deployments) return ctx.storeError(req, deployments.status());
  std::map<std::string, std::int64_t> desired;
  for (const auto& d : *deployments) desired[d.agentId] = d.version;
  ferry::Json items = ferry::Json::array();
  for (const auto& a : *agents) items.push_back(agentJson(a, desired[a.id]));
  return jsonResponse(200, {{"items", items}});
}

http::HttpResponse getAgent(const ApiContext& ctx, const ApiRequest& req) {
  if (auto e = checkQueryNames(req, {})) return *e;
  auto agent = ctx.store.getAgent(req.param("id"));
  if (!agent) return ctx.storeError(req, agent.status());
  auto desired = desiredVersionOf(ctx.store, agent->id);
  if (!desired) return ctx.storeError(req, desired.status());
  return jsonResponse(200, agentJson(*agent, *desired));
}

http::HttpResponse createAgent(const ApiContext& ctx, const ApiRequest& req) {
  if (auto e = checkQueryNames(req, {})) return *e;
  ferry::Json body;
  if (auto e = parseJsonObjectBody(req, body)) return *e;
  std::vector<FieldProblem> errors;
  auto id = body.find("id");
  if (id == body.end() || !id->is_string()) {
    errors.push_back({"/id", "id is required (a string)"});
  } else if (!model::isValidId(id->get<std::string>())) {
    errors.push_back({"/id", "'" + id->get<std::string>() +
                                 "' is not a valid id: use 1-64 of a-z, 0-9, '-', '_', '.', "
                                 "starting with a letter or digit"});
  }
  auto name = body.find("name");
  if (name != body.end() && !name->is_string())
    errors.push_back({"/name", "name must be a string"});
  for (const auto& [key, value] : body.items()) {
    if (key != "id" && key != "name") errors.push_back({"/" + key, "unknown field '" + key + "'"});
  }
  if (!errors.empty()) return problem(422, "the agent is not valid", req.path(), errors);
  auto token = newToken(kEnrollmentTokenPrefix);
  if (!token) return ctx.storeError(req, token.status());
  std::string agentId = *id;
  std::string displayName = name == body.end() ? agentId : name->get<std::string>();
  auto created = ctx.store.createAgent(agentId, displayName, tokenHash(*token));
  if (!created) {
    if (created.status().code() == StatusCode::kAlreadyExists) {
      return problem(409, "agent '" + agentId + "' exists", req.path());
    }
    return ctx.storeError(req, created.status());
  }
  ctx.logger.info("agent created", {{"agent", agentId}});
  ferry::Json out = agentJson(*created, 0);
  // Shown once: the store keeps only its hash.
  out["enrollmentToken"] = *token;
  http::HttpResponse r = jsonResponse(201, out);
  r.headers.emplace_back("Location", "/api/v1/agents/" + agentId);
  return r;
}

http::HttpResponse deleteAgent(const ApiContext& ctx, const ApiRequest& req) {
  if (auto e = checkQueryNames(req, {})) return *e;
  Status st = ctx.store.deleteAgent(req.param("id"));
  if (!st.isOk()) return ctx.storeError(req, st);
  ctx.logger.info("agent deleted", {{"agent", req.param("id")}});
  http::HttpResponse r;
  r.status = 204;
  return r;
}

}  // namespace

void addAgentRoutes(Router& router, const ApiContext& ctx) {
  router.add("GET", "/api/v1/agents", [&ctx](const ApiRequest& r) { return listAgents(ctx, r); });
  router.add("POST", "/api/v1/agents", [&ctx](const ApiRequest& r) { return createAgent(ctx, r); });
  router.add("GET", "/api/v1/agents/{id}",
             [&ctx](const ApiRequest& r) { return getAgent(ctx, r); });
  router.add("DELETE", "/api/v1/agents/{id}",
             [&ctx](const ApiRequest& r) { return deleteAgent(ctx, r); });
}

}  // namespace ferry::controller::api
