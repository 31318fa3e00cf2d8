#pragma once

#include "common/cli/program.h"

namespace ferry::controller::api {

// `token create --name N` (prints the new API token once; the store keeps its SHA-256),
// `token list` (names, created, last used) and `token delete NAME`, on the store of the
// invocation's config and state directory. Returns the exit status.
int tokenCommand(cli::Invocation& inv);

}  // namespace ferry::controller::api
