#pragma once

#include "common/cli/program.h"

namespace ferry::agent {

// Service mode: prepares the state directory, serves /metrics, and runs until SIGTERM or
// SIGINT; SIGHUP re-reads the config. Returns the exit status.
int runAgentService(cli::Invocation& inv);

}  // namespace ferry::agent
