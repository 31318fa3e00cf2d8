#include "controller/sync/fleet_link.h"

#include "common/mqtt/reconnector.h"
#include "common/protocol/messages.h"
#include "common/protocol/topics.h"
#include "common/secrets/secret_crypto.h"
#include "controller/sync/event_ingest.h"

namespace ferry::controller::sync {

using json = ferry::Json;
using protocol::Leaf;

namespace {

constexpr auto kPollIdle = std::chrono::milliseconds(50);
constexpr std::size_t kMaxLoggedReasons = 1000;
constexpr int kIngestAttempts = 3;

std::int64_t nowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

bool retryable(const Status& st) {
  return st.code() == StatusCode::kUnavailable || st.code() == StatusCode::kAborted;
}

}  // namespace

FleetLink::FleetLink(Options options, std::unique_ptr<mqtt::MqttTransport> transport,
                     store::Store& store, metrics::Registry& registry, Logger logger)
    : options_(std::move(options)),
      transport_(std::move(transport)),
      store_(store),
      log_(std::move(logger)),
      registry_(registry),
      eventsStored_(registry.counter("ferry_controller_events_stored_total",
                                     "Agent events stored for the first time")),
      eventsRepeated_(
          registry.counter("ferry_controller_events_repeated_total",
                           "Agent events received again (re-sent) and re-acknowledged")),
      eventsQuarantined_(registry.counter(
          "ferry_controller_events_quarantined_total",
          "Events with a valid envelope but a malformed body or unknown type, kept aside")),
      acksPublished_(registry.counter("ferry_controller_acks_published_total",
                                      "Acknowledgements published to agents")) {
  if (options_.connect.clientId.empty()) {
    options_.connect.clientId = "ferry-controller-" + secrets::randomHex(6).valueOr("0");
  }
}

FleetLink::~FleetLink() {
  stop();
}

void FleetLink::start() {
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void FleetLink::stop() {
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

void FleetLink::publishDesired(const std::string& agentId, std::int64_t version,
                               const std::string& documentJson) {
  (void)version;  // the document carries it
  {
    std::lock_guard lock(outgoingMutex_);
    outgoing_.push_back({protocol::topicFor(agentId, Leaf::kDesired), documentJson, 1, true});
  }
  transport_->wake();
}

void FleetLink::publishCommand(const store::CommandRecord& command) {
  {
    std::lock_guard lock(outgoingMutex_);
    outgoingCommands_.push_back(command);
  }
  transport_->wake();
}

void FleetLink::run() {
  mqtt::Reconnector reconnector(*transport_, options_.reconnect, log_);
  std::vector<store::IngestEvent> batch;
  while (!stopping_) {
    if (reconnector.connectIfDue([this] { return options_.connect; })) {
      Status set = onConnected();
      if (set.isOk()) {
        reconnector.established();
      } else {
        reconnector.setupFailed(set.message());
      }
    }
    connected_ = transport_->connected();
    if (connected_) drainOutgoing();

    auto wait = connected_ ? kPollIdle
                           : std::clamp(reconnector.untilNextAttempt(),
                                        std::chrono::milliseconds(1), kPollIdle);
    auto event = transport_->poll(wait);
    while (event) {
      if (event->kind == mqtt::TransportEvent::Kind::kConnectionLost) {
        reconnector.lost(event->reason);
        connected_ = false;
      } else if (event->kind == mqtt::TransportEvent::Kind::kWake) {
        if (transport_->connected()) drainOutgoing();  // a deploy or command waits
      } else {
        handle(event->message, batch);
      }
      if (batch.size() >= options_.maxBatch) break;
      event = transport_->poll(std::chrono::milliseconds(0));
    }
    if (!batch.empty()) ingest(batch);
  }
  transport_->disconnect();
  connected_ = false;
}

Status FleetLink::onConnected() {
  Status st = transport_->subscribe({{protocol::allAgentsFilter(Leaf::kOnline), 1},
                                     {protocol::allAgentsFilter(Leaf::kReported), 1},
                                     {std::string(protocol::kSharedEventsFilter), 1}});
  if (!st.isOk()) {
    transport_->disconnect();
    return st.withContext("subscriptions refused; check the controller's broker identity");
  }
  // Retained state may be lost with the broker: every agent's latest document goes again.
  auto deployments = store_.latestDeployments();
  if (!deployments) {
    log_.warning("desired documents not re-published", {{"error", deployments.status().message()}});
  } else {
    for (const auto& d : *deployments) sendDesired(d.agentId, d.document);
    log_.info("desired documents published",
              {{"agents", static_cast<std::int64_t>(deployments->size())}});
  }
  auto agents = store_.listAgents();
  if (agents) {
    for (const auto& a : *agents) {
      if (a.online) sendCommands(a.id);
    }
  }
  return Status::ok();
}

void FleetLink::drainOutgoing() {
  std::deque<mqtt::Message> messages;
  std::deque<store::CommandRecord> commands;
  {
    std::lock_guard lock(outgoingMutex_);
    messages.swap(outgoing_);
    commands.swap(outgoingCommands_);
  }
  for (const auto& m : messages) {
    Status st = transport_->publish(m, /*waitForAck=*/false);
    // Lost with the connection: the reconnect re-publishes every latest document.
    if (!st.isOk())
      log_.debug("desired not published", {{"topic", m.topic}, {"error", st.message()}});
  }
  for (const auto& c : commands) sendCommand(c);
}

void FleetLink::handle(const mqtt::Message& m, std::vector<store::IngestEvent>& batch) {
  auto topic = protocol::parseTopic(m.topic);
  if (!topic) {
    malformed("topic", "message on an unknown topic");
    return;
  }
  switch (topic->leaf) {
    case Leaf::kOnline: onOnline(topic->agentId, m.payload); return;
    case Leaf::kReported: onReported(topic->agentId, m.payload); return;
    case Leaf::kEvents: {
      if (!knownAgent(topic->agentId)) {
        // Not stored, not acknowledged: an agent the admin never created (or deleted).
        malformed("events", "unknown agent '" + topic->agentId + "'");
        return;
      }
      auto envelope = protocol::parseEventEnvelope(m.payload, topic->agentId);
      if (!envelope) {
        malformed("events", envelope.status().message());
        return;
      }
      auto e = toIngestEvent(*envelope, nowMillis());
      if (auto* run = std::get_if<store::RunUpdate>(&e.effect);
          run != nullptr && run->kind == store::RunUpdate::Kind::kStarted) {
        run->integration = integrationOf(run->flowId);
      }
      batch.push_back(std::move(e));
      return;
    }
    default:
      malformed(std::string(protocol::leafName(topic->leaf)),
                "message on a topic agents do not publish");
      return;
  }
}

void FleetLink::onOnline(const std::string& agentId, const std::string& payload) {
  if (payload.empty()) return;  // a cleared retained message
  auto m = protocol::parseOnline(payload);
  if (!m) {
    malformed("online", m.status().message());
    return;
  }
  auto changed = store_.updateOnline({agentId, m->online, m->epoch, m->session, 0});
  if (!changed) {
    if (changed.status().code() == StatusCode::kNotFound) {
      malformed("online", "unknown agent '" + agentId + "'");
    } else {
      log_.warning("online state not stored",
                   {{"agent", agentId}, {"error", changed.status().message()}});
    }
    return;
  }
  if (!*changed) return;  // a late will of an older session
  log_.info(m->online ? "agent online" : "agent offline",
            {{"agent", agentId}, {"epoch", m->epoch}, {"session", m->session}});
  if (m->online) sendCommands(agentId);
}

void FleetLink::onReported(const std::string& agentId, const std::string& payload) {
  if (payload.empty()) return;
  auto r = protocol::parseReported(payload);
  if (!r) {
    malformed("reported", r.status().message());
    return;
  }
  store::ReportedUpdate u;
  u.agentId = agentId;
  u.json = payload;
  u.appliedVersion = r->appliedVersion;
  u.rejectedVersion = r->rejectedVersion;
  u.error = r->error;
  u.agentVersion = r->agentVersion;
  u.stats = agentStatsFrom(r->stats);
  Status st = store_.updateReported(u);
  if (!st.isOk()) {
    if (st.code() == StatusCode::kNotFound) {
      malformed("reported", "unknown agent '" + agentId + "'");
    } else {
      log_.warning("reported state not stored", {{"agent", agentId}, {"error", st.message()}});
    }
    return;
  }
  auto latest = store_.latestDeployment(agentId);
  if (!latest) return;  // nothing deployed to it (kNotFound) or a store hiccup
  if (latest->version != r->appliedVersion && latest->version != r->rejectedVersion) {
    sendDesired(agentId, latest->document);
  }
}

void FleetLink::ingest(std::vector<store::IngestEvent>& batch) {
  const auto started = std::chrono::steady_clock::now();
  Result<store::IngestResult> stored = Status::unavailable("not tried");
  for (int attempt = 0; attempt < kIngestAttempts && !stopping_; ++attempt) {
    stored = store_.ingestEvents(batch);
    if (stored || !retryable(stored.status())) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(50 << attempt));
  }
  if (!stored) {
    // Not acknowledged, so the agents send the events again after their timeout.
    log_.error("events not stored", {{"events", static_cast<std::int64_t>(batch.size())},
                                     {"error", stored.status().message()}});
    batch.clear();
    return;
  }
  for (std::size_t i = 0; i < batch.size(); ++i) {
    if (!stored->fresh[i]) {
      eventsRepeated_.inc();
    } else if (std::holds_alternative<store::Quarantine>(batch[i].effect)) {
      eventsQuarantined_.inc();
      log_.warning("event quarantined",
                   {{"agent", batch[i].key.agentId},
                    {"seq", static_cast<std::int64_t>(batch[i].key.seq)},
                    {"type", batch[i].type},
                    {"reason", std::get<store::Quarantine>(batch[i].effect).reason}});
    } else {
      eventsStored_.inc();
    }
  }
  log_.debug(
      "events stored",
      {{"events", static_cast<std::int64_t>(batch.size())},
       {"ms", static_cast<std::int64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                            std::chrono::steady_clock::now() - started)
                                            .count())}});
  batch.clear();
  for (const auto& p : stored->prefixes) {
    if (p.upTo == 0) continue;
    Status st =
        transport_->publish({protocol::topicFor(p.agentId, Leaf::kAcks),
                             protocol::serialize(protocol::AckMessage{p.epoch, p.upTo}), 1, true},
                            /*waitForAck=*/false);
    if (st.isOk()) acksPublished_.inc();
  }
}

void FleetLink::sendDesired(const std::string& agentId, const std::string& documentJson) {
  Status st =
      transport_->publish({protocol::topicFor(agentId, Leaf::kDesired), documentJson, 1, true},
                          /*waitForAck=*/false);
  if (!st.isOk())
    log_.debug("desired not published", {{"agent", agentId}, {"error", st.message()}});
}

void FleetLink::sendCommands(const std::string& agentId) {
  auto commands = store_.listUnansweredCommands(agentId);
  if (!commands) {
    log_.warning("commands not re-published",
                 {{"agent", agentId}, {"error", commands.status().message()}});
    return;
  }
  for (const auto& c : *commands) sendCommand(c);
}

void FleetLink::sendCommand(const store::CommandRecord& c) {
  json args = json::parse(c.payload, nullptr, false);
  if (args.is_discarded()) args = json::object();
  Status st = transport_->publish(
      {protocol::topicFor(c.agentId, Leaf::kCommands),
       protocol::serialize(protocol::CommandMessage{c.commandId, c.type, args}), 1, false},
      /*waitForAck=*/false);
  if (!st.isOk()) return;  // published again when the agent next comes online
  if (c.state == store::CommandState::kPending) {
    Status marked = store_.markCommandSent(c.commandId);
    if (!marked.isOk()) log_.debug("command not marked sent", {{"error", marked.message()}});
  }
}

bool FleetLink::knownAgent(const std::string& agentId) {
  // Forgotten every minute, so a deleted agent's events stop being stored soon after.
  const auto now = std::chrono::steady_clock::now();
  if (now >= knownAgentsUntil_) {
    knownAgents_.clear();
    knownAgentsUntil_ = now + std::chrono::minutes(1);
  }
  if (knownAgents_.count(agentId) != 0) return true;
  auto agent = store_.getAgent(agentId);
  if (agent) {
    knownAgents_.insert(agentId);
    return true;
  }
  // A store hiccup is not an unknown agent: the event is taken and the store decides.
  return agent.status().code() != StatusCode::kNotFound;
}

std::string FleetLink::integrationOf(const std::string& flowId) {
  // One read per run start (not per event): runs start far less often than events arrive.
  if (flowId.empty()) return "";
  auto flow = store_.getResource("flow", flowId);
  return flow ? flow->integration : "";
}

void FleetLink::malformed(const std::string& leaf, const std::string& reason) {
  registry_
      .counter("ferry_controller_mqtt_malformed_total",
               "MQTT payloads refused (no valid envelope, unknown agent or topic)",
               {{"topic", leaf}})
      .inc();
  if (loggedReasons_.size() < kMaxLoggedReasons && loggedReasons_.insert(leaf + reason).second) {
    log_.warning("malformed MQTT payload ignored (logged once per reason)",
                 {{"topic", leaf}, {"reason", reason}});
  }
}

}  // namespace ferry::controller::sync
