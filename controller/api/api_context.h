#pragma once

#include <cstdint>
#include <string>

#include "common/clock/clock.h"
#include "common/http/http_server.h"
#include "common/log/logger.h"
#include "common/status/status.h"
#include "controller/api/publisher.h"
#include "controller/api/router.h"
#include "controller/enrollment/broker_identities.h"
#include "controller/store/store.h"

namespace ferry::controller::api {

// What every route handler shares. The references outlive the API (the service owns them).
struct ApiContext {
  store::Store& store;
  AgentPublisher& publisher;
  const Clock& clock;
  Logger logger;
  enrollment::BrokerIdentities& identities;
  std::string agentsBrokerUrl;  // what enrolled agents are told to connect to

  // A non-ok store Status as a problem response; server-side failures are logged with the
  // route, because the response hides their details.
  http::HttpResponse storeError(const ApiRequest& req, const Status& status) const;
  std::int64_t nowMs() const;
};

// Each resource family registers its routes (one file each).
void addAgentRoutes(Router& router, const ApiContext& ctx);
void addResourceRoutes(Router& router, const ApiContext& ctx);
void addIntegrationRoutes(Router& router, const ApiContext& ctx);
void addDeploymentRoutes(Router& router, const ApiContext& ctx);
void addRunRoutes(Router& router, const ApiContext& ctx);
void addErrorRoutes(Router& router, const ApiContext& ctx);
void addCommandRoutes(Router& router, const ApiContext& ctx);
void addEnrollRoutes(Router& router, const ApiContext& ctx);

}  // namespace ferry::controller::api
