#include "controller/api/resource_writes.h"

#include "common/json/json.h"
#include "common/model/resources.h"
#include "controller/api/problem.h"
#include "controller/api/resource_json.h"
#include "controller/api/resource_validation.h"

namespace ferry::controller::api {

namespace {

// Where the resource lives: the URL of its own route.
std::string locationOf(const std::string& kind, const std::string& id) {
  if (kind == "integration") return "/api/v1/integrations/" + id;
  return "/api/v1/resources/" + kind + "/" + id;
}

// kind and id of the body must agree with the URL; missing ones are taken from it.
MaybeError reconcileIdentity(const ApiRequest& req, ferry::Json& body, const std::string& kind,
                             const std::string& id) {
  std::vector<FieldProblem> errors;
  for (const auto& [name, want] : {std::pair{"kind", kind}, std::pair{"id", id}}) {
    auto it = body.find(name);
    if (it == body.end()) {
      body[name] = want;
    } else if (!it->is_string() || it->get<std::string>() != want) {
      errors.push_back(
          {std::string("/") + name, std::string(name) + " must be '" + want + "', as in the URL"});
    }
  }
  if (errors.empty()) return std::nullopt;
  return problem(422, "the body does not match the URL", req.path(), errors);
}

// A precondition failed in the store: 412 when the client sent If-Match, else what it is.
http::HttpResponse writeFailed(const ApiContext& ctx, const ApiRequest& req, const Status& st,
                               const IfMatch& ifMatch) {
  if (ifMatch.present &&
      (st.code() == StatusCode::kFailedPrecondition || st.code() == StatusCode::kNotFound)) {
    return problem(412, "If-Match does not hold: " + st.message(), req.path());
  }
  return ctx.storeError(req, st);
}

std::optional<std::int64_t> expectedVersion(const IfMatch& ifMatch, const ContextCheck& check) {
  if (!ifMatch.present) return std::nullopt;
  if (ifMatch.any) return check.existed ? check.currentVersion : -1;
  return ifMatch.version;
}

// Answers 412 before validating, so a stale client learns that first. The store checks the
// version again in the write's own transaction.
MaybeError preconditionFailed(const ApiRequest& req, const IfMatch& ifMatch,
                              const ContextCheck& check, const std::string& kind,
                              const std::string& id) {
  if (!ifMatch.present) return std::nullopt;
  if (!check.existed) {
    return problem(412, "If-Match was sent but " + kind + " '" + id + "' does not exist",
                   req.path());
  }
  if (!ifMatch.any && ifMatch.version != check.currentVersion) {
    return problem(412,
                   "If-Match " + etagFor(ifMatch.version) + " does not hold: " + kind + " '" + id +
                       "' is at version " + std::to_string(check.currentVersion),
                   req.path());
  }
  return std::nullopt;
}

}  // namespace

MaybeError checkKind(const ApiRequest& req, const std::string& kind) {
  if (model::kindFromName(kind)) return std::nullopt;
  std::string kinds;
  for (const auto& k : model::kindNames()) kinds += kinds.empty() ? k : ", " + k;
  return problem(404, "unknown resource kind '" + kind + "' (kinds: " + kinds + ")", req.path());
}

http::HttpResponse getResource(const ApiContext& ctx, const ApiRequest& req,
                               const std::string& kind, const std::string& id) {
  auto record = ctx.store.getResource(kind, id);
  if (!record) return ctx.storeError(req, record.status());
  if (record->deleted) return problem(404, kind + " '" + id + "' was deleted", req.path());
  return resourceResponse(200, *record);
}

http::HttpResponse writeResource(const ApiContext& ctx, const ApiRequest& req,
                                 const std::string& kind, const std::string& id,
                                 const ferry::Json& input, bool createOnly) {
  ferry::Json body = input;
  if (auto e = reconcileIdentity(req, body, kind, id)) return *e;
  IfMatch ifMatch;
  if (auto e = parseIfMatch(req, ifMatch)) return *e;
  auto check = checkInContext(ctx.store, kind, id, &body);
  if (!check) return ctx.storeError(req, check.status());
  if (createOnly && check->existed) {
    return problem(409,
                   kind + " '" + id + "' exists (PUT " + locationOf(kind, id) + " replaces it)",
                   req.path());
  }
  if (auto e = preconditionFailed(req, ifMatch, *check, kind, id)) return *e;
  if (!check->own.empty()) {
    return problem(422, kind + " '" + id + "' is not valid", req.path(), check->own);
  }
  if (!check->others.empty()) {
    return problem(409, "this change would make other resources invalid", req.path(),
                   check->others);
  }
  store::ResourceWrite write;
  write.kind = kind;
  write.id = id;
  auto integration = body.find("integration");
  if (integration != body.end() && integration->is_string()) write.integration = *integration;
  write.document = body.dump();
  write.expectedVersion =
      createOnly ? std::optional<std::int64_t>(0) : expectedVersion(ifMatch, *check);
  auto stored = ctx.store.putResource(write);
  if (!stored) return writeFailed(ctx, req, stored.status(), ifMatch);
  bool created = !check->existed;
  http::HttpResponse r = resourceResponse(created ? 201 : 200, *stored);
  if (created) r.headers.emplace_back("Location", locationOf(kind, id));
  return r;
}

http::HttpResponse deleteResource(const ApiContext& ctx, const ApiRequest& req,
                                  const std::string& kind, const std::string& id) {
  IfMatch ifMatch;
  if (auto e = parseIfMatch(req, ifMatch)) return *e;
  auto check = checkInContext(ctx.store, kind, id, nullptr);
  if (!check) return ctx.storeError(req, check.status());
  if (!check->existed && !ifMatch.present) {
    return problem(404, "no " + kind + " '" + id + "'", req.path());
  }
  if (auto e = preconditionFailed(req, ifMatch, *check, kind, id)) return *e;
  if (!check->others.empty()) {
    return problem(409, kind + " '" + id + "' is still needed by other resources", req.path(),
                   check->others);
  }
  auto deleted = ctx.store.deleteResource(kind, id, expectedVersion(ifMatch, *check));
  if (!deleted) return writeFailed(ctx, req, deleted.status(), ifMatch);
  http::HttpResponse r;
  r.status = 204;
  r.headers.emplace_back("ETag", etagFor(deleted->version));
  return r;
}

http::HttpResponse resourceHistory(const ApiContext& ctx, const ApiRequest& req,
                                   const std::string& kind, const std::string& id) {
  auto history = ctx.store.resourceHistory(kind, id);
  if (!history) return ctx.storeError(req, history.status());
  ferry::Json items = ferry::Json::array();
  for (const auto& r : *history) items.push_back(resourceJson(r));
  return jsonResponse(200, {{"items", items}});
}

http::HttpResponse listResources(const ApiContext& ctx, const ApiRequest& req,
                                 const std::string& kind, const std::string& integration) {
  store::ResourceFilter filter;
  filter.kind = kind;
  filter.integration = integration;
  auto list = ctx.store.listResources(filter);
  if (!list) return ctx.storeError(req, list.status());
  ferry::Json items = ferry::Json::array();
  for (const auto& r : *list) items.push_back(resourceJson(r));
  return jsonResponse(200, {{"items", items}});
}

}  // namespace ferry::controller::api
