#include "controller/api/store_opener.h"

#include <cstdlib>

#include "common/fs/state_dir.h"
#include "common/secrets/secret_store.h"

namespace ferry::controller::api {

Result<std::string> resolveControllerSecret(const std::string& stateDir, const std::string& name) {
  secrets::SecretStore::Options secretOptions;
  secretOptions.stateDir = stateDir;
  if (const char* creds = std::getenv("CREDENTIALS_DIRECTORY")) {
    secretOptions.credentialsDir = creds;
  }
  auto secrets = secrets::SecretStore::open(secretOptions);
  if (!secrets) return secrets.status();
  return (*secrets)->resolve(name);
}

Result<std::unique_ptr<store::Store>> openControllerStore(const config::ControllerConfig& cfg,
                                                          const std::string& stateDir,
                                                          bool migrate) {
  FERRY_RETURN_IF_ERROR(fs::ensureStateDir(stateDir));
  store::StoreOptions options;
  options.url = cfg.store;
  options.stateDir = stateDir;
  options.migrate = migrate;
  // The secret store is opened only when a password is needed: most controllers use SQLite.
  options.resolvePassword = [stateDir](const std::string& name) -> Result<std::string> {
    if (name.empty()) return Status::notFound("the store URL names no password secret");
    return resolveControllerSecret(stateDir, name);
  };
  return store::openStore(options);
}

}  // namespace ferry::controller::api
