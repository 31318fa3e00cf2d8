#pragma once

#include "common/cli/program.h"

namespace ferry::controller {

// The command-line surface of ferry-controller (DESIGN.md, "Command-line surface").
const cli::ProgramSpec& controllerProgram();

int controllerMain(int argc, char** argv, char** envp);

}  // namespace ferry::controller
