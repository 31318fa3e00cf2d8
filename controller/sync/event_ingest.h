#pragma once

#include <cstdint>

#include "common/protocol/messages.h"
#include "controller/store/records.h"

namespace ferry::controller::sync {

// Turns an event with a valid envelope into the store write it stands for (DESIGN.md
// "Event types and bodies"): run events into run updates, record.error into an error,
// error.closed and command.result into state changes, heartbeat into the agent's stats.
// A malformed body or an unknown type becomes a quarantined event, so it still counts for
// the acknowledged prefix and never blocks later events.
store::IngestEvent toIngestEvent(const protocol::EventEnvelope& event, std::int64_t receivedAtMs);

// The backlog figures of a `stats` object (heartbeat body, `reported`).
store::AgentStats agentStatsFrom(const ferry::Json& stats);

}  // namespace ferry::controller::sync
