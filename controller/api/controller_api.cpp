#include "controller/api/controller_api.h"

#include <chrono>

#include "common/json/json.h"
#include "common/version/version.h"
#include "controller/api/problem.h"

namespace ferry::controller::api {

namespace {

http::HttpResponse health(const ApiRequest&) {
  return jsonResponse(200, {{"status", "ok"},
                            {"version", std::string(ferryVersion())},
                            {"revision", std::string(ferryRevision())}});
}

http::HttpResponse openApi(const ApiRequest&) {
  http::HttpResponse r;
  r.body = openApiDocument();
  return r;
}

std::string joined(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& i : items) out += out.empty() ? i : ", " + i;
  return out;
}

}  // namespace

http::HttpResponse ApiContext::storeError(const ApiRequest& req, const Status& status) const {
  http::HttpResponse r = problemFromStatus(status, req.path());
  if (r.status >= 500) {
    logger.error("request failed in the store",
                 {{"route", req.route}, {"status", r.status}, {"error", status.toString()}});
  }
  return r;
}

std::int64_t ApiContext::nowMs() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock.now().time_since_epoch())
      .count();
}

ControllerApi::ControllerApi(store::Store& store, AgentPublisher& publisher, const Clock& clock,
                             Logger logger, EnrollmentSettings enrollment)
    : ctx_{store,
           publisher,
           clock,
           std::move(logger),
           enrollment.identities != nullptr ? *enrollment.identities : noIdentities_,
           std::move(enrollment.brokerUrl)},
      auth_(store, clock) {
  router_.add("GET", "/api/v1/health", health, /*isPublic=*/true);
  // Public so lint tools and client generators can fetch it; it holds no data.
  router_.add("GET", "/api/v1/openapi.json", openApi, /*isPublic=*/true);
  addAgentRoutes(router_, ctx_);
  addIntegrationRoutes(router_, ctx_);
  addResourceRoutes(router_, ctx_);
  addDeploymentRoutes(router_, ctx_);
  addRunRoutes(router_, ctx_);
  addErrorRoutes(router_, ctx_);
  addCommandRoutes(router_, ctx_);
  addEnrollRoutes(router_, ctx_);
}

http::HttpResponse ControllerApi::unauthorized(const ApiRequest& req, bool tokenGiven) const {
  http::HttpResponse r =
      problem(401,
              tokenGiven ? "the bearer token is not valid (unknown or deleted)"
                         : "this route needs 'Authorization: Bearer <token>' (create a token "
                           "with: ferry-controller token create --name NAME)",
              req.path());
  r.headers.emplace_back("WWW-Authenticate", tokenGiven
                                                 ? "Bearer realm=\"ferry\", error=\"invalid_token\""
                                                 : "Bearer realm=\"ferry\"");
  return r;
}

http::HttpResponse ControllerApi::handle(const http::HttpRequest& req, std::string& route) const {
  route = "other";
  Router::Match m = router_.match(req.method, req.path);
  switch (m.kind) {
    case Router::Match::Kind::kNoRoute: return problem(404, "no resource at " + req.path, req.path);
    case Router::Match::Kind::kBadPath: return problem(400, m.error, req.path);
    case Router::Match::Kind::kWrongMethod: {
      http::HttpResponse r = problem(
          405,
          req.method + " is not allowed on " + req.path + " (allowed: " + joined(m.allowed) + ")",
          req.path);
      r.headers.emplace_back("Allow", joined(m.allowed));
      return r;
    }
    case Router::Match::Kind::kFound: break;
  }
  route = m.route->pattern;
  ApiRequest request{req, m.route->pattern, std::move(m.params), {}};
  std::string queryError;
  if (!parseQueryString(req.query, request.query, queryError)) {
    return problem(400, queryError, req.path);
  }
  if (!m.route->isPublic) {
    auto outcome = auth_.check(request.header("authorization"));
    switch (outcome.kind) {
      case Authenticator::Outcome::Kind::kOk: break;
      case Authenticator::Outcome::Kind::kMissing: return unauthorized(request, false);
      case Authenticator::Outcome::Kind::kInvalid: return unauthorized(request, true);
      case Authenticator::Outcome::Kind::kUnavailable:
        return ctx_.storeError(request, outcome.status);
    }
  }
  return m.route->handler(request);
}

}  // namespace ferry::controller::api
