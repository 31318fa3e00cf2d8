#include "agent/cli/agent_commands.h"

int main(int argc, char** argv, char** envp) {
  return ferry::agent::agentMain(argc, argv, envp);
}
