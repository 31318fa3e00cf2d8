#pragma once

#include "common/cli/program.h"

namespace ferry::agent {

// The command-line surface of ferry-agent (DESIGN.md, "Command-line surface").
const cli::ProgramSpec& agentProgram();

// main(): dispatches argv to the handlers of the commands built so far.
int agentMain(int argc, char** argv, char** envp);

}  // namespace ferry::agent
