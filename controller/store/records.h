#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

// The typed rows of the controller store (docs/controller-store.md). Times are
// milliseconds since the Unix epoch (UTC); 0 means "not yet" (never seen, not finished).
// JSON documents travel as text: the store keeps them verbatim and never parses them.
namespace ferry::controller::store {

// --- agents -----------------------------------------------------------------------------

// Backlog figures an agent reports in `reported` and in heartbeats (DESIGN.md, stats).
struct AgentStats {
  std::int64_t outboxBacklog = 0;
  std::int64_t oldestUndeliveredAgeSeconds = 0;
  std::int64_t queueDepth = 0;
  std::string json;  // the whole stats object (flows' watermark lag, …); "" if none
};

struct AgentRecord {
  std::string id;  // chosen by the admin
  std::string displayName;
  std::int64_t createdAtMs = 0;
  bool online = false;
  std::string epoch;         // of the current `online` message
  std::int64_t session = 0;  // of the current `online` message
  std::int64_t lastSeenMs = 0;
  std::string reported;  // the last `reported` payload, JSON; "" if none yet
  std::int64_t reportedAtMs = 0;
  std::string agentVersion;
  std::int64_t appliedVersion = 0;   // desired version the agent runs; 0: none
  std::int64_t rejectedVersion = 0;  // last version it refused; 0: none
  std::string lastError;             // why it refused (with pointers), as reported
  AgentStats stats;
  std::int64_t statsAtMs = 0;
  std::string enrollmentTokenHash;  // SHA-256 hex of the one-time token; "" once used
};

// An `online` message or a last will. An offline update applies only when its
// (epoch, session) equals the stored one, so a late will of an old session changes nothing.
struct OnlineUpdate {
  std::string agentId;
  bool online = false;
  std::string epoch;
  std::int64_t session = 0;
  std::int64_t atMs = 0;  // 0: the store's clock
};

// A `reported` message. It also marks the matching deployments applied or rejected.
struct ReportedUpdate {
  std::string agentId;
  std::string json;  // the payload as received
  std::int64_t appliedVersion = 0;
  std::int64_t rejectedVersion = 0;  // 0: none reported
  std::string error;
  std::string agentVersion;
  AgentStats stats;
  std::int64_t atMs = 0;  // 0: the store's clock
};

// --- resources (integrations are resources of kind "integration") -------------------------

struct ResourceRecord {
  std::string kind;
  std::string id;
  std::string integration;   // "" when it belongs to none
  std::int64_t version = 0;  // bumped by every write, deletes included; never reused
  std::string document;      // the resource JSON; "" on a tombstone
  std::string contentHash;   // SHA-256 hex of `document`
  std::int64_t createdAtMs = 0;
  std::int64_t updatedAtMs = 0;
  bool deleted = false;
};

struct ResourceWrite {
  std::string kind;
  std::string id;
  std::string integration;
  std::string document;
  // nullopt: write whatever is there. 0: create only (kAlreadyExists if it lives).
  // n: the caller's version (If-Match); another current version → kFailedPrecondition,
  // nothing live to update → kNotFound.
  std::optional<std::int64_t> expectedVersion;
};

struct ResourceFilter {
  std::string kind;         // "": every kind
  std::string integration;  // "": any
  bool includeDeleted = false;
};

// --- deployments ------------------------------------------------------------------------

enum class DeploymentState { kPending, kApplied, kRejected };
std::string_view deploymentStateName(DeploymentState s);

// One desired-state document for one agent (`{"version": n, "resources": […]}`).
struct DeploymentRecord {
  std::string agentId;
  std::int64_t version = 0;
  std::string document;
  std::int64_t createdAtMs = 0;
  DeploymentState state = DeploymentState::kPending;
  std::string error;  // why the agent rejected it
  std::int64_t reportedAtMs = 0;
};

// --- runs and their errors --------------------------------------------------------------

struct RunCounts {
  std::int64_t read = 0;
  std::int64_t filtered = 0;
  std::int64_t written = 0;
  std::int64_t failed = 0;
  friend bool operator==(const RunCounts&, const RunCounts&) = default;
};

// A run as stored: RunRecord owns its texts; RunView is the same run read in place, its texts
// pointing into the store's row and valid only during the callback that receives it (a page
// of runs is serialized without copying them: it is the API's busiest read).
template <typename Text>
struct BasicRun {
  Text runId;  // UUID made by the agent
  Text agentId;
  Text flowId;
  Text integration;
  Text trigger;  // schedule, manual, listener, …
  Text state;    // "running" until run.finished says otherwise
  RunCounts counts;
  std::int64_t startedAtMs = 0;
  std::int64_t finishedAtMs = 0;  // 0: still running (as far as the store knows)
  Text errorSummary;
  std::int64_t updatedAtMs = 0;

  // The same run with its texts copied (a RunRecord) or viewed (a RunView).
  template <typename Other>
  BasicRun<Other> as() const {
    return {Other(runId),   Other(agentId),      Other(flowId), Other(integration),
            Other(trigger), Other(state),        counts,        startedAtMs,
            finishedAtMs,   Other(errorSummary), updatedAtMs};
  }
};
using RunRecord = BasicRun<std::string>;
using RunView = BasicRun<std::string_view>;

// One run event turned into a write. Applying the same update twice, or updates of one run
// in any order, ends in the same row: run.finished wins over started/progress for state and
// counts, progress counts only grow, and started sets the start time and trigger.
struct RunUpdate {
  enum class Kind { kStarted, kProgress, kFinished };
  Kind kind = Kind::kStarted;
  std::string runId;
  std::string agentId;
  std::string flowId;       // "" keeps what is stored (run.finished does not carry it)
  std::string integration;  // "" keeps what is stored
  std::string trigger;
  std::string state;              // kFinished only
  RunCounts counts;               // kProgress, kFinished
  std::int64_t startedAtMs = 0;   // kStarted; for the others a placeholder used when the
                                  // run is new (0: finishedAtMs, else the store's clock)
  std::int64_t finishedAtMs = 0;  // kFinished (0: the store's clock)
  std::string errorSummary;       // kFinished
};

// Filters for the runs list. Empty strings and zero times do not filter.
struct RunFilter {
  std::string flowId;
  std::string agentId;
  std::string integration;
  std::string state;
  std::int64_t fromMs = 0;  // started at or after
  std::int64_t toMs = 0;    // started before
};

enum class ErrorState { kOpen, kRetrying, kResolved };
std::string_view errorStateName(ErrorState s);
std::optional<ErrorState> parseErrorState(std::string_view name);

struct RunErrorRecord {
  std::string errorId;  // UUID made by the agent
  std::string runId;
  std::string agentId;
  std::string flowId;
  std::string step;  // e.g. "import:orders-to-dwh"
  std::string message;
  std::string record;  // the failed record, JSON
  ErrorState state = ErrorState::kOpen;
  std::string resolution;        // how it was closed: retried, resolved, expired; "" while open
  std::int64_t createdAtMs = 0;  // 0 on insert: the store's clock
  std::int64_t updatedAtMs = 0;
  std::int64_t resolvedAtMs = 0;
};

struct ErrorFilter {
  std::string runId;
  std::string flowId;
  std::string agentId;
  std::optional<ErrorState> state;
};

// --- pages ------------------------------------------------------------------------------

// Keyset pagination, newest first. `cursor` is "" for the first page, else the
// nextCursor of the previous page, which is only valid with the same filter.
struct PageRequest {
  std::size_t limit = 50;  // 0: 50; capped at kMaxPageSize
  std::string cursor;
};
inline constexpr std::size_t kMaxPageSize = 1000;

template <typename T>
struct Page {
  std::vector<T> items;
  std::string nextCursor;  // "" on the last page
};

// --- commands ---------------------------------------------------------------------------

enum class CommandState { kPending, kSent, kDone, kFailed };
std::string_view commandStateName(CommandState s);
std::optional<CommandState> parseCommandState(std::string_view name);

struct CommandRecord {
  std::string commandId;  // UUID
  std::string agentId;
  std::string type;     // run-flow, retry-errors, resolve-errors, pause-flow, resume-flow
  std::string payload;  // the command's args, JSON
  CommandState state = CommandState::kPending;
  std::int64_t createdAtMs = 0;
  std::int64_t updatedAtMs = 0;
  std::string result;  // the agent's message from command.result
};

struct CommandFilter {
  std::string agentId;  // "": every agent
  std::optional<CommandState> state;
  std::size_t limit = 100;  // newest first
};

// --- API tokens -------------------------------------------------------------------------

struct ApiTokenRecord {
  std::string name;
  std::string hash;  // SHA-256 hex of the token; the token itself is never stored
  std::int64_t createdAtMs = 0;
  std::int64_t lastUsedAtMs = 0;
};

// --- event ingest -----------------------------------------------------------------------

struct EventKey {
  std::string agentId;
  std::string epoch;      // the agent state's queue id
  std::uint64_t seq = 0;  // from 1 within the epoch
};

// `error.closed`: the agent retried, resolved or expired these errors. Unknown ids are
// ignored (the agent may close errors the controller never stored).
struct ErrorsClosed {
  std::vector<std::string> errorIds;
  std::string how;  // retried, resolved, expired
};

// `command.result`. Unknown command ids are ignored.
struct CommandResult {
  std::string commandId;
  bool ok = false;
  std::string message;
};

// `heartbeat`: the agent's backlog figures.
struct HeartbeatStats {
  AgentStats stats;
};

// An event with a valid envelope whose body is malformed or whose type is unknown: kept
// for inspection and counted, and still part of the acknowledged prefix.
struct Quarantine {
  std::string reason;
  std::string payload;
};

using EventEffect = std::variant<std::monostate, RunUpdate, RunErrorRecord, ErrorsClosed,
                                 CommandResult, HeartbeatStats, Quarantine>;

struct IngestEvent {
  EventKey key;
  std::string type;
  std::int64_t receivedAtMs = 0;  // 0: the store's clock
  EventEffect effect;             // applied only the first time the key is stored
};

struct EpochPrefix {
  std::string agentId;
  std::string epoch;
  std::uint64_t upTo = 0;  // every seq 1..upTo of the epoch is stored
};

struct IngestResult {
  std::vector<bool> fresh;            // per input event: false when stored before
  std::vector<EpochPrefix> prefixes;  // one per distinct (agent, epoch) of the batch
};

struct QuarantinedEvent {
  EventKey key;
  std::string type;
  std::string reason;
  std::string payload;
  std::int64_t receivedAtMs = 0;
};

// --- retention --------------------------------------------------------------------------

struct PruneCounts {
  std::int64_t runs = 0;
  std::int64_t errors = 0;
  std::int64_t events = 0;  // events_seen rows a prefix covers (never needed again)
  std::int64_t quarantined = 0;
  std::int64_t commands = 0;  // answered ones
};

}  // namespace ferry::controller::store
