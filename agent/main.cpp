#include "agent/cli/agent_commands.h"
#include "agent/runtime/allocator_tuning.h"

int main(int argc, char** argv, char** envp) {
  ferry::agent::runtime::tuneAllocatorForRecords();
  return ferry::agent::agentMain(argc, argv, envp);
}
