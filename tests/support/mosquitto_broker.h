#pragma once

#include <memory>
#include <string>

#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"
#include "tests/support/tls_files.h"

namespace ferry::testing {

// A real mosquitto on free loopback ports, configured by the test, in its own temp dir.
// Stopped (SIGKILL) when destroyed.
class MosquittoBroker {
 public:
  struct Options {
    // Appended to every listener block (per_listener_settings is on), e.g. "password_file …".
    std::string extraConfig = "allow_anonymous true\n";
    // Settings for the whole broker (a plugin, allow_anonymous false); when set, listeners
    // share them (per_listener_settings false) instead of each carrying extraConfig's.
    std::string globalConfig;
    // Also a plain WebSockets listener (ws://).
    bool websockets = false;
    // Also a WebSockets listener over TLS (wss://), with a CA and a server certificate made
    // for this broker (SAN DNS:localhost, IP:127.0.0.1); clients trust tls().caFile.
    bool websocketsTls = false;
  };

  // `extraConfig` is appended to the listener block (e.g. "password_file …").
  explicit MosquittoBroker(std::string extraConfig = "allow_anonymous true\n");
  explicit MosquittoBroker(Options options);
  ~MosquittoBroker();

  int port() const { return port_; }
  std::string url() const { return "tcp://127.0.0.1:" + std::to_string(port_); }
  // 0 and "" unless Options::websockets.
  int wsPort() const { return wsPort_; }
  std::string wsUrl() const;
  // 0 and "" unless Options::websocketsTls.
  int wssPort() const { return wssPort_; }
  std::string wssUrl() const;
  // The broker's TLS files (empty unless Options::websocketsTls).
  const TlsFiles& tls() const { return tls_; }
  const TempDir& dir() const { return dir_; }

  // Kills the broker (SIGKILL, no chance to save anything) and starts it again on the same
  // ports with the same config. Waits until it accepts connections.
  void restart();
  void kill();
  void start();
  std::string log() const;

 private:
  TempDir dir_;
  int port_;
  int wsPort_ = 0;
  int wssPort_ = 0;
  TlsFiles tls_;
  std::string config_;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace ferry::testing
