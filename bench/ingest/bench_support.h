#pragma once

#include <sys/types.h>

#include <string>

namespace ferry::bench {

// Ends the benchmark with a message. Child processes registered with killOnExit() are
// killed and the work directory registered with removeOnExit() is removed first, so a
// failed run leaves no broker or controller behind (exit() skips main's destructors).
[[noreturn]] void die(const std::string& what);

void killOnExit(pid_t pid);
void forgetOnExit(pid_t pid);  // the child was stopped normally
void removeOnExit(const std::string& dir);

}  // namespace ferry::bench
