#include "controller/store/sql_store.h"

namespace ferry::controller::store {

namespace {

using sql::Conn;

constexpr const char* kDeploymentColumns =
    "agent_id, version, document, created_at, state, error, reported_at";

DeploymentRecord deploymentFrom(const sql::Rows::Row& r) {
  DeploymentRecord d;
  d.agentId = r.text(0);
  d.version = r.integer(1);
  d.document = r.text(2);
  d.createdAtMs = r.integer(3);
  std::string state = r.text(4);
  d.state = state == "applied"    ? DeploymentState::kApplied
            : state == "rejected" ? DeploymentState::kRejected
                                  : DeploymentState::kPending;
  d.error = r.text(5);
  d.reportedAtMs = r.integer(6);
  return d;
}

std::vector<DeploymentRecord> deploymentsFrom(const sql::Rows& rows) {
  std::vector<DeploymentRecord> out;
  out.reserve(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) out.push_back(deploymentFrom(rows[i]));
  return out;
}

}  // namespace

Result<DeploymentRecord> SqlStore::putDeployment(const std::string& agentId, std::int64_t version,
                                                 const std::string& document) {
  DeploymentRecord out{agentId, version, document, nowMs(), DeploymentState::kPending, "", 0};
  const std::string what = "storing deployment " + std::to_string(version) + " for " + agentId;
  Status st = db_->write(what, [&](Conn& c) -> Status {
    if (c.queryInt("SELECT COUNT(*) FROM agents WHERE id = ?", {agentId}, 0) == 0) {
      return Status::notFound("agent \"" + agentId + "\" does not exist");
    }
    const std::int64_t latest = c.queryInt(
        "SELECT COALESCE(MAX(version), 0) FROM deployments WHERE agent_id = ?", {agentId}, 0);
    if (version <= latest) {
      return Status::failedPrecondition("deployment version " + std::to_string(version) +
                                        " for agent \"" + agentId + "\" is not above the latest (" +
                                        std::to_string(latest) + ")");
    }
    c.exec("INSERT INTO deployments (agent_id, version, document, created_at) VALUES (?, ?, ?, ?)",
           {agentId, version, document, out.createdAtMs});
    return Status::ok();
  });
  if (!st.isOk()) return st;
  return out;
}

Result<DeploymentRecord> SqlStore::latestDeployment(const std::string& agentId) {
  DeploymentRecord out;
  Status st =
      db_->read("reading the latest deployment of agent " + agentId, [&](Conn& c) -> Status {
        auto rows = c.query(std::string("SELECT ") + kDeploymentColumns +
                                " FROM deployments WHERE agent_id = ? "
                                "ORDER BY version DESC LIMIT 1",
                            {agentId});
        if (rows.empty()) {
          return Status::notFound("agent \"" + agentId + "\" has no deployment");
        }
        out = deploymentFrom(rows[0]);
        return Status::ok();
      });
  if (!st.isOk()) return st;
  return out;
}

Result<std::vector<DeploymentRecord>> SqlStore::listDeployments(const std::string& agentId,
                                                                std::size_t limit) {
  std::vector<DeploymentRecord> out;
  const std::int64_t n = static_cast<std::int64_t>(limit == 0 ? 50 : limit);
  Status st = db_->read("listing deployments of agent " + agentId, [&](Conn& c) -> Status {
    out = deploymentsFrom(c.query(std::string("SELECT ") + kDeploymentColumns +
                                      " FROM deployments WHERE agent_id = ? "
                                      "ORDER BY version DESC LIMIT ?",
                                  {agentId, n}));
    return Status::ok();
  });
  if (!st.isOk()) return st;
  return out;
}

Result<std::vector<DeploymentRecord>> SqlStore::latestDeployments() {
  std::vector<DeploymentRecord> out;
  Status st = db_->read("listing the latest deployments", [&](Conn& c) -> Status {
    out = deploymentsFrom(
        c.query(std::string("SELECT ") + kDeploymentColumns +
                " FROM deployments d WHERE version = (SELECT MAX(version) FROM deployments m "
                "WHERE m.agent_id = d.agent_id) ORDER BY agent_id"));
    return Status::ok();
  });
  if (!st.isOk()) return st;
  return out;
}

}  // namespace ferry::controller::store
