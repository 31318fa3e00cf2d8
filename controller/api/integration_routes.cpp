// /api/v1/integrations: the resources of kind "integration", with their flows.

#include "common/json/json.h"
#include "controller/api/api_context.h"
#include "controller/api/problem.h"
#include "controller/api/request_parsing.h"
#include "controller/api/resource_json.h"
#include "controller/api/resource_writes.h"

namespace ferry::controller::api {

namespace {

constexpr const char* kKind = "integration";

// GET one: the envelope plus the ids of the flows that belong to it.
http::HttpResponse getIntegration(const ApiContext& ctx, const ApiRequest& req) {
  const std::string& id = req.param("id");
  auto record = ctx.store.getResource(kKind, id);
  if (!record) return ctx.storeError(req, record.status());
  if (record->deleted) return problem(404, "integration '" + id + "' was deleted", req.path());
  auto flows = ctx.store.listResources({"flow", id, false});
  if (!flows) return ctx.storeError(req, flows.status());
  ferry::Json body = resourceJson(*record);
  body["flows"] = ferry::Json::array();
  for (const auto& f : *flows) body["flows"].push_back(f.id);
  http::HttpResponse r = jsonResponse(200, body);
  r.headers.emplace_back("ETag", etagFor(record->version));
  return r;
}

}  // namespace

void addIntegrationRoutes(Router& router, const ApiContext& ctx) {
  router.add("GET", "/api/v1/integrations", [&ctx](const ApiRequest& req) {
    if (auto e = checkQueryNames(req, {})) return *e;
    return listResources(ctx, req, kKind, "");
  });
  router.add("POST", "/api/v1/integrations", [&ctx](const ApiRequest& req) {
    if (auto e = checkQueryNames(req, {})) return *e;
    ferry::Json body;
    if (auto e = parseJsonObjectBody(req, body)) return *e;
    auto id = body.find("id");
    if (id == body.end() || !id->is_string()) {
      return problem(422, "the integration needs an id", req.path(),
                     {{"/id", "id is required (a string)"}});
    }
    return writeResource(ctx, req, kKind, *id, body, /*createOnly=*/true);
  });
  router.add("GET", "/api/v1/integrations/{id}", [&ctx](const ApiRequest& req) {
    if (auto e = checkQueryNames(req, {})) return *e;
    return getIntegration(ctx, req);
  });
  router.add("PUT", "/api/v1/integrations/{id}", [&ctx](const ApiRequest& req) {
    if (auto e = checkQueryNames(req, {})) return *e;
    ferry::Json body;
    if (auto e = parseJsonObjectBody(req, body)) return *e;
    return writeResource(ctx, req, kKind, req.param("id"), body, false);
  });
  router.add("DELETE", "/api/v1/integrations/{id}", [&ctx](const ApiRequest& req) {
    if (auto e = checkQueryNames(req, {})) return *e;
    return deleteResource(ctx, req, kKind, req.param("id"));
  });
  router.add("GET", "/api/v1/integrations/{id}/history", [&ctx](const ApiRequest& req) {
    if (auto e = checkQueryNames(req, {})) return *e;
    return resourceHistory(ctx, req, kKind, req.param("id"));
  });
}

}  // namespace ferry::controller::api
