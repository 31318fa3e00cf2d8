#pragma once

#include <memory>
#include <string>

#include "controller/store/db.h"
#include "controller/store/store.h"

// The Store over Poco::Data, for both backends. Internal to controller/store: callers hold
// a Store from openStore(). Its methods are spread over one file per table group
// (agents_sql.cpp, resources_sql.cpp, …); helpers taking a Conn run inside a caller's
// transaction so ingestEvents can combine them.
namespace ferry::controller::store {

// kInvalidArgument when the store cannot use the update (no run id, no agent, …).
Status validateRunUpdate(const RunUpdate& u);

class RunBatch;  // events_sql.cpp

class SqlStore final : public Store {
 public:
  SqlStore(std::unique_ptr<sql::Db> db, const Clock* clock);

  Result<int> migrate() override;
  Result<int> schemaVersion() override;
  std::string backendName() const override;

  Result<AgentRecord> createAgent(const std::string& id, const std::string& displayName,
                                  const std::string& enrollmentTokenHash) override;
  Result<AgentRecord> getAgent(const std::string& id) override;
  Result<std::vector<AgentRecord>> listAgents() override;
  Status renameAgent(const std::string& id, const std::string& displayName) override;
  Status deleteAgent(const std::string& id) override;
  Status setEnrollmentTokenHash(const std::string& id, const std::string& hash) override;
  Result<AgentRecord> findAgentByEnrollmentHash(const std::string& hash) override;
  Result<bool> updateOnline(const OnlineUpdate& update) override;
  Status touchAgent(const std::string& id, std::int64_t atMs) override;
  Status updateReported(const ReportedUpdate& update) override;

  Result<ResourceRecord> putResource(const ResourceWrite& write) override;
  Result<ResourceRecord> getResource(const std::string& kind, const std::string& id) override;
  Result<std::vector<ResourceRecord>> listResources(const ResourceFilter& filter) override;
  Result<ResourceRecord> deleteResource(const std::string& kind, const std::string& id,
                                        std::optional<std::int64_t> expectedVersion) override;
  Result<std::vector<ResourceRecord>> resourceHistory(const std::string& kind,
                                                      const std::string& id) override;

  Result<DeploymentRecord> putDeployment(const std::string& agentId, std::int64_t version,
                                         const std::string& document) override;
  Result<DeploymentRecord> latestDeployment(const std::string& agentId) override;
  Result<std::vector<DeploymentRecord>> listDeployments(const std::string& agentId,
                                                        std::size_t limit) override;
  Result<std::vector<DeploymentRecord>> latestDeployments() override;

  Status upsertRun(const RunUpdate& update) override;
  Result<RunRecord> getRun(const std::string& runId) override;
  Result<Page<RunRecord>> listRuns(const RunFilter& filter, const PageRequest& page) override;
  Result<std::string> visitRuns(const RunFilter& filter, const PageRequest& page,
                                const std::function<void(const RunView&)>& run) override;
  Result<PruneCounts> pruneRuns(std::int64_t olderThanMs) override;

  Result<bool> insertError(const RunErrorRecord& error) override;
  Result<RunErrorRecord> getError(const std::string& errorId) override;
  Result<Page<RunErrorRecord>> listErrors(const ErrorFilter& filter,
                                          const PageRequest& page) override;
  Result<std::size_t> setErrorState(const std::vector<std::string>& errorIds, ErrorState to,
                                    const std::string& resolution) override;

  Result<CommandRecord> enqueueCommand(const std::string& agentId, const std::string& type,
                                       const std::string& payload,
                                       const std::string& commandId) override;
  Result<CommandRecord> getCommand(const std::string& commandId) override;
  Result<std::vector<CommandRecord>> listUnansweredCommands(const std::string& agentId) override;
  Result<std::vector<CommandRecord>> listCommands(const CommandFilter& filter) override;
  Status markCommandSent(const std::string& commandId) override;
  Status completeCommand(const std::string& commandId, bool ok,
                         const std::string& message) override;

  Result<ApiTokenRecord> createToken(const std::string& name, const std::string& hash) override;
  Result<ApiTokenRecord> findTokenByHash(const std::string& hash) override;
  Result<std::vector<ApiTokenRecord>> listTokens() override;
  Status deleteToken(const std::string& name) override;
  Status touchToken(const std::string& name, std::int64_t atMs) override;

  Result<bool> recordEvent(const std::string& agentId, const std::string& epoch,
                           std::uint64_t seq) override;
  Result<std::uint64_t> contiguousPrefix(const std::string& agentId,
                                         const std::string& epoch) override;
  Result<IngestResult> ingestEvents(const std::vector<IngestEvent>& events) override;
  Result<std::vector<QuarantinedEvent>> listQuarantinedEvents(const std::string& agentId,
                                                              std::size_t limit) override;

 private:
  std::int64_t nowMs() const;
  std::int64_t orNow(std::int64_t atMs) const { return atMs > 0 ? atMs : nowMs(); }

  // Helpers that run inside the caller's transaction.
  Status upsertRunIn(sql::Conn& c, const RunUpdate& u);
  Result<bool> insertErrorIn(sql::Conn& c, const RunErrorRecord& e);
  // strict: unknown ids → kNotFound and a resolved error → kFailedPrecondition; otherwise
  // both are skipped (events from agents).
  Result<std::size_t> setErrorStateIn(sql::Conn& c, const std::vector<std::string>& ids,
                                      ErrorState to, const std::string& resolution, bool strict,
                                      const std::string& onlyAgent = "");
  Status completeCommandIn(sql::Conn& c, const std::string& commandId, bool ok,
                           const std::string& message, bool strict,
                           const std::string& onlyAgent = "");
  Status reopenUnretriedErrors(sql::Conn& c, const std::string& commandId,
                               const std::string& agentId);
  Result<bool> recordEventIn(sql::Conn& c, const EventKey& key, const std::string& type,
                             std::int64_t receivedAtMs);
  static std::uint64_t prefixIn(sql::Conn& c, const std::string& agentId, const std::string& epoch);
  // Applies a new event's effect; run updates are handed to `runs` instead (see
  // RunBatch in events_sql.cpp).
  Status applyEffectIn(sql::Conn& c, const IngestEvent& e, std::int64_t receivedAtMs,
                       RunBatch& runs);
  Status updateStatsIn(sql::Conn& c, const std::string& agentId, const AgentStats& stats,
                       std::int64_t atMs);

  std::unique_ptr<sql::Db> db_;
  const Clock* clock_;
  SystemClock systemClock_;
};

}  // namespace ferry::controller::store
