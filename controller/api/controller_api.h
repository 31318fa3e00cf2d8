#pragma once

#include <string>

#include "common/clock/clock.h"
#include "common/http/http_server.h"
#include "common/log/logger.h"
#include "controller/api/api_context.h"
#include "controller/api/publisher.h"
#include "controller/api/router.h"
#include "controller/api/tokens.h"
#include "controller/store/store.h"

namespace ferry::controller::api {

// What enrollment hands out: identities from `identities` (null: none, the broker admits
// agents as configured) and the broker URL agents are told.
struct EnrollmentSettings {
  enrollment::BrokerIdentities* identities = nullptr;
  std::string brokerUrl;
};

// The REST API under /api/v1 (docs/api.md, controller/api/openapi.json): routing, bearer
// authentication, problem+json errors. Thread-safe: handle() runs on the HTTP workers; the
// router is built once in the constructor and never changes.
class ControllerApi {
 public:
  // The store, publisher, clock and identities must outlive the API.
  ControllerApi(store::Store& store, AgentPublisher& publisher, const Clock& clock, Logger logger,
                EnrollmentSettings enrollment = {});
  ControllerApi(const ControllerApi&) = delete;
  ControllerApi& operator=(const ControllerApi&) = delete;

  // Answers one request. `route` receives the matched route template for metrics, or
  // "other" when no route matched (so unknown paths cannot grow a label set).
  http::HttpResponse handle(const http::HttpRequest& req, std::string& route) const;

  const Router& router() const { return router_; }

 private:
  http::HttpResponse unauthorized(const ApiRequest& req, bool tokenGiven) const;

  enrollment::NoBrokerIdentities noIdentities_;
  ApiContext ctx_;
  Authenticator auth_;
  Router router_;
};

// The OpenAPI 3.1 document served at /api/v1/openapi.json (controller/api/openapi.json,
// embedded at build time).
const std::string& openApiDocument();

}  // namespace ferry::controller::api
