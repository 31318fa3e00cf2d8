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

}  // namespace

MosquittoBroker::MosquittoBroker(std::string extraConfig) : port_(freeTcpPort()) {
  // The broker drops to user mosquitto when started as root: it must read its config.
  std::filesystem::permissions(dir_.path(), std::filesystem::perms::all);
  config_ = dir_.write("mosquitto.conf",
                       "per_listener_settings true\npersistence false\n"
                       "log_dest stderr\nlog_type all\n"
                       "listener " +
                           std::to_string(port_) + " 127.0.0.1\n" + extraConfig);
  start();
}

MosquittoBroker::~MosquittoBroker() {
  kill();
}

void MosquittoBroker::start() {
  process_ = std::make_unique<ChildProcess>(
      std::vector<std::string>{mosquittoBinary(), "-c", config_}, dir_.path());
  for (int i = 0; i < 400; ++i) {
    if (tcpAccepting(port_)) return;
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
