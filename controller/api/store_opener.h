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
Result<std::unique_ptr<store::Store>> openControllerStore(const config::ControllerConfig& cfg,
                                                          const std::string& stateDir);

}  // namespace ferry::controller::api
