// /api/v1/resources: every kind of resource, addressed by kind and id.

#include "common/json/json.h"
#include "controller/api/api_context.h"
#include "controller/api/problem.h"
#include "controller/api/request_parsing.h"
#include "controller/api/resource_writes.h"

namespace ferry::controller::api {

void addResourceRoutes(Router& router, const ApiContext& ctx) {
  router.add("GET", "/api/v1/resources", [&ctx](const ApiRequest& req) {
    if (auto e = checkQueryNames(req, {"kind", "integration"})) return *e;
    std::string kind = req.queryValue("kind");
    if (!kind.empty() && checkKind(req, kind)) {
      return problem(400, "unknown kind '" + kind + "' in the query", req.path());
    }
    return listResources(ctx, req, kind, req.queryValue("integration"));
  });
  router.add("POST", "/api/v1/resources", [&ctx](const ApiRequest& req) {
    if (auto e = checkQueryNames(req, {})) return *e;
    ferry::Json body;
    if (auto e = parseJsonObjectBody(req, body)) return *e;
    std::vector<FieldProblem> missing;
    for (const char* name : {"kind", "id"}) {
      auto it = body.find(name);
      if (it == body.end() || !it->is_string()) {
        missing.push_back({std::string("/") + name, std::string(name) + " is required (a string)"});
      }
    }
    if (!missing.empty())
      return problem(422, "the resource needs a kind and an id", req.path(), missing);
    std::string kind = body["kind"];
    if (auto e = checkKind(req, kind)) {
      return problem(422, "unknown kind", req.path(), {{"/kind", "unknown kind '" + kind + "'"}});
    }
    return writeResource(ctx, req, kind, body["id"], body, /*createOnly=*/true);
  });
  router.add("GET", "/api/v1/resources/{kind}/{id}", [&ctx](const ApiRequest& req) {
    if (auto e = checkQueryNames(req, {})) return *e;
    if (auto e = checkKind(req, req.param("kind"))) return *e;
    return getResource(ctx, req, req.param("kind"), req.param("id"));
  });
  router.add("PUT", "/api/v1/resources/{kind}/{id}", [&ctx](const ApiRequest& req) {
    if (auto e = checkQueryNames(req, {})) return *e;
    if (auto e = checkKind(req, req.param("kind"))) return *e;
    ferry::Json body;
    if (auto e = parseJsonObjectBody(req, body)) return *e;
    return writeResource(ctx, req, req.param("kind"), req.param("id"), body, false);
  });
  router.add("DELETE", "/api/v1/resources/{kind}/{id}", [&ctx](const ApiRequest& req) {
    if (auto e = checkQueryNames(req, {})) return *e;
    if (auto e = checkKind(req, req.param("kind"))) return *e;
    return deleteResource(ctx, req, req.param("kind"), req.param("id"));
  });
  router.add("GET", "/api/v1/resources/{kind}/{id}/history", [&ctx](const ApiRequest& req) {
    if (auto e = checkQueryNames(req, {})) return *e;
    if (auto e = checkKind(req, req.param("kind"))) return *e;
    return resourceHistory(ctx, req, req.param("kind"), req.param("id"));
  });
}

}  // namespace ferry::controller::api
