#pragma once

#include "common/cli/program.h"

namespace ferry::secrets {

// `secret set NAME` (value from stdin, never argv; prompted without echo on a terminal),
// `secret list` (names only) and `secret delete NAME` on the invocation's state directory.
// Shared by ferry-agent and ferry-controller. Returns the exit status.
int secretCommand(cli::Invocation& inv);

}  // namespace ferry::secrets
