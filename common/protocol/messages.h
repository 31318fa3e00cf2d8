#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "common/json/json.h"
#include "common/status/result.h"

namespace ferry::protocol {

// Payloads of DESIGN.md "Agent ↔ controller protocol". Parsers never throw: a malformed
// payload is a kInvalidArgument whose message says which field is wrong, so the receiver
// can count it, log it once and carry on.

// `events`: {agent, epoch, seq, type, ts, body}.
struct EventEnvelope {
  std::string agent;
  std::string epoch;      // the agent state's queue id
  std::uint64_t seq = 0;  // from 1 within the epoch
  std::string type;
  std::string ts;  // ISO-8601 UTC
  ferry::Json body;
};

// Parses an envelope received on ferry/v1/agents/<topicAgent>/events. The agent named in the
// payload must be the topic's: an agent cannot speak for another.
Result<EventEnvelope> parseEventEnvelope(std::string_view payload, std::string_view topicAgent);
std::string serialize(const EventEnvelope& e);

// Checks the body against its type's schema (run.started, run.progress, run.finished,
// record.error, error.closed, command.result, heartbeat). kInvalidArgument for an unknown
// type or a bad body: the receiver stores such an event as quarantined, so it still counts
// for the contiguous acknowledged prefix and never blocks later events.
Status validateEventBody(const std::string& type, const ferry::Json& body);

// `online` (retained) and the last will: {"online":b,"epoch":e,"session":n}.
struct OnlineMessage {
  bool online = false;
  std::string epoch;
  std::int64_t session = 0;
};
Result<OnlineMessage> parseOnline(std::string_view payload);
std::string serialize(const OnlineMessage& m);

// `acks` (retained): {"epoch":e,"upTo":seq}.
struct AckMessage {
  std::string epoch;
  std::uint64_t upTo = 0;
};
Result<AckMessage> parseAck(std::string_view payload);
std::string serialize(const AckMessage& m);

// `commands`: {id, type, args}.
struct CommandMessage {
  std::string id;
  std::string type;  // run-flow, retry-errors, resolve-errors, pause-flow, resume-flow
  ferry::Json args = ferry::Json::object();
};
Result<CommandMessage> parseCommand(std::string_view payload);
std::string serialize(const CommandMessage& m);
bool isKnownCommandType(std::string_view type);

// `reported` (retained): {appliedVersion, rejectedVersion?, error?, agentVersion, epoch,
// stats{outboxBacklog, oldestUndeliveredAgeSeconds, queueDepth, flows{…}}, flows{…}}.
struct ReportedMessage {
  std::int64_t appliedVersion = 0;   // 0: no desired document applied yet
  std::int64_t rejectedVersion = 0;  // 0: none rejected
  std::string error;                 // why rejectedVersion was refused, one problem a line
  std::string agentVersion;
  std::string epoch;
  ferry::Json stats = ferry::Json::object();
  ferry::Json flows = ferry::Json::object();
};
Result<ReportedMessage> parseReported(std::string_view payload);
std::string serialize(const ReportedMessage& m);

// `desired` (retained): {version, resources[]}. Only the envelope is checked here; the
// agent validates the resources as definitions. An empty payload (a cleared retained
// message) is kNotFound.
struct DesiredHeader {
  std::int64_t version = 0;
};
Result<DesiredHeader> parseDesiredHeader(const ferry::Json& document);

}  // namespace ferry::protocol
