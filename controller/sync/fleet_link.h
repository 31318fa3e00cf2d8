#pragma once

#include <atomic>
#include <chrono>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/log/logger.h"
#include "common/metrics/registry.h"
#include "common/mqtt/mqtt_transport.h"
#include "common/retry/retry_policy.h"
#include "controller/api/publisher.h"
#include "controller/store/store.h"

namespace ferry::controller::sync {

// The controller's side of DESIGN.md "Agent ↔ controller protocol". One thread owns the
// MQTT transport and reconnects with backoff. It subscribes to every agent's `online` and
// `reported` and, through the shared subscription, to `events`, so several replicas on one
// PostgreSQL store split the event load. Events are stored idempotently in batches and
// acknowledged (retained) with the contiguous stored prefix after the commit. Desired
// documents are published on deploy, for every agent on each (re)connect, and when an agent
// reports another version it did not reject; unanswered commands when created and whenever
// their agent comes online. Malformed payloads are counted and logged once per reason.
class FleetLink final : public api::AgentPublisher {
 public:
  struct Options {
    mqtt::ConnectOptions connect;  // clientId "" → ferry-controller-<random>
    std::size_t maxBatch = 1000;   // events stored in one transaction
    retry::RetryPolicy::Options reconnect{std::chrono::milliseconds(500), std::chrono::seconds(30)};
  };

  FleetLink(Options options, std::unique_ptr<mqtt::MqttTransport> transport, store::Store& store,
            metrics::Registry& registry, Logger logger);
  ~FleetLink() override;
  FleetLink(const FleetLink&) = delete;
  FleetLink& operator=(const FleetLink&) = delete;

  void start();
  void stop();
  bool connected() const { return connected_.load(); }

  // AgentPublisher: thread-safe; the link's thread publishes.
  void publishDesired(const std::string& agentId, std::int64_t version,
                      const std::string& documentJson) override;
  void publishCommand(const store::CommandRecord& command) override;

 private:
  void run();
  Status onConnected();
  void drainOutgoing();
  void handle(const mqtt::Message& message, std::vector<store::IngestEvent>& batch);
  void onOnline(const std::string& agentId, const std::string& payload);
  void onReported(const std::string& agentId, const std::string& payload);
  void ingest(std::vector<store::IngestEvent>& batch);
  void sendDesired(const std::string& agentId, const std::string& documentJson);
  void sendCommands(const std::string& agentId);
  void sendCommand(const store::CommandRecord& command);
  std::string integrationOf(const std::string& flowId);
  bool knownAgent(const std::string& agentId);
  void malformed(const std::string& leaf, const std::string& reason);

  Options options_;
  std::unique_ptr<mqtt::MqttTransport> transport_;
  store::Store& store_;
  Logger log_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> connected_{false};

  metrics::Registry& registry_;
  metrics::Counter& eventsStored_;
  metrics::Counter& eventsRepeated_;
  metrics::Counter& eventsQuarantined_;
  metrics::Counter& acksPublished_;

  std::mutex outgoingMutex_;  // guards outgoing_
  std::deque<mqtt::Message> outgoing_;
  std::deque<store::CommandRecord> outgoingCommands_;

  // Owned by the link's thread.
  std::set<std::string> loggedReasons_;
  std::set<std::string> knownAgents_;
  std::chrono::steady_clock::time_point knownAgentsUntil_{};
};

}  // namespace ferry::controller::sync
