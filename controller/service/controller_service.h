#pragma once

#include "common/cli/program.h"

namespace ferry::controller {

// Service mode: serves the HTTP API until SIGTERM or SIGINT. Returns the exit status.
int runControllerService(cli::Invocation& inv);

}  // namespace ferry::controller
