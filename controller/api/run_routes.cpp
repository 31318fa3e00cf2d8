// /api/v1/runs: run history with filters and cursor pagination (newest first).
#include <nlohmann/json.hpp>

#include "controller/api/api_context.h"
#include "controller/api/problem.h"
#include "controller/api/request_parsing.h"
#include "controller/api/time_format.h"

namespace ferry::controller::api {

namespace {

constexpr std::size_t kDefaultLimit = 50;

nlohmann::json runJson(const store::RunRecord& r) {
  nlohmann::json out = {{"id", r.runId},
                        {"agent", r.agentId},
                        {"flow", r.flowId},
                        {"integration", r.integration.empty() ? nlohmann::json(nullptr)
                                                              : nlohmann::json(r.integration)},
                        {"trigger", r.trigger},
                        {"state", r.state},
                        {"counts",
                         {{"read", r.counts.read},
                          {"filtered", r.counts.filtered},
                          {"written", r.counts.written},
                          {"failed", r.counts.failed}}},
                        {"startedAt", isoTimeOrNull(r.startedAtMs)},
                        {"finishedAt", isoTimeOrNull(r.finishedAtMs)},
                        {"durationSeconds", nullptr},
                        {"errorSummary", r.errorSummary.empty() ? nlohmann::json(nullptr)
                                                                : nlohmann::json(r.errorSummary)},
                        {"updatedAt", isoTimeOrNull(r.updatedAtMs)}};
  if (r.finishedAtMs != 0 && r.startedAtMs != 0) {
    out["durationSeconds"] = static_cast<double>(r.finishedAtMs - r.startedAtMs) / 1000.0;
  }
  return out;
}

http::HttpResponse listRuns(const ApiContext& ctx, const ApiRequest& req) {
  if (auto e = checkQueryNames(
          req, {"flow", "agent", "integration", "state", "from", "to", "limit", "cursor"})) {
    return *e;
  }
  store::RunFilter filter;
  filter.flowId = req.queryValue("flow");
  filter.agentId = req.queryValue("agent");
  filter.integration = req.queryValue("integration");
  filter.state = req.queryValue("state");
  if (auto e = parseTimeQuery(req, "from", filter.fromMs)) return *e;
  if (auto e = parseTimeQuery(req, "to", filter.toMs)) return *e;
  store::PageRequest page;
  if (auto e = parseLimit(req, kDefaultLimit, store::kMaxPageSize, page.limit)) return *e;
  page.cursor = req.queryValue("cursor");
  auto runs = ctx.store.listRuns(filter, page);
  if (!runs) return ctx.storeError(req, runs.status());
  nlohmann::json items = nlohmann::json::array();
  for (const auto& r : runs->items) items.push_back(runJson(r));
  return jsonResponse(200, {{"items", items}, {"nextCursor", runs->nextCursor}});
}

http::HttpResponse getRun(const ApiContext& ctx, const ApiRequest& req) {
  if (auto e = checkQueryNames(req, {})) return *e;
  auto run = ctx.store.getRun(req.param("id"));
  if (!run) return ctx.storeError(req, run.status());
  return jsonResponse(200, runJson(*run));
}

}  // namespace

void addRunRoutes(Router& router, const ApiContext& ctx) {
  router.add("GET", "/api/v1/runs", [&ctx](const ApiRequest& r) { return listRuns(ctx, r); });
  router.add("GET", "/api/v1/runs/{id}", [&ctx](const ApiRequest& r) { return getRun(ctx, r); });
}

}  // namespace ferry::controller::api
