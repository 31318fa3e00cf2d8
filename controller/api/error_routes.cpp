// /api/v1/errors: per-record errors of runs; retry and resolve become commands for agents.
#include <map>
#include <set>

#include "common/json/json.h"
#include "controller/api/api_context.h"
#include "controller/api/problem.h"
#include "controller/api/request_parsing.h"
#include "controller/api/time_format.h"

namespace ferry::controller::api {

namespace {

constexpr std::size_t kDefaultLimit = 50;
constexpr std::size_t kMaxIdsPerCall = 1000;

ferry::Json errorJson(const store::RunErrorRecord& e, bool withRecord) {
  ferry::Json out = {
      {"id", e.errorId},
      {"run", e.runId},
      {"agent", e.agentId},
      {"flow", e.flowId},
      {"step", e.step},
      {"message", e.message},
      {"state", std::string(store::errorStateName(e.state))},
      {"resolution", e.resolution.empty() ? ferry::Json(nullptr) : ferry::Json(e.resolution)},
      {"createdAt", isoTimeOrNull(e.createdAtMs)},
      {"updatedAt", isoTimeOrNull(e.updatedAtMs)},
      {"resolvedAt", isoTimeOrNull(e.resolvedAtMs)}};
  if (withRecord) out["record"] = parseStoredJson(e.record);
  return out;
}

http::HttpResponse listErrors(const ApiContext& ctx, const ApiRequest& req) {
  if (auto e = checkQueryNames(req, {"run", "flow", "agent", "state", "limit", "cursor"})) {
    return *e;
  }
  store::ErrorFilter filter;
  filter.runId = req.queryValue("run");
  filter.flowId = req.queryValue("flow");
  filter.agentId = req.queryValue("agent");
  if (std::string state = req.queryValue("state"); !state.empty()) {
    filter.state = store::parseErrorState(state);
    if (!filter.state) {
      return problem(400, "state must be open, retrying or resolved, not '" + state + "'",
                     req.path());
    }
  }
  store::PageRequest page;
  if (auto e = parseLimit(req, kDefaultLimit, store::kMaxPageSize, page.limit)) return *e;
  page.cursor = req.queryValue("cursor");
  auto errors = ctx.store.listErrors(filter, page);
  if (!errors) return ctx.storeError(req, errors.status());
  ferry::Json items = ferry::Json::array();
  for (const auto& e : errors->items) items.push_back(errorJson(e, false));
  return jsonResponse(200, {{"items", items}, {"nextCursor", errors->nextCursor}});
}

http::HttpResponse getError(const ApiContext& ctx, const ApiRequest& req) {
  if (auto e = checkQueryNames(req, {})) return *e;
  auto error = ctx.store.getError(req.param("id"));
  if (!error) return ctx.storeError(req, error.status());
  return jsonResponse(200, errorJson(*error, true));
}

// Checks {"ids": [...], "record"?: {...}}; fills ids. `allowRecord`: retry takes an edited
// record for a single id.
MaybeError parseSelection(const ApiRequest& req, const ferry::Json& body, bool allowRecord,
                          std::vector<std::string>& ids) {
  std::vector<FieldProblem> errors;
  for (const auto& [key, value] : body.items()) {
    if (key != "ids" && !(allowRecord && key == "record")) {
      errors.push_back({"/" + key, "unknown field '" + key + "'"});
    }
  }
  auto list = body.find("ids");
  if (list == body.end() || !list->is_array() || list->empty()) {
    errors.push_back({"/ids", "ids must be a non-empty array of error ids"});
  } else if (list->size() > kMaxIdsPerCall) {
    errors.push_back({"/ids", "at most " + std::to_string(kMaxIdsPerCall) + " ids per call"});
  } else {
    std::set<std::string> seen;
    for (std::size_t i = 0; i < list->size(); ++i) {
      const auto& id = (*list)[i];
      if (!id.is_string() || id.get<std::string>().empty()) {
        errors.push_back({"/ids/" + std::to_string(i), "an error id must be a non-empty string"});
      } else if (seen.insert(id).second) {
        ids.push_back(id);
      }
    }
  }
  if (auto record = body.find("record"); allowRecord && record != body.end()) {
    if (!record->is_object()) {
      errors.push_back({"/record", "record must be a JSON object (the edited record)"});
    } else if (list != body.end() && list->is_array() && list->size() != 1) {
      errors.push_back({"/record", "an edited record goes with exactly one id"});
    }
  }
  if (errors.empty()) return std::nullopt;
  return problem(422, "the selection is not valid", req.path(), errors);
}

// retry-errors / resolve-errors: one command per agent, then the errors' new state.
http::HttpResponse closeErrors(const ApiContext& ctx, const ApiRequest& req, bool retry) {
  if (auto e = checkQueryNames(req, {})) return *e;
  ferry::Json body;
  if (auto e = parseJsonObjectBody(req, body)) return *e;
  std::vector<std::string> ids;
  if (auto e = parseSelection(req, body, retry, ids)) return *e;
  std::map<std::string, std::vector<std::string>> byAgent;
  std::vector<FieldProblem> problems;
  bool unknown = false;  // 422 for ids that name nothing, 409 for resolved ones
  for (std::size_t i = 0; i < ids.size(); ++i) {
    auto error = ctx.store.getError(ids[i]);
    if (!error && error.status().code() != StatusCode::kNotFound) {
      return ctx.storeError(req, error.status());
    }
    if (!error) {
      unknown = true;
      problems.push_back({"/ids/" + std::to_string(i), "no error '" + ids[i] + "'"});
    } else if (retry && error->state == store::ErrorState::kResolved) {
      problems.push_back({"/ids/" + std::to_string(i),
                          "error '" + ids[i] + "' is resolved and cannot be retried"});
    } else if (retry || error->state != store::ErrorState::kResolved) {
      byAgent[error->agentId].push_back(ids[i]);
    }
  }
  if (!problems.empty()) {
    return problem(unknown ? 422 : 409,
                   "some errors cannot be " + std::string(retry ? "retried" : "resolved"),
                   req.path(), problems);
  }
  ferry::Json commands = ferry::Json::array();
  for (const auto& [agent, agentIds] : byAgent) {
    ferry::Json args = {{"errorIds", agentIds}};
    if (retry && body.contains("record")) args["record"] = body["record"];
    std::string type = retry ? "retry-errors" : "resolve-errors";
    auto command = ctx.store.enqueueCommand(agent, type, args.dump());
    if (!command) return ctx.storeError(req, command.status());
    ctx.publisher.publishCommand(*command);
    commands.push_back(
        {{"id", command->commandId}, {"agent", agent}, {"type", type}, {"errorIds", agentIds}});
  }
  auto changed = ctx.store.setErrorState(
      ids, retry ? store::ErrorState::kRetrying : store::ErrorState::kResolved,
      retry ? "" : "resolved");
  if (!changed) return ctx.storeError(req, changed.status());
  return jsonResponse(202, {{"commands", commands}, {"changed", *changed}});
}

}  // namespace

void addErrorRoutes(Router& router, const ApiContext& ctx) {
  router.add("GET", "/api/v1/errors", [&ctx](const ApiRequest& r) { return listErrors(ctx, r); });
  router.add("GET", "/api/v1/errors/{id}",
             [&ctx](const ApiRequest& r) { return getError(ctx, r); });
  router.add("POST", "/api/v1/errors/retry",
             [&ctx](const ApiRequest& r) { return closeErrors(ctx, r, /*retry=*/true); });
  router.add("POST", "/api/v1/errors/resolve",
             [&ctx](const ApiRequest& r) { return closeErrors(ctx, r, /*retry=*/false); });
}

}  // namespace ferry::controller::api
