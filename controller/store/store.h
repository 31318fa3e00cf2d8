#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "common/clock/clock.h"
#include "common/status/result.h"
#include "controller/store/records.h"

namespace ferry::controller::store {

// Returns the password stored under `secretName` in the controller's secret store.
// kNotFound means "connect without a password" (trust auth, a .pgpass file).
using PasswordResolver = std::function<Result<std::string>(const std::string& secretName)>;

struct StoreOptions {
  // controller.json `store`: "" → sqlite:///<stateDir>/controller.db,
  // "sqlite:///abs/path.db[?synchronous=FULL|NORMAL]",
  // "postgresql://user@host:port/db[?sslmode=…&passwordSecret=…]" (docs/controller-store.md).
  std::string url;
  std::string stateDir;              // where the default SQLite file lives
  PasswordResolver resolvePassword;  // may be empty: no password
  const Clock* clock = nullptr;      // not owned, outlives the store; nullptr: the system clock
  int maxSessions = 8;               // PostgreSQL: pooled connections; SQLite: reader connections
  bool migrate = true;               // bring the schema up to date while opening
};

// The controller's durable state: agents, resources with their history, deployments, runs,
// run errors, commands, API tokens and the events seen per agent and epoch. One schema over
// SQLite (one file, WAL) or PostgreSQL (several controller replicas may share it).
//
// Thread-safe: every method may be called from any thread. Each call is one transaction;
// errors come back as Status: kUnavailable (connection lost, database busy: retry later),
// kNotFound, kAlreadyExists (a unique key is taken), kFailedPrecondition (version
// conflict, a state that forbids the change, a schema newer than this build), kAborted
// (a deadlock or serialization failure: retry the call), kInvalidArgument (a bad cursor).
class Store {
 public:
  virtual ~Store() = default;

  // Applies the migrations this database lacks, in one transaction; returns how many.
  // Safe to call again and from several processes at once.
  virtual Result<int> migrate() = 0;
  // The highest applied migration (0 for an empty database).
  virtual Result<int> schemaVersion() = 0;
  // "sqlite" or "postgresql".
  virtual std::string backendName() const = 0;

  // --- agents ---
  virtual Result<AgentRecord> createAgent(const std::string& id, const std::string& displayName,
                                          const std::string& enrollmentTokenHash) = 0;
  virtual Result<AgentRecord> getAgent(const std::string& id) = 0;
  virtual Result<std::vector<AgentRecord>> listAgents() = 0;  // by id
  virtual Status renameAgent(const std::string& id, const std::string& displayName) = 0;
  // Removes the agent, its deployments, commands and seen events; its runs and errors stay
  // until retention prunes them.
  virtual Status deleteAgent(const std::string& id) = 0;
  virtual Status setEnrollmentTokenHash(const std::string& id, const std::string& hash) = 0;
  virtual Result<AgentRecord> findAgentByEnrollmentHash(const std::string& hash) = 0;
  // Returns whether it changed the agent (false: a stale will). kNotFound: unknown agent.
  virtual Result<bool> updateOnline(const OnlineUpdate& update) = 0;
  // last_seen = max(last_seen, atMs).
  virtual Status touchAgent(const std::string& id, std::int64_t atMs) = 0;
  virtual Status updateReported(const ReportedUpdate& update) = 0;

  // --- resources ---
  // Creates or updates; every write bumps the version and appends to the history.
  virtual Result<ResourceRecord> putResource(const ResourceWrite& write) = 0;
  virtual Result<ResourceRecord> getResource(const std::string& kind, const std::string& id) = 0;
  virtual Result<std::vector<ResourceRecord>> listResources(const ResourceFilter& filter) = 0;
  // Leaves a tombstone (a new version with deleted = true) so versions are never reused.
  virtual Result<ResourceRecord> deleteResource(const std::string& kind, const std::string& id,
                                                std::optional<std::int64_t> expectedVersion) = 0;
  // Every version, oldest first. kNotFound if the resource never existed.
  virtual Result<std::vector<ResourceRecord>> resourceHistory(const std::string& kind,
                                                              const std::string& id) = 0;

  // --- deployments ---
  // Stores the desired document `version` for the agent. The version must be above the
  // agent's latest (kFailedPrecondition otherwise; kAlreadyExists if a concurrent writer
  // took it): read latestDeployment, build the document with latest + 1, put.
  virtual Result<DeploymentRecord> putDeployment(const std::string& agentId, std::int64_t version,
                                                 const std::string& document) = 0;
  virtual Result<DeploymentRecord> latestDeployment(const std::string& agentId) = 0;
  virtual Result<std::vector<DeploymentRecord>> listDeployments(const std::string& agentId,
                                                                std::size_t limit) = 0;
  // The latest deployment of every agent that has one (to re-publish `desired`).
  virtual Result<std::vector<DeploymentRecord>> latestDeployments() = 0;

  // --- runs ---
  virtual Status upsertRun(const RunUpdate& update) = 0;
  virtual Result<RunRecord> getRun(const std::string& runId) = 0;
  // Newest first by (startedAt, runId); the cursor is stable under inserts.
  virtual Result<Page<RunRecord>> listRuns(const RunFilter& filter, const PageRequest& page) = 0;
  // The same page, each run handed to `run` as it is read; returns the next page's cursor
  // ("" after the last page).
  virtual Result<std::string> visitRuns(const RunFilter& filter, const PageRequest& page,
                                        const std::function<void(const RunView&)>& run) = 0;
  // Retention: deletes runs that started and finished before `olderThanMs` with their
  // errors, and, older than that, orphaned errors, answered commands, quarantined events
  // and the seen-event rows a prefix covers. Works in batches of short transactions.
  virtual Result<PruneCounts> pruneRuns(std::int64_t olderThanMs) = 0;

  // --- run errors ---
  // Idempotent on errorId: returns false when it was stored before.
  virtual Result<bool> insertError(const RunErrorRecord& error) = 0;
  virtual Result<RunErrorRecord> getError(const std::string& errorId) = 0;
  // Newest first by (createdAt, errorId).
  virtual Result<Page<RunErrorRecord>> listErrors(const ErrorFilter& filter,
                                                  const PageRequest& page) = 0;
  // Moves every listed error to `to`, all or none: kNotFound names an unknown id;
  // kFailedPrecondition when one is resolved and `to` is not (resolved is final).
  // `resolution` (retried, resolved, expired) is kept when `to` is kResolved.
  // Returns how many changed (re-resolving a resolved error changes nothing).
  virtual Result<std::size_t> setErrorState(const std::vector<std::string>& errorIds, ErrorState to,
                                            const std::string& resolution) = 0;

  // --- commands ---
  // commandId "" → a new UUID. kNotFound for an unknown agent.
  virtual Result<CommandRecord> enqueueCommand(const std::string& agentId, const std::string& type,
                                               const std::string& payload,
                                               const std::string& commandId = "") = 0;
  virtual Result<CommandRecord> getCommand(const std::string& commandId) = 0;
  // Pending and sent commands of the agent, oldest first (to (re)publish them).
  virtual Result<std::vector<CommandRecord>> listUnansweredCommands(const std::string& agentId) = 0;
  virtual Result<std::vector<CommandRecord>> listCommands(const CommandFilter& filter) = 0;
  // pending → sent; an answered command stays answered.
  virtual Status markCommandSent(const std::string& commandId) = 0;
  // → done (ok) or failed, with the agent's message. Repeating it is harmless.
  virtual Status completeCommand(const std::string& commandId, bool ok,
                                 const std::string& message) = 0;

  // --- API tokens ---
  virtual Result<ApiTokenRecord> createToken(const std::string& name, const std::string& hash) = 0;
  virtual Result<ApiTokenRecord> findTokenByHash(const std::string& hash) = 0;
  virtual Result<std::vector<ApiTokenRecord>> listTokens() = 0;
  virtual Status deleteToken(const std::string& name) = 0;
  virtual Status touchToken(const std::string& name, std::int64_t atMs) = 0;

  // --- events (idempotent ingest, DESIGN.md "Epoch and sequence") ---
  // Stores (agent, epoch, seq); false when it was stored before.
  virtual Result<bool> recordEvent(const std::string& agentId, const std::string& epoch,
                                   std::uint64_t seq) = 0;
  // The highest n such that every seq 1..n of the epoch is stored (0: none).
  virtual Result<std::uint64_t> contiguousPrefix(const std::string& agentId,
                                                 const std::string& epoch) = 0;
  // One transaction for a batch of events: each key is recorded, each effect applied the
  // first time its key is stored, agents' last_seen advanced; the prefixes are those the
  // commit makes durable (acknowledge them after this returns).
  virtual Result<IngestResult> ingestEvents(const std::vector<IngestEvent>& events) = 0;
  virtual Result<std::vector<QuarantinedEvent>> listQuarantinedEvents(const std::string& agentId,
                                                                      std::size_t limit) = 0;
};

// Parses the URL, connects, and (with options.migrate) migrates. Errors name the URL
// (never a password) and what is wrong with it.
Result<std::unique_ptr<Store>> openStore(const StoreOptions& options);

}  // namespace ferry::controller::store
