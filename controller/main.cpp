#include "controller/cli/controller_commands.h"

int main(int argc, char** argv, char** envp) {
  return ferry::controller::controllerMain(argc, argv, envp);
}
