#pragma once

#include <sys/types.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace ferry::testing {

struct ProcessResult {
  int exitCode = -1;  // -1 when killed by a signal
  int signal = 0;     // the signal that ended it, 0 if it exited
  std::string out;
  std::string err;
};

// CPU seconds (user + system) this process has used so far.
double selfCpuSeconds();

// Runs argv[0] (a path) to completion with `input` on stdin, capturing stdout and stderr.
// `env` entries are added to (or override) the test's own environment.
ProcessResult runProcess(const std::vector<std::string>& argv, const std::string& input = "",
                         const std::map<std::string, std::string>& env = {});

// A long-running child (a server under test). stderr and stdout go to files in `logDir`
// so tests can read the child's JSON log lines. The destructor kills it (SIGKILL).
class ChildProcess {
 public:
  ChildProcess(const std::vector<std::string>& argv, const std::string& logDir,
               const std::map<std::string, std::string>& env = {});
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }
  void signal(int sig);
  // Waits for exit; nullopt on timeout. Returns the exit code (or 128+signal).
  std::optional<int> wait(std::chrono::milliseconds timeout);
  std::string stderrText() const;
  std::string stdoutText() const;
  // Polls stderr until it contains `needle`; false on timeout.
  bool waitForStderr(const std::string& needle, std::chrono::milliseconds timeout) const;

 private:
  pid_t pid_ = -1;
  bool reaped_ = false;
  std::string outPath_;
  std::string errPath_;
};

}  // namespace ferry::testing
