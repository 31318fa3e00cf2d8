// /api/v1/runs: run history with filters and cursor pagination (newest first).
#include "common/json/json_writer.h"
#include "controller/api/api_context.h"
#include "controller/api/problem.h"
#include "controller/api/request_parsing.h"

namespace ferry::controller::api {

namespace {

constexpr std::size_t kDefaultLimit = 50;
constexpr std::size_t kRunJsonBytes = 448;  // a typical run is ≈ 400 bytes of JSON

// Written directly rather than through an nlohmann tree: this list is the API's busiest read.
void writeRun(json::JsonWriter& w, const store::RunView& r) {
  auto textOrNull = [&](std::string_view v) -> json::JsonWriter& {
    return v.empty() ? w.null() : w.string(v);
  };
  auto timeOrNull = [&](std::int64_t ms) -> json::JsonWriter& {
    return ms == 0 ? w.null() : w.isoTime(ms);
  };
  w.beginObject();
  w.key("id").string(r.runId);
  w.key("agent").string(r.agentId);
  w.key("flow").string(r.flowId);
  w.key("integration");
  textOrNull(r.integration);
  w.key("trigger").string(r.trigger);
  w.key("state").string(r.state);
  w.key("counts").beginObject();
  w.key("read").integer(r.counts.read);
  w.key("filtered").integer(r.counts.filtered);
  w.key("written").integer(r.counts.written);
  w.key("failed").integer(r.counts.failed);
  w.endObject();
  w.key("startedAt");
  timeOrNull(r.startedAtMs);
  w.key("finishedAt");
  timeOrNull(r.finishedAtMs);
  w.key("durationSeconds");
  if (r.finishedAtMs != 0 && r.startedAtMs != 0) {
    w.scaled(r.finishedAtMs - r.startedAtMs, 3);  // exact, and no double to format
  } else {
    w.null();
  }
  w.key("errorSummary");
  textOrNull(r.errorSummary);
  w.key("updatedAt");
  timeOrNull(r.updatedAtMs);
  w.endObject();
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
  json::JsonWriter w(kRunJsonBytes * (page.limit + 1));
  w.beginObject().key("items").beginArray();
  auto next = ctx.store.visitRuns(filter, page, [&](const store::RunView& r) { writeRun(w, r); });
  if (!next) return ctx.storeError(req, next.status());
  w.endArray().key("nextCursor").string(*next).endObject();
  return jsonTextResponse(200, w.take());
}

http::HttpResponse getRun(const ApiContext& ctx, const ApiRequest& req) {
  if (auto e = checkQueryNames(req, {})) return *e;
  auto run = ctx.store.getRun(req.param("id"));
  if (!run) return ctx.storeError(req, run.status());
  json::JsonWriter w;
  writeRun(w, run->as<std::string_view>());
  return jsonTextResponse(200, w.take());
}

}  // namespace

void addRunRoutes(Router& router, const ApiContext& ctx) {
  router.add("GET", "/api/v1/runs", [&ctx](const ApiRequest& r) { return listRuns(ctx, r); });
  router.add("GET", "/api/v1/runs/{id}", [&ctx](const ApiRequest& r) { return getRun(ctx, r); });
}

}  // namespace ferry::controller::api
