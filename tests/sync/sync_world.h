#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "common/json/json.h"
#include "tests/support/mosquitto_broker.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

namespace ferry::testing {

// A reply of the controller's REST API.
struct ApiReply {
  int status = 0;
  ferry::Json body;
};

// A real ferry-controller process (API on a free loopback port, store SQLite in its state
// directory unless a store URL is given) connected to a broker.
class ControllerProcess {
 public:
  ControllerProcess(const TempDir& dir, std::string name, std::string brokerUrl,
                    std::string storeUrl = "");
  ~ControllerProcess();

  // An environment variable for the next start() (e.g. FERRY_MQTT_VERSION).
  void setEnv(const std::string& name, const std::string& value) { env_[name] = value; }
  // ferry-controller secret set NAME in this controller's state directory.
  void setSecret(const std::string& name, const std::string& value) const;

  void start();  // waits until the API answers and the link is connected
  void kill();   // SIGKILL
  void stop();   // SIGTERM, waits for exit 0

  ApiReply call(const std::string& method, const std::string& path,
                const ferry::Json& body = nullptr) const;
  ApiReply get(const std::string& path) const { return call("GET", path); }
  // The /metrics text.
  std::string metrics() const;
  // A counter's value summed over its labels (0 when absent).
  double counter(const std::string& name) const;

  // ferry-controller deploy FILE against this controller; returns its output, fails the test
  // when it exits non-zero.
  std::string deploy(const std::string& definitionsFile) const;
  void createAgent(const std::string& id) const;
  // Creates the agent and returns its one-time enrollment token.
  std::string createAgentForEnrollment(const std::string& id) const;
  // --config FILE for the next start().
  void setConfigFile(const std::string& path) { configFile_ = path; }

  const std::string& stateDir() const { return stateDir_; }
  std::string sqlitePath() const { return stateDir_ + "/controller.db"; }
  const std::string& token() const { return token_; }
  int port() const { return port_; }
  std::string log() const;
  bool running() const { return process_ != nullptr; }

 private:
  const TempDir& dir_;
  std::string name_;
  std::string brokerUrl_;
  std::string storeUrl_;
  std::map<std::string, std::string> env_;
  std::string configFile_;
  std::string stateDir_;
  std::string logDir_;
  std::string token_;
  int port_ = 0;
  std::unique_ptr<ChildProcess> process_;
  std::string previousLogs_;
};

// A real ferry-agent process in service mode with an identity (agentId, mqtt.url).
class AgentProcess {
 public:
  AgentProcess(const TempDir& dir, std::string agentId, std::string brokerUrl,
               std::map<std::string, std::string> env = {});
  ~AgentProcess();

  void start();  // waits until the link is connected
  void kill();   // SIGKILL
  void stop();   // SIGTERM, waits for exit 0
  // Start with the identity `enroll` wrote instead of FERRY_AGENT_ID and FERRY_MQTT_URL.
  void useEnrolledIdentity() { enrolled_ = true; }
  // A new state directory: a new queue id, so a new epoch.
  void useFreshStateDir();

  const std::string& stateDir() const { return stateDir_; }
  // Events waiting in the outbox (not yet acknowledged).
  long long outboxBacklog() const;
  long long outboxLastSeq() const;
  std::string epoch() const;  // the state's queue id
  std::string log() const;
  bool running() const { return process_ != nullptr; }

 private:
  const TempDir& dir_;
  std::string agentId_;
  std::string brokerUrl_;
  std::map<std::string, std::string> env_;
  std::string stateDir_;
  std::string logDir_;
  int generation_ = 0;
  bool enrolled_ = false;
  std::unique_ptr<ChildProcess> process_;
  std::string previousLogs_;
};

// One agent's flows: `copy` moves the rows of src.db:src to dst.db:dst (delta on id);
// `rejectFlows` flows `reject-N` each push the rows of src.db:bad into dst.db:refused, whose
// CHECK refuses every row, so each row is one record.error event per flow (a run announces
// at most 1,000 errors).
struct Flows {
  std::string agent = "a1";
  std::string schedule = "1s";  // "": on demand only
  int rejectFlows = 0;
  int rejectPageSize = 1000;
};
// The definitions file (integration erp) for `flows`, with databases in `dir`.
std::string definitions(const TempDir& dir, const Flows& flows);
// src.db with `rows` rows in src and an empty bad; dst.db with empty dst and refused.
void createDatabases(const TempDir& dir, int rows);
long long dstRows(const TempDir& dir);

// Polls `done` every 100 ms until it holds or `timeout` passes (a deadline for a condition,
// not a performance assertion).
bool waitUntil(const std::function<bool()>& done,
               std::chrono::milliseconds timeout = std::chrono::seconds(60));

// mosquitto_sub on `topic` for `seconds` (retained messages arrive at once): topic → payload,
// the last one per topic.
std::map<std::string, std::string> retainedMessages(int port, const std::string& topic,
                                                    int seconds = 2);
// mosquitto_pub of one message (QoS 1).
void publishRaw(int port, const std::string& topic, const std::string& payload,
                bool retained = false);

}  // namespace ferry::testing
