#include "tests/support/http_proxy.h"

#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace ferry::testing {

namespace {

const char* const kTinyproxy = "/usr/bin/tinyproxy";

}  // namespace

HttpProxy::HttpProxy(Options options) : options_(std::move(options)), port_(freeTcpPort()) {
  if (!std::filesystem::exists(kTinyproxy)) {
    throw std::runtime_error("tinyproxy is not installed (scripts/deps.sh installs it)");
  }
  logFile_ = dir_.file("tinyproxy.log");
  std::string config = "Port " + std::to_string(port_) +
                       "\nListen 127.0.0.1\nAllow 127.0.0.1\nTimeout 60\nMaxClients 20\n"
                       "DisableViaHeader Yes\nLogLevel Info\nLogFile \"" +
                       logFile_ + "\"\n";
  // Started as root, tinyproxy switches to the configured user and only then creates its
  // log file: that user must be able to write into the temp dir.
  if (::geteuid() == 0 && ::getpwnam("tinyproxy")) {
    config += "User tinyproxy\nGroup tinyproxy\n";
    std::filesystem::permissions(dir_.path(), std::filesystem::perms::all);
  }
  if (!options_.user.empty()) {
    config += "BasicAuth " + options_.user + " " + options_.password + "\n";
  }
  for (int p : options_.connectPorts) config += "ConnectPort " + std::to_string(p) + "\n";
  std::string configFile = dir_.write("tinyproxy.conf", config);
  // -d: stay in the foreground, so the child's pid is the proxy's and SIGKILL stops it.
  process_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{kTinyproxy, "-d", "-c", configFile}, dir_.path());
  for (int i = 0; i < 400; ++i) {
    if (tcpAccepting(port_)) return;
    if (process_->wait(std::chrono::milliseconds(0))) {
      throw std::runtime_error("tinyproxy exited: " + process_->stderrText() + log());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  throw std::runtime_error("tinyproxy did not listen on port " + std::to_string(port_) + ": " +
                           log());
}

HttpProxy::~HttpProxy() {
  process_->signal(SIGKILL);
  process_->wait(std::chrono::seconds(10));
}

std::string HttpProxy::url() const {
  if (options_.user.empty()) return "http://127.0.0.1:" + std::to_string(port_);
  return urlWithCredentials(options_.user, options_.password);
}

std::string HttpProxy::urlWithCredentials(const std::string& user,
                                          const std::string& password) const {
  return "http://" + user + ":" + password + "@127.0.0.1:" + std::to_string(port_);
}

// The port is followed by a space or a newline in both lines, so 1883 never counts 18830.
int HttpProxy::connectRequests(int targetPort) const {
  return count("CONNECT 127.0.0.1:" + std::to_string(targetPort) + " HTTP/");
}

int HttpProxy::tunnelsOpened(int targetPort) const {
  return count("opensock: opening connection to 127.0.0.1:" + std::to_string(targetPort) + "\n");
}

std::string HttpProxy::log() const {
  std::ifstream in(logFile_);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

int HttpProxy::count(const std::string& needle) const {
  const std::string text = log();
  int n = 0;
  for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
  return n;
}

}  // namespace ferry::testing
