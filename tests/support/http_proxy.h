#pragma once

#include <memory>
#include <string>
#include <vector>

#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

namespace ferry::testing {

// A real HTTP CONNECT proxy (Debian's tinyproxy) on a free loopback port, in the foreground,
// with a config and a log file in its own temp dir. Stopped (SIGKILL) when destroyed.
// Tests read its log to prove that a connection really went through it.
class HttpProxy {
 public:
  struct Options {
    // BasicAuth credentials; empty user: no authentication. tinyproxy accepts only
    // [-a-z0-9._]+ here (anything else is a syntax error in its config).
    std::string user;
    std::string password;
    // The only ports CONNECT may reach; tinyproxy allows every port when none is listed.
    std::vector<int> connectPorts;
  };

  explicit HttpProxy(Options options);
  ~HttpProxy();
  HttpProxy(const HttpProxy&) = delete;
  HttpProxy& operator=(const HttpProxy&) = delete;

  int port() const { return port_; }
  // http://[user:password@]127.0.0.1:port, with the configured credentials.
  std::string url() const;
  // The same address with other credentials (e.g. wrong ones).
  std::string urlWithCredentials(const std::string& user, const std::string& password) const;

  // How many CONNECT requests for 127.0.0.1:<targetPort> the proxy received, accepted or not.
  int connectRequests(int targetPort) const;
  // How many of them it accepted and opened a connection to 127.0.0.1:<targetPort> for
  // (logged only after the credentials and the port were accepted).
  int tunnelsOpened(int targetPort) const;
  // tinyproxy's log file, for failure messages.
  std::string log() const;

 private:
  int count(const std::string& needle) const;

  TempDir dir_;
  Options options_;
  int port_;
  std::string logFile_;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace ferry::testing
