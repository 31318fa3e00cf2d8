// Commands for agents: "run now" for a flow, and the list of commands with their state.

#include "common/json/json.h"
#include "controller/api/api_context.h"
#include "controller/api/deployer.h"
#include "controller/api/problem.h"
#include "controller/api/request_parsing.h"
#include "controller/api/time_format.h"

namespace ferry::controller::api {

namespace {

constexpr std::size_t kDefaultLimit = 100;

ferry::Json commandJson(const store::CommandRecord& c) {
  return {{"id", c.commandId},
          {"agent", c.agentId},
          {"type", c.type},
          {"args", parseStoredJson(c.payload)},
          {"state", std::string(store::commandStateName(c.state))},
          {"createdAt", isoTimeOrNull(c.createdAtMs)},
          {"updatedAt", isoTimeOrNull(c.updatedAtMs)},
          {"result", c.result.empty() ? ferry::Json(nullptr) : ferry::Json(c.result)}};
}

// Whether the agent's latest desired document holds flow `flowId`.
Result<bool> deployedTo(store::Store& store, const std::string& agent, const std::string& flowId) {
  auto latest = store.latestDeployment(agent);
  if (!latest) {
    if (latest.status().code() == StatusCode::kNotFound) return false;
    return latest.status();
  }
  ferry::Json doc = parseStoredJson(latest->document);
  if (!doc.is_object() || !doc["resources"].is_array()) return false;
  for (const auto& r : doc["resources"]) {
    if (r.is_object() && r.value("kind", "") == "flow" && r.value("id", "") == flowId) return true;
  }
  return false;
}

// run-flow, pause-flow, resume-flow: a command for the agent the flow is deployed to.
http::HttpResponse flowCommand(const ApiContext& ctx, const ApiRequest& req,
                               const std::string& type) {
  if (auto e = checkQueryNames(req, {})) return *e;
  const std::string& flowId = req.param("id");
  auto flow = ctx.store.getResource("flow", flowId);
  if (!flow) return ctx.storeError(req, flow.status());
  if (flow->deleted) return problem(404, "flow '" + flowId + "' was deleted", req.path());
  std::string agent = parseStoredJson(flow->document).value("agent", "");
  auto deployed = deployedTo(ctx.store, agent, flowId);
  if (!deployed) return ctx.storeError(req, deployed.status());
  if (!*deployed) {
    return problem(409,
                   "flow '" + flowId + "' is not deployed to agent '" + agent +
                       "' (deploy its integration first)",
                   req.path());
  }
  auto command = ctx.store.enqueueCommand(agent, type, ferry::Json({{"flowId", flowId}}).dump());
  if (!command) return ctx.storeError(req, command.status());
  ctx.publisher.publishCommand(*command);
  ctx.logger.info(
      "flow command queued",
      {{"flow", flowId}, {"agent", agent}, {"type", type}, {"command", command->commandId}});
  http::HttpResponse r = jsonResponse(202, commandJson(*command));
  r.headers.emplace_back("Location", "/api/v1/commands/" + command->commandId);
  return r;
}

http::HttpResponse listCommands(const ApiContext& ctx, const ApiRequest& req) {
  if (auto e = checkQueryNames(req, {"agent", "state", "limit"})) return *e;
  store::CommandFilter filter;
  filter.agentId = req.queryValue("agent");
  if (std::string state = req.queryValue("state"); !state.empty()) {
    filter.state = store::parseCommandState(state);
    if (!filter.state) {
      return problem(400, "state must be pending, sent, done or failed, not '" + state + "'",
                     req.path());
    }
  }
  if (auto e = parseLimit(req, kDefaultLimit, store::kMaxPageSize, filter.limit)) return *e;
  auto commands = ctx.store.listCommands(filter);
  if (!commands) return ctx.storeError(req, commands.status());
  ferry::Json items = ferry::Json::array();
  for (const auto& c : *commands) items.push_back(commandJson(c));
  return jsonResponse(200, {{"items", items}});
}

http::HttpResponse getCommand(const ApiContext& ctx, const ApiRequest& req) {
  if (auto e = checkQueryNames(req, {})) return *e;
  auto command = ctx.store.getCommand(req.param("id"));
  if (!command) return ctx.storeError(req, command.status());
  return jsonResponse(200, commandJson(*command));
}

}  // namespace

void addCommandRoutes(Router& router, const ApiContext& ctx) {
  router.add("POST", "/api/v1/flows/{id}/run",
             [&ctx](const ApiRequest& r) { return flowCommand(ctx, r, "run-flow"); });
  router.add("POST", "/api/v1/flows/{id}/pause",
             [&ctx](const ApiRequest& r) { return flowCommand(ctx, r, "pause-flow"); });
  router.add("POST", "/api/v1/flows/{id}/resume",
             [&ctx](const ApiRequest& r) { return flowCommand(ctx, r, "resume-flow"); });
  router.add("GET", "/api/v1/commands",
             [&ctx](const ApiRequest& r) { return listCommands(ctx, r); });
  router.add("GET", "/api/v1/commands/{id}",
             [&ctx](const ApiRequest& r) { return getCommand(ctx, r); });
}

}  // namespace ferry::controller::api
