#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "common/json/json.h"
#include "common/log/logger.h"
#include "common/status/result.h"
#include "controller/api/problem.h"
#include "controller/api/publisher.h"
#include "controller/store/store.h"

namespace ferry::controller::api {

// Deploys an integration: every agent that runs one of its flows (or ran one before the
// deploy) gets a new desired document with version = its latest + 1, holding the flows of
// every integration deployed to it and every resource those flows need, with the current
// versions of all of them (docs/api.md, "Deployments").
class Deployer {
 public:
  Deployer(store::Store& store, AgentPublisher& publisher, Logger logger)
      : store_(store), publisher_(publisher), logger_(std::move(logger)) {}

  struct AgentDeployment {
    std::string agentId;
    std::int64_t version = 0;
    std::size_t resources = 0;
  };
  struct Outcome {
    std::vector<AgentDeployment> deployments;  // empty when problems has entries
    std::vector<FieldProblem> problems;        // why nothing was stored (422)
  };

  // kNotFound when the integration does not exist; store errors as they come. Nothing is
  // stored unless every affected agent's document is valid.
  Result<Outcome> deployIntegration(const std::string& integrationId);

  // Every live resource's document by (kind, id).
  using LiveResources = std::map<std::pair<std::string, std::string>, ferry::Json>;

 private:
  // putDeployment with `doc`; when a concurrent deploy took the version, rebuilds `doc` on
  // the newer document and tries again. Validation problems of a rebuilt document go to
  // `problems` (nothing stored then).
  Result<store::DeploymentRecord> storeDocument(const std::string& agent,
                                                const std::string& integrationId,
                                                const LiveResources& live, ferry::Json& doc,
                                                std::vector<FieldProblem>& problems);

  store::Store& store_;
  AgentPublisher& publisher_;
  Logger logger_;
};

// The integrations a desired document holds (its resources of kind integration).
std::vector<std::string> integrationsIn(const ferry::Json& document);

}  // namespace ferry::controller::api
