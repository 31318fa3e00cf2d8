#include "agent/sync/agent_link.h"

#include "agent/runtime/run_store.h"
#include "common/mqtt/reconnector.h"
#include "common/protocol/topics.h"

namespace ferry::agent::sync {

using json = ferry::Json;
using protocol::Leaf;

namespace {

constexpr std::size_t kSendBatch = 200;
constexpr std::size_t kMaxEventsPerTurn = 1000;  // messages handled before sending again
constexpr auto kPollIdle = std::chrono::milliseconds(50);

std::int64_t nowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// The envelope around a stored body, without parsing the body again.
std::string envelope(const std::string& agent, const std::string& epoch,
                     const queue::OutboxEvent& e) {
  const auto ts = runtime::isoTime(
      std::chrono::system_clock::time_point(std::chrono::milliseconds(e.createdAtMillis)));
  std::string out = "{\"agent\":" + json(agent).dump() + ",\"epoch\":" + json(epoch).dump() +
                    ",\"seq\":" + std::to_string(e.seq) + ",\"type\":" + json(e.type).dump() +
                    ",\"ts\":" + json(ts).dump() + ",\"body\":";
  out += e.body.empty() ? "{}" : e.body;
  out += '}';
  return out;
}

}  // namespace

AgentLink::AgentLink(Options options, std::unique_ptr<mqtt::MqttTransport> transport,
                     queue::Outbox& outbox, DesiredState& desired, CommandJournal& journal,
                     AgentLinkHandler& handler, Logger logger)
    : options_(std::move(options)),
      transport_(std::move(transport)),
      outbox_(outbox),
      desired_(desired),
      journal_(journal),
      handler_(handler),
      log_(std::move(logger)) {}

AgentLink::~AgentLink() {
  stop();
}

void AgentLink::start() {
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { run(); });
}

void AgentLink::stop(std::chrono::milliseconds drain) {
  drainUntil_ = std::chrono::steady_clock::now() + drain;
  stopping_ = true;
  if (thread_.joinable()) thread_.join();
}

mqtt::ConnectOptions AgentLink::connectOptions() {
  // A session number per connect, increasing across restarts of the same epoch, so the
  // controller can tell a late will of an old connection from the current one.
  session_ = std::max(session_ + 1, nowMillis());
  mqtt::ConnectOptions o = options_.connect;
  o.clientId = "ferry-agent-" + options_.agentId;
  o.cleanStart = true;  // nothing relies on broker sessions: the outbox and acks do
  o.will = mqtt::Message{
      protocol::topicFor(options_.agentId, Leaf::kOnline),
      protocol::serialize(protocol::OnlineMessage{false, options_.epoch, session_}), 1, true};
  return o;
}

void AgentLink::run() {
  mqtt::Reconnector reconnector(*transport_, options_.reconnect, log_);
  nextHeartbeat_ = std::chrono::steady_clock::now() + options_.heartbeat;
  // After stop(): go on while connected, within the drain time, and events wait.
  auto draining = [this] {
    if (!transport_->connected() || std::chrono::steady_clock::now() >= drainUntil_) return false;
    auto last = outbox_.lastSeq();
    return last && *last > acked_;
  };
  while (!stopping_ || draining()) {
    if (reconnector.connectIfDue([this] { return connectOptions(); })) {
      Status set = onConnected();
      if (set.isOk()) {
        reconnector.established();
      } else {
        reconnector.setupFailed(set.message());
      }
    }
    connected_ = transport_->connected();

    auto wait = connected_
                    ? kPollIdle
                    : std::min<std::chrono::milliseconds>(
                          std::max(reconnector.untilNextAttempt(), std::chrono::milliseconds(1)),
                          kPollIdle);
    // Incoming messages first (acks free room to send), a bounded number per turn.
    auto event = transport_->poll(wait);
    for (std::size_t n = 1; event; ++n) {
      if (event->kind == mqtt::TransportEvent::Kind::kConnectionLost) {
        reconnector.lost(event->reason);
        connected_ = false;
      } else if (event->kind == mqtt::TransportEvent::Kind::kMessage) {
        handle(*event);
      }
      if (n == kMaxEventsPerTurn) break;
      event = transport_->poll(std::chrono::milliseconds(0));
    }

    applyAck();
    const auto now = std::chrono::steady_clock::now();
    if (now >= nextHeartbeat_) {
      nextHeartbeat_ = now + options_.heartbeat;
      pushEvent("heartbeat", {{"stats", stats()}});
      if (transport_->connected()) publishReported();
    }
    if (transport_->connected()) {
      // Nothing acknowledged for a while: the controller may have missed them (it was
      // down, a replica died mid-batch); send them again.
      if (lastSent_ > acked_ && now - lastAckProgress_ > options_.resendAfter) {
        log_.info("re-sending unacknowledged events",
                  {{"from", static_cast<std::int64_t>(acked_ + 1)},
                   {"to", static_cast<std::int64_t>(lastSent_)}});
        lastSent_ = acked_;
        lastAckProgress_ = now;
      }
      sendPending();
    }
  }
  if (transport_->connected()) {
    Status st = transport_->publish(
        {protocol::topicFor(options_.agentId, Leaf::kOnline),
         protocol::serialize(protocol::OnlineMessage{false, options_.epoch, session_}), 1, true});
    if (!st.isOk()) log_.warning("offline state not published", {{"error", st.message()}});
    transport_->disconnect();
  }
  connected_ = false;
}

Status AgentLink::onConnected() {
  const auto& id = options_.agentId;
  Status st = transport_->subscribe({{protocol::topicFor(id, Leaf::kDesired), 1},
                                     {protocol::topicFor(id, Leaf::kAcks), 1},
                                     {protocol::topicFor(id, Leaf::kCommands), 1}});
  if (st.isOk()) {
    st = transport_->publish(
        {protocol::topicFor(id, Leaf::kOnline),
         protocol::serialize(protocol::OnlineMessage{true, options_.epoch, session_}), 1, true});
  }
  if (!st.isOk()) {
    transport_->disconnect();
    return st;
  }
  publishReported();
  // Everything not acknowledged goes again, from the oldest event still held.
  auto oldest = outbox_.pending(0, 1);
  if (oldest && !oldest->empty()) {
    acked_ = std::max(acked_, (*oldest)[0].seq - 1);
  } else if (auto s = outbox_.stats(); s) {
    acked_ = std::max(acked_, s->lastSeq);
  }
  lastSent_ = acked_;
  lastAckProgress_ = std::chrono::steady_clock::now();
  return Status::ok();
}

void AgentLink::handle(const mqtt::TransportEvent& event) {
  auto topic = protocol::parseTopic(event.message.topic);
  if (!topic || topic->agentId != options_.agentId) {
    logOnce("message on an unexpected topic", event.message.topic);
    return;
  }
  // While stopping only acks count: the flows are stopped, and a document or command left
  // alone now comes again after the restart.
  if (stopping_ && topic->leaf != Leaf::kAcks) return;
  switch (topic->leaf) {
    case Leaf::kDesired: onDesired(event.message.payload); break;
    case Leaf::kAcks: onAck(event.message.payload); break;
    case Leaf::kCommands: onCommand(event.message.payload); break;
    default: logOnce("message on an unexpected topic", event.message.topic); break;
  }
}

void AgentLink::onDesired(const std::string& payload) {
  auto d = desired_.evaluate(payload);
  if (d.verdict == DesiredState::Verdict::kIgnore) {
    log_.debug("desired document ignored", {{"version", d.version}, {"reason", d.reason}});
    return;
  }
  if (d.verdict == DesiredState::Verdict::kApply) {
    Status applied = handler_.applyDefinitions(d.definitions);
    if (applied.isOk()) {
      Status st = desired_.recordApplied(d);
      if (!st.isOk()) log_.error("applied version not saved", {{"error", st.message()}});
      log_.info("desired document applied",
                {{"version", d.version},
                 {"flows", static_cast<std::int64_t>(d.definitions->flows.size())}});
      publishReported();
      return;
    }
    d.reason = applied.message();
  }
  log_.error("desired document rejected; the previous version keeps running",
             {{"version", d.version}, {"applied", desired_.appliedVersion()}, {"error", d.reason}});
  if (d.version > 0) {
    Status st = desired_.recordRejected(d.version, d.reason);
    if (!st.isOk()) log_.error("rejected version not saved", {{"error", st.message()}});
  }
  publishReported();
}

void AgentLink::onAck(const std::string& payload) {
  if (payload.empty()) return;  // a cleared retained ack
  auto ack = protocol::parseAck(payload);
  if (!ack) {
    logOnce("malformed ack ignored", ack.status().message());
    return;
  }
  // An ack of another epoch belongs to an earlier state directory; a lower one is stale
  // (a retained ack the broker kept, a replica that answered late).
  if (ack->epoch != options_.epoch || ack->upTo <= acked_) return;
  // Applied once per turn (applyAck): the controller acks every batch, and one delete per
  // turn instead of one per ack keeps the link sending.
  pendingAck_ = std::max(pendingAck_, ack->upTo);
}

void AgentLink::applyAck() {
  if (pendingAck_ <= acked_) return;
  // Never beyond what exists: an ack above the last event would hide events made later.
  auto last = outbox_.lastSeq();
  if (!last) return;
  const std::uint64_t upTo = std::min(pendingAck_, *last);
  Status st = outbox_.ackUpTo(upTo);
  if (!st.isOk()) {
    log_.warning("acknowledged events not deleted", {{"error", st.message()}});
    return;
  }
  acked_ = upTo;
  lastSent_ = std::max(lastSent_, acked_);
  lastAckProgress_ = std::chrono::steady_clock::now();
}

void AgentLink::onCommand(const std::string& payload) {
  auto command = protocol::parseCommand(payload);
  if (!command) {
    logOnce("malformed command ignored", command.status().message());
    // A command with an id but a type this agent does not know is answered (failed), so
    // the controller stops sending it; one without an id cannot be answered.
    json doc = json::parse(payload, nullptr, false);
    if (doc.is_object() && doc.contains("id") && doc["id"].is_string() &&
        !doc["id"].get<std::string>().empty()) {
      pushEvent("command.result",
                {{"commandId", doc["id"]}, {"ok", false}, {"message", command.status().message()}});
    }
    return;
  }
  auto answered = journal_.find(command->id);
  if (!answered) {
    // Recorded before it runs: a crash in between answers the repeat as interrupted
    // instead of running the command twice.
    Status st = journal_.record(
        {command->id, false, "interrupted: the agent stopped while running the command"});
    if (!st.isOk()) {
      log_.error("command not journaled, not run",
                 {{"command", command->id}, {"error", st.message()}});
      return;  // the controller sends it again
    }
    CommandJournal::Answer answer = handler_.runCommand(*command);
    answer.commandId = command->id;
    st = journal_.record(answer);
    if (!st.isOk()) log_.error("command answer not journaled", {{"error", st.message()}});
    log_.info("command run", {{"command", command->id},
                              {"type", command->type},
                              {"ok", answer.ok},
                              {"message", answer.message}});
    answered = answer;
  }
  pushEvent("command.result",
            {{"commandId", command->id}, {"ok", answered->ok}, {"message", answered->message}});
  if (command->type == "pause-flow" || command->type == "resume-flow") publishReported();
}

void AgentLink::sendPending() {
  while (lastSent_ - acked_ < options_.maxInFlight) {
    const std::size_t room = options_.maxInFlight - static_cast<std::size_t>(lastSent_ - acked_);
    auto batch = outbox_.pending(lastSent_, std::min(room, kSendBatch));
    if (!batch) {
      log_.warning("outbox not readable", {{"error", batch.status().message()}});
      return;
    }
    if (batch->empty()) return;
    if (lastSent_ == acked_) lastAckProgress_ = std::chrono::steady_clock::now();
    const std::string topic = protocol::topicFor(options_.agentId, Leaf::kEvents);
    for (const auto& e : *batch) {
      Status st =
          transport_->publish({topic, envelope(options_.agentId, options_.epoch, e), 1, false},
                              /*waitForAck=*/false);
      if (!st.isOk()) {
        // Usually the connection is going (the reconnect re-sends from the acknowledged
        // prefix); anything else must be visible.
        logOnce("events not published", st.message());
        return;
      }
      lastSent_ = e.seq;
    }
  }
}

json AgentLink::stats() {
  json s = handler_.runtimeStats();
  if (!s.is_object()) s = json::object();
  auto o = outbox_.stats();
  if (o) {
    s["outboxBacklog"] = o->count;
    s["oldestUndeliveredAgeSeconds"] = static_cast<std::int64_t>(o->oldestAgeSeconds);
    s["outboxDroppedSuperseded"] = o->droppedSuperseded;
  }
  if (!s.contains("queueDepth")) s["queueDepth"] = 0;
  if (!s.contains("flows")) s["flows"] = json::object();
  return s;
}

void AgentLink::publishReported() {
  protocol::ReportedMessage r;
  r.appliedVersion = desired_.appliedVersion();
  if (desired_.rejectedVersion() > desired_.appliedVersion()) {
    r.rejectedVersion = desired_.rejectedVersion();
    r.error = desired_.rejectedError();
  }
  r.agentVersion = options_.agentVersion;
  r.epoch = options_.epoch;
  r.stats = stats();
  r.flows = handler_.flowsReport();
  Status st = transport_->publish(
      {protocol::topicFor(options_.agentId, Leaf::kReported), protocol::serialize(r), 1, true},
      /*waitForAck=*/false);
  if (!st.isOk()) log_.debug("reported state not published", {{"error", st.message()}});
}

void AgentLink::pushEvent(const std::string& type, const json& body) {
  auto pushed = outbox_.push(type, body.dump());
  if (!pushed)
    log_.error("event not stored", {{"type", type}, {"error", pushed.status().message()}});
}

void AgentLink::logOnce(const std::string& what, const std::string& reason) {
  // A misbehaving peer repeats itself; one line per distinct problem in a row is enough.
  std::string key = what + reason;
  if (key == lastLogged_) return;
  lastLogged_ = key;
  log_.warning(what, {{"reason", reason}});
}

}  // namespace ferry::agent::sync
