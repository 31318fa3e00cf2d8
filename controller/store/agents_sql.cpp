#include "controller/store/sql_store.h"

namespace ferry::controller::store {

namespace {

using sql::Conn;

constexpr const char* kAgentColumns =
    "id, display_name, created_at, online, epoch, session_no, last_seen, reported, "
    "reported_at, agent_version, applied_version, rejected_version, last_error, "
    "outbox_backlog, oldest_undelivered_age_seconds, queue_depth, stats, stats_at, "
    "enrollment_token_hash";

AgentRecord agentFrom(const sql::Rows::Row& r) {
  AgentRecord a;
  a.id = r.text(0);
  a.displayName = r.text(1);
  a.createdAtMs = r.integer(2);
  a.online = r.integer(3) != 0;
  a.epoch = r.text(4);
  a.session = r.integer(5);
  a.lastSeenMs = r.integer(6);
  a.reported = r.text(7);
  a.reportedAtMs = r.integer(8);
  a.agentVersion = r.text(9);
  a.appliedVersion = r.integer(10);
  a.rejectedVersion = r.integer(11);
  a.lastError = r.text(12);
  a.stats.outboxBacklog = r.integer(13);
  a.stats.oldestUndeliveredAgeSeconds = r.integer(14);
  a.stats.queueDepth = r.integer(15);
  a.stats.json = r.text(16);
  a.statsAtMs = r.integer(17);
  a.enrollmentTokenHash = r.text(18);
  return a;
}

Result<AgentRecord> agentIn(Conn& c, const std::string& column, const std::string& value,
                            const std::string& missing) {
  auto rows = c.query(
      std::string("SELECT ") + kAgentColumns + " FROM agents WHERE " + column + " = ?", {value});
  if (rows.empty()) return Status::notFound(missing);
  return agentFrom(rows[0]);
}

bool agentExists(Conn& c, const std::string& id) {
  return c.queryInt("SELECT COUNT(*) FROM agents WHERE id = ?", {id}, 0) > 0;
}

Status noAgent(const std::string& id) {
  return Status::notFound("agent \"" + id + "\" does not exist");
}

}  // namespace

Result<AgentRecord> SqlStore::createAgent(const std::string& id, const std::string& displayName,
                                          const std::string& enrollmentTokenHash) {
  AgentRecord out;
  Status st = db_->write("creating agent " + id, [&](Conn& c) -> Status {
    if (agentExists(c, id)) return Status::alreadyExists("agent \"" + id + "\" already exists");
    c.exec(
        "INSERT INTO agents (id, display_name, created_at, enrollment_token_hash) "
        "VALUES (?, ?, ?, ?)",
        {id, displayName, nowMs(), enrollmentTokenHash});
    auto a = agentIn(c, "id", id, "agent vanished");
    if (!a.isOk()) return a.status();
    out = std::move(*a);
    return Status::ok();
  });
  if (!st.isOk()) return st;
  return out;
}

Result<AgentRecord> SqlStore::getAgent(const std::string& id) {
  AgentRecord out;
  Status st = db_->read("reading agent " + id, [&](Conn& c) -> Status {
    auto a = agentIn(c, "id", id, "agent \"" + id + "\" does not exist");
    if (!a.isOk()) return a.status();
    out = std::move(*a);
    return Status::ok();
  });
  if (!st.isOk()) return st;
  return out;
}

Result<std::vector<AgentRecord>> SqlStore::listAgents() {
  std::vector<AgentRecord> out;
  Status st = db_->read("listing agents", [&](Conn& c) -> Status {
    auto rows = c.query(std::string("SELECT ") + kAgentColumns + " FROM agents ORDER BY id");
    for (std::size_t i = 0; i < rows.size(); ++i) out.push_back(agentFrom(rows[i]));
    return Status::ok();
  });
  if (!st.isOk()) return st;
  return out;
}

Status SqlStore::renameAgent(const std::string& id, const std::string& displayName) {
  return db_->write("renaming agent " + id, [&](Conn& c) -> Status {
    if (c.exec("UPDATE agents SET display_name = ? WHERE id = ?", {displayName, id}) == 0) {
      return noAgent(id);
    }
    return Status::ok();
  });
}

Status SqlStore::deleteAgent(const std::string& id) {
  return db_->write("deleting agent " + id, [&](Conn& c) -> Status {
    if (!agentExists(c, id)) return noAgent(id);
    // event_prefixes stay: an agent created again under this id with its old state directory
    // goes on with its epoch, and its later events must still extend the acknowledged prefix.
    for (const char* table : {"commands", "deployments", "events_seen", "quarantined_events"}) {
      c.exec(std::string("DELETE FROM ") + table + " WHERE agent_id = ?", {id});
    }
    c.exec("DELETE FROM agents WHERE id = ?", {id});
    return Status::ok();
  });
}

Status SqlStore::setEnrollmentTokenHash(const std::string& id, const std::string& hash) {
  return db_->write("setting the enrollment token of agent " + id, [&](Conn& c) -> Status {
    if (c.exec("UPDATE agents SET enrollment_token_hash = ? WHERE id = ?", {hash, id}) == 0) {
      return noAgent(id);
    }
    return Status::ok();
  });
}

Result<AgentRecord> SqlStore::findAgentByEnrollmentHash(const std::string& hash) {
  if (hash.empty()) return Status::invalidArgument("an enrollment token hash is required");
  AgentRecord out;
  Status st = db_->read("finding an agent by enrollment token", [&](Conn& c) -> Status {
    auto a = agentIn(c, "enrollment_token_hash", hash, "no agent has this enrollment token");
    if (!a.isOk()) return a.status();
    out = std::move(*a);
    return Status::ok();
  });
  if (!st.isOk()) return st;
  return out;
}

Result<bool> SqlStore::updateOnline(const OnlineUpdate& u) {
  const std::int64_t at = orNow(u.atMs);
  bool changed = false;
  Status st = db_->write("updating online state of agent " + u.agentId, [&](Conn& c) -> Status {
    std::size_t n = 0;
    if (u.online) {
      n = c.exec(
          "UPDATE agents SET online = 1, epoch = ?, session_no = ?, "
          "last_seen = CASE WHEN last_seen < ? THEN ? ELSE last_seen END WHERE id = ?",
          {u.epoch, u.session, at, at, u.agentId});
    } else {
      // A will counts only for the session it was registered with (DESIGN.md, Sessions).
      n = c.exec(
          "UPDATE agents SET online = 0, "
          "last_seen = CASE WHEN last_seen < ? THEN ? ELSE last_seen END "
          "WHERE id = ? AND epoch = ? AND session_no = ?",
          {at, at, u.agentId, u.epoch, u.session});
    }
    changed = n > 0;
    if (!changed && !agentExists(c, u.agentId)) return noAgent(u.agentId);
    return Status::ok();
  });
  if (!st.isOk()) return st;
  return changed;
}

Status SqlStore::touchAgent(const std::string& id, std::int64_t atMs) {
  const std::int64_t at = orNow(atMs);
  return db_->write("touching agent " + id, [&](Conn& c) -> Status {
    if (c.exec("UPDATE agents SET last_seen = ? WHERE id = ? AND last_seen < ?", {at, id, at}) ==
            0 &&
        !agentExists(c, id)) {
      return noAgent(id);
    }
    return Status::ok();
  });
}

Status SqlStore::updateStatsIn(Conn& c, const std::string& agentId, const AgentStats& s,
                               std::int64_t atMs) {
  c.exec(
      "UPDATE agents SET outbox_backlog = ?, oldest_undelivered_age_seconds = ?, "
      "queue_depth = ?, stats = ?, stats_at = ? WHERE id = ? AND stats_at <= ?",
      {s.outboxBacklog, s.oldestUndeliveredAgeSeconds, s.queueDepth, s.json, atMs, agentId, atMs});
  return Status::ok();
}

Status SqlStore::updateReported(const ReportedUpdate& u) {
  const std::int64_t at = orNow(u.atMs);
  return db_->write("storing the reported state of agent " + u.agentId, [&](Conn& c) -> Status {
    if (!agentExists(c, u.agentId)) return noAgent(u.agentId);
    // A report older than the stored one (replicas, redelivery) changes nothing.
    std::size_t n = c.exec(
        "UPDATE agents SET reported = ?, reported_at = ?, applied_version = ?, "
        "rejected_version = ?, last_error = ?, agent_version = ?, "
        "last_seen = CASE WHEN last_seen < ? THEN ? ELSE last_seen END "
        "WHERE id = ? AND reported_at <= ?",
        {u.json, at, u.appliedVersion, u.rejectedVersion, u.error, u.agentVersion, at, at,
         u.agentId, at});
    if (n == 0) return Status::ok();
    FERRY_RETURN_IF_ERROR(updateStatsIn(c, u.agentId, u.stats, at));
    if (u.appliedVersion > 0) {
      c.exec(
          "UPDATE deployments SET state = 'applied', error = '', reported_at = ? "
          "WHERE agent_id = ? AND version = ? AND state <> 'applied'",
          {at, u.agentId, u.appliedVersion});
    }
    if (u.rejectedVersion > 0) {
      c.exec(
          "UPDATE deployments SET state = 'rejected', error = ?, reported_at = ? "
          "WHERE agent_id = ? AND version = ? AND state = 'pending'",
          {u.error, at, u.agentId, u.rejectedVersion});
    }
    return Status::ok();
  });
}

}  // namespace ferry::controller::store
