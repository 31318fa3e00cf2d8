#pragma once

#include "common/cli/program.h"

namespace ferry::agent {

// `ferry-agent status [--json]`: each flow of the configured definitions with its schedule,
// last run (state, when, counts), next scheduled run and queue lag; then the queue's size,
// the outbox backlog and the open error count. Reads the state directory only (safe while
// the service runs). Exit 1 when the state directory cannot be read.
int statusCommand(cli::Invocation& invocation);

}  // namespace ferry::agent
