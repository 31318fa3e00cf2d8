#pragma once

#include <memory>
#include <string>

#include "common/config/controller_config.h"
#include "common/status/result.h"
#include "controller/store/store.h"

namespace ferry::controller::api {

// Opens (and migrates) the store the config's `store` URL names, SQLite in `stateDir` by
// default. A PostgreSQL password named by the URL's passwordSecret is read from the
// controller's own secret store in `stateDir`. Creates the state directory if missing.
// With `migrate` false the schema is left as it is (`ferry-controller migrate` reports what
// it applies itself).
Result<std::unique_ptr<store::Store>> openControllerStore(const config::ControllerConfig& cfg,
                                                          const std::string& stateDir,
                                                          bool migrate = true);

// The value of secret `name` in the controller's secret store (systemd credentials
// included); the error names the secret and how to set it.
Result<std::string> resolveControllerSecret(const std::string& stateDir, const std::string& name);

}  // namespace ferry::controller::api
