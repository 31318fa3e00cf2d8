#pragma once

#include "common/cli/program.h"

namespace ferry::agent {

// ferry-agent enroll --controller URL --token T [--ca FILE]: trades the one-time enrollment
// token for the agent's broker URL and identity; the password goes to the secret store and
// the rest to the identity file (0600).
int enrollCommand(cli::Invocation& inv);

}  // namespace ferry::agent
