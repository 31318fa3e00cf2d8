#pragma once

#include <sys/types.h>

#include <cstdint>
#include <memory>
#include <string>

#include "common/http/json_client.h"
#include "common/json/json.h"
#include "tests/support/subprocess.h"

namespace ferry::bench {

// CPU seconds (user + system) a process has used so far, from /proc/PID/stat.
double cpuSecondsOf(pid_t pid);

// A real mosquitto on a free loopback port with the benchmark's config: queues and
// inflight windows raised so the broker never drops a QoS 1 message (its defaults do,
// TOOLCHAIN.md §8), the same for the baseline and the controller. Killed when destroyed.
// No `set_tcp_nodelay`: neither the production config nor Paho sets TCP_NODELAY.
class Mosquitto {
 public:
  explicit Mosquitto(const std::string& dir);
  ~Mosquitto();
  std::string url() const { return "tcp://127.0.0.1:" + std::to_string(port_); }
  pid_t pid() const { return process_->pid(); }
  // The lines of the config that raise mosquitto's limits, for the report.
  static const char* kTuning;

 private:
  int port_;
  std::unique_ptr<testing::ChildProcess> process_;
};

// The real ferry-controller: SQLite store (the default, synchronous=FULL) in its state
// directory, debug log (its "events stored" lines give each batch's size and time), REST
// API on a free loopback port with a bearer token made by `ferry-controller token create`.
// Stopped with SIGTERM when destroyed.
class Controller {
 public:
  Controller(const std::string& bin, const std::string& dir, const std::string& brokerUrl);
  ~Controller();

  // Dies on a transport error; the status is the caller's to check.
  http::JsonReply call(const std::string& method, const std::string& path,
                       const ferry::Json& body = nullptr);
  // Dies unless the API answers 2xx.
  ferry::Json callOk(const std::string& method, const std::string& path,
                     const ferry::Json& body = nullptr);

  struct IngestLog {
    std::int64_t batches = 0;
    std::int64_t events = 0;
    std::int64_t ms = 0;  // in Store::ingestEvents (one transaction a batch), acks not included
  };
  // Sums of every "events stored" line logged so far.
  IngestLog ingestLog() const;
  // Rows of events_seen (every event stored once).
  long long storedEvents() const;
  pid_t pid() const { return process_->pid(); }

 private:
  std::string dir_;
  std::string stateDir_;
  std::unique_ptr<testing::ChildProcess> process_;
  std::unique_ptr<http::JsonClient> client_;
};

}  // namespace ferry::bench
