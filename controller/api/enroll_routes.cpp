// POST /api/v1/enroll: an agent trades its one-time enrollment token for its broker URL and
// identity (docs/install.md, "Enroll"). Public: the token is the credential.
#include "controller/api/api_context.h"
#include "controller/api/problem.h"
#include "controller/api/request_parsing.h"
#include "controller/api/tokens.h"

namespace ferry::controller::api {

namespace {

// A token unused this long after its agent was created is refused: an admin deletes and
// creates the agent again for a fresh one.
constexpr std::int64_t kEnrollmentTokenTtlMs = 24LL * 3600 * 1000;

http::HttpResponse enroll(const ApiContext& ctx, const ApiRequest& req) {
  if (auto e = checkQueryNames(req, {})) return *e;
  ferry::Json body;
  if (auto e = parseJsonObjectBody(req, body)) return *e;
  std::vector<FieldProblem> errors;
  auto token = body.find("token");
  if (token == body.end() || !token->is_string()) {
    errors.push_back({"/token", "token must be the agent's enrollment token (a string)"});
  }
  for (const auto& [key, value] : body.items()) {
    if (key != "token") errors.push_back({"/" + key, "unknown field '" + key + "'"});
  }
  if (!errors.empty())
    return problem(422, "the enrollment request is not valid", req.path(), errors);
  const std::string hash = tokenHash(token->get<std::string>());
  auto agent = ctx.store.findAgentByEnrollmentHash(hash);
  if (!agent) {
    if (agent.status().code() != StatusCode::kNotFound) return ctx.storeError(req, agent.status());
    ctx.logger.warning("enrollment refused: unknown or used token");
    return problem(403, "the enrollment token is unknown or was used already", req.path());
  }
  if (ctx.nowMs() - agent->createdAtMs > kEnrollmentTokenTtlMs) {
    ctx.logger.warning("enrollment refused: token expired", {{"agent", agent->id}});
    return problem(403,
                   "the enrollment token of agent '" + agent->id +
                       "' expired (24 h after the agent was created); delete the agent and "
                       "create it again for a new token",
                   req.path());
  }
  if (ctx.agentsBrokerUrl.empty()) {
    return problem(503,
                   "the controller has no broker URL for agents (set agents.brokerUrl or mqtt.url)",
                   req.path());
  }
  auto creds = ctx.identities.createAgentIdentity(agent->id);
  if (!creds) {
    ctx.logger.error("broker identity not created",
                     {{"agent", agent->id}, {"error", creds.status().message()}});
    return problem(503,
                   "the agent's broker identity could not be created: " + creds.status().message(),
                   req.path());
  }
  // Used once: only now, so a broker hiccup above leaves the token valid for another try.
  Status used = ctx.store.setEnrollmentTokenHash(agent->id, "");
  if (!used.isOk()) return ctx.storeError(req, used);
  ferry::Json mqtt = {{"url", ctx.agentsBrokerUrl}};
  if (*creds) {
    mqtt["username"] = (*creds)->username;
    mqtt["password"] = (*creds)->password;  // over the API's TLS, once; stored as a secret
  }
  ctx.logger.info("agent enrolled", {{"agent", agent->id}, {"identity", creds->has_value()}});
  return jsonResponse(200, {{"agentId", agent->id}, {"mqtt", mqtt}});
}

}  // namespace

void addEnrollRoutes(Router& router, const ApiContext& ctx) {
  router.add(
      "POST", "/api/v1/enroll", [&ctx](const ApiRequest& r) { return enroll(ctx, r); },
      /*isPublic=*/true);
}

}  // namespace ferry::controller::api
