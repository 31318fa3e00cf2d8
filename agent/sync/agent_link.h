#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>

#include "agent/queue/outbox.h"
#include "agent/sync/command_journal.h"
#include "agent/sync/desired_state.h"
#include "common/json/json.h"
#include "common/log/logger.h"
#include "common/mqtt/mqtt_transport.h"
#include "common/protocol/messages.h"
#include "common/retry/retry_policy.h"

namespace ferry::agent::sync {

// What the link needs from the rest of the agent. Called on the link's thread only.
class AgentLinkHandler {
 public:
  virtual ~AgentLinkHandler() = default;
  // Replaces the running definitions; running flows finish their page first. An error
  // (a listener route that cannot be served, …) rejects the version.
  virtual Status applyDefinitions(std::shared_ptr<const model::Definitions> definitions) = 0;
  // Runs a command (run-flow, retry-errors, resolve-errors, pause-flow, resume-flow).
  virtual CommandJournal::Answer runCommand(const protocol::CommandMessage& command) = 0;
  // The runtime's part of `stats`: queueDepth and flows {id: {watermarkLagSeconds,
  // lastRunState}}; the link adds the outbox figures.
  virtual ferry::Json runtimeStats() = 0;
  // `flows` of `reported`: per flow its state (active, paused) and last run.
  virtual ferry::Json flowsReport() = 0;
};

// The agent's side of DESIGN.md "Agent ↔ controller protocol": one thread owns the MQTT
// transport, reconnects with backoff (a fresh will and session each time), publishes
// `online` and `reported` on every connect, forwards the outbox in order (QoS 1) and
// deletes events only when an ack of this epoch covers them, re-sends what is not acked
// after a timeout and on every reconnect, applies `desired` documents, answers `commands`,
// and puts a heartbeat into the outbox every heartbeat period.
class AgentLink {
 public:
  struct Options {
    std::string agentId;
    std::string epoch;  // the state directory's queue id
    std::string agentVersion;
    // url, version, credentials, TLS, proxy, keep-alive; clientId and will are set here.
    mqtt::ConnectOptions connect;
    std::chrono::seconds heartbeat{60};
    std::chrono::milliseconds resendAfter{std::chrono::seconds(10)};
    std::size_t maxInFlight = 1000;  // events published and not yet acknowledged
    retry::RetryPolicy::Options reconnect{std::chrono::milliseconds(500), std::chrono::seconds(30)};
  };

  AgentLink(Options options, std::unique_ptr<mqtt::MqttTransport> transport, queue::Outbox& outbox,
            DesiredState& desired, CommandJournal& journal, AgentLinkHandler& handler,
            Logger logger);
  ~AgentLink();
  AgentLink(const AgentLink&) = delete;
  AgentLink& operator=(const AgentLink&) = delete;

  void start();
  // Sends what the outbox still holds for up to `drain` (while connected), then publishes
  // `online: false`, disconnects (the broker drops the will) and joins.
  void stop(std::chrono::milliseconds drain = std::chrono::milliseconds(0));

  bool connected() const { return connected_.load(); }

 private:
  void run();
  // Subscribes and publishes the agent's state; an error leaves the transport disconnected.
  Status onConnected();
  void handle(const mqtt::TransportEvent& event);
  void onDesired(const std::string& payload);
  void onAck(const std::string& payload);
  void applyAck();
  void onCommand(const std::string& payload);
  void sendPending();
  void publishReported();
  void pushEvent(const std::string& type, const ferry::Json& body);
  ferry::Json stats();
  mqtt::ConnectOptions connectOptions();
  void logOnce(const std::string& what, const std::string& reason);

  Options options_;
  std::unique_ptr<mqtt::MqttTransport> transport_;
  queue::Outbox& outbox_;
  DesiredState& desired_;
  CommandJournal& journal_;
  AgentLinkHandler& handler_;
  Logger log_;
  std::thread thread_;
  std::atomic<bool> stopping_{false};
  std::atomic<bool> connected_{false};
  std::chrono::steady_clock::time_point drainUntil_{};  // set before stopping_

  // Owned by the link's thread.
  std::int64_t session_ = 0;
  std::uint64_t acked_ = 0;       // every event up to here is stored by the controller
  std::uint64_t pendingAck_ = 0;  // the highest ack received, applied once per turn
  std::uint64_t lastSent_ = 0;    // published in this connection (or before a resend)
  std::chrono::steady_clock::time_point lastAckProgress_{};
  std::chrono::steady_clock::time_point nextHeartbeat_{};
  std::string lastLogged_;
};

}  // namespace ferry::agent::sync
