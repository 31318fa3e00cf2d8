#pragma once

#include <memory>
#include <string>

#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

namespace ferry::testing {

// A real mosquitto on a free loopback port, configured by the test, in its own temp dir.
// Stopped (SIGKILL) when destroyed.
class MosquittoBroker {
 public:
  // `extraConfig` is appended to the listener block (e.g. "password_file …").
  explicit MosquittoBroker(std::string extraConfig = "allow_anonymous true\n");
  ~MosquittoBroker();

  int port() const { return port_; }
  std::string url() const { return "tcp://127.0.0.1:" + std::to_string(port_); }
  const TempDir& dir() const { return dir_; }

  // Kills the broker (SIGKILL, no chance to save anything) and starts it again on the same
  // port with the same config. Waits until it accepts connections.
  void restart();
  void kill();
  void start();
  std::string log() const;

 private:
  TempDir dir_;
  int port_;
  std::string config_;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace ferry::testing
