#pragma once

#include <string>

#include "common/json/json.h"
#include "common/secrets/secret_store.h"
#include "common/status/result.h"

namespace ferry::agent::connectors {

// Returns `settings` with every {"$secret": name} object replaced by the secret's value.
// kNotFound / kFailedPrecondition name the secret and where it was referenced
// ("connection erp: /password: secret \"erp-db-password\" is not set"); the value never
// appears in a Status. `where` names the resource for the message.
Result<ferry::Json> resolveSecrets(const ferry::Json& settings,
                                   const secrets::SecretResolver* resolver,
                                   const std::string& where);

}  // namespace ferry::agent::connectors
