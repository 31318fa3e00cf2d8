#include "bench/ingest/bench_support.h"

#include <signal.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <vector>

namespace ferry::bench {

namespace {

struct Leftovers {
  std::mutex mu;
  std::vector<pid_t> pids;  // guarded by mu
  std::string dir;          // guarded by mu
};

Leftovers& leftovers() {
  static Leftovers l;
  return l;
}

}  // namespace

void die(const std::string& what) {
  std::fprintf(stderr, "bench_ingest: %s\n", what.c_str());
  {
    Leftovers& l = leftovers();
    std::lock_guard lock(l.mu);
    for (pid_t pid : l.pids) ::kill(pid, SIGKILL);
    std::error_code ignored;
    if (!l.dir.empty()) std::filesystem::remove_all(l.dir, ignored);
  }
  // _Exit: die() may run on a Paho thread, and exit()'s destructors would race the others.
  std::fflush(nullptr);
  std::_Exit(1);
}

void killOnExit(pid_t pid) {
  Leftovers& l = leftovers();
  std::lock_guard lock(l.mu);
  l.pids.push_back(pid);
}

void forgetOnExit(pid_t pid) {
  Leftovers& l = leftovers();
  std::lock_guard lock(l.mu);
  l.pids.erase(std::remove(l.pids.begin(), l.pids.end(), pid), l.pids.end());
}

void removeOnExit(const std::string& dir) {
  Leftovers& l = leftovers();
  std::lock_guard lock(l.mu);
  l.dir = dir;
}

}  // namespace ferry::bench
