#include "tests/support/mosquitto_broker.h"

#include <signal.h>

#include <filesystem>
#include <stdexcept>
#include <thread>

namespace ferry::testing {

namespace {

std::string mosquittoBinary() {
  for (const char* p : {"/usr/sbin/mosquitto", "/usr/bin/mosquitto"}) {
    if (std::filesystem::exists(p)) return p;
  }
  throw std::runtime_error("mosquitto is not installed (scripts/deps.sh installs it)");
}

// mosquitto binds a WebSockets listener to every interface unless told the socket domain:
// the address on the listener line is ignored for them (TOOLCHAIN.md §9).
std::string websocketsListener(int port) {
  return "listener " + std::to_string(port) +
         " 127.0.0.1\nsocket_domain ipv4\nprotocol websockets\n";
}

MosquittoBroker::Options tcpOnly(std::string extraConfig) {
  MosquittoBroker::Options o;
  o.extraConfig = std::move(extraConfig);
  return o;
}

}  // namespace

MosquittoBroker::MosquittoBroker(std::string extraConfig)
    : MosquittoBroker(tcpOnly(std::move(extraConfig))) {}

MosquittoBroker::MosquittoBroker(Options options) : port_(freeTcpPort()) {
  // The broker drops to user mosquitto when started as root: it must read its config.
  std::filesystem::permissions(dir_.path(), std::filesystem::perms::all);
  // The plain tcp listener stays first: mosquitto refuses to start with WebSockets only.
  std::string config =
      (options.globalConfig.empty() ? "per_listener_settings true\n"
                                    : "per_listener_settings false\n" + options.globalConfig) +
      "persistence false\n"
      "log_dest stderr\nlog_type all\n"
      "listener " +
      std::to_string(port_) + " 127.0.0.1\n" + options.extraConfig;
  // freeTcpPort() releases the port it found, so two calls may return the same one.
  auto anotherPort = [this] {
    int p = freeTcpPort();
    while (p == port_ || p == wsPort_) p = freeTcpPort();
    return p;
  };
  if (options.websockets) {
    wsPort_ = anotherPort();
    config += websocketsListener(wsPort_) + options.extraConfig;
  }
  if (options.websocketsTls) {
    wssPort_ = anotherPort();
    tls_ = makeTlsFiles(dir_.path(), "broker");
    config += websocketsListener(wssPort_) + "cafile " + tls_.caFile + "\ncertfile " +
              tls_.certFile + "\nkeyfile " + tls_.keyFile + "\n" + options.extraConfig;
  }
  config_ = dir_.write("mosquitto.conf", config);
  start();
}

MosquittoBroker::~MosquittoBroker() {
  kill();
}

std::string MosquittoBroker::wsUrl() const {
  return wsPort_ ? "ws://127.0.0.1:" + std::to_string(wsPort_) : "";
}

std::string MosquittoBroker::wssUrl() const {
  return wssPort_ ? "wss://127.0.0.1:" + std::to_string(wssPort_) : "";
}

void MosquittoBroker::start() {
  process_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{mosquittoBinary(), "-c", config_}, dir_.path());
  for (int i = 0; i < 400; ++i) {
    if (tcpAccepting(port_) && (!wsPort_ || tcpAccepting(wsPort_)) &&
        (!wssPort_ || tcpAccepting(wssPort_))) {
      return;
    }
    if (process_->wait(std::chrono::milliseconds(0))) {
      throw std::runtime_error("mosquitto exited: " + process_->stderrText());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  throw std::runtime_error("mosquitto did not listen on port " + std::to_string(port_));
}

void MosquittoBroker::kill() {
  if (!process_) return;
  process_->signal(SIGKILL);
  process_->wait(std::chrono::seconds(10));
  process_.reset();
}

void MosquittoBroker::restart() {
  kill();
  start();
}

std::string MosquittoBroker::log() const {
  return process_ ? process_->stderrText() : "";
}

}  // namespace ferry::testing
