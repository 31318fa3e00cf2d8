#include <Poco/UUIDGenerator.h>

#include "controller/store/sql_store.h"

namespace ferry::controller::store {

namespace {

using sql::Conn;

constexpr const char* kCommandColumns =
    "command_id, agent_id, type, payload, state, created_at, updated_at, result";

CommandRecord commandFrom(const sql::Rows::Row& r) {
  CommandRecord out;
  out.commandId = r.text(0);
  out.agentId = r.text(1);
  out.type = r.text(2);
  out.payload = r.text(3);
  out.state = parseCommandState(r.text(4)).value_or(CommandState::kPending);
  out.createdAtMs = r.integer(5);
  out.updatedAtMs = r.integer(6);
  out.result = r.text(7);
  return out;
}

std::vector<CommandRecord> commandsFrom(const sql::Rows& rows) {
  std::vector<CommandRecord> out;
  out.reserve(rows.size());
  for (std::size_t i = 0; i < rows.size(); ++i) out.push_back(commandFrom(rows[i]));
  return out;
}

Status noCommand(const std::string& id) {
  return Status::notFound("command \"" + id + "\" does not exist");
}

}  // namespace

Result<CommandRecord> SqlStore::enqueueCommand(const std::string& agentId, const std::string& type,
                                               const std::string& payload,
                                               const std::string& commandId) {
  CommandRecord out;
  out.commandId = commandId.empty()
                      ? Poco::UUIDGenerator::defaultGenerator().createRandom().toString()
                      : commandId;
  out.agentId = agentId;
  out.type = type;
  out.payload = payload.empty() ? "{}" : payload;
  out.state = CommandState::kPending;
  out.createdAtMs = out.updatedAtMs = nowMs();
  Status st =
      db_->write("queueing a " + type + " command for agent " + agentId, [&](Conn& c) -> Status {
        if (c.queryInt("SELECT COUNT(*) FROM agents WHERE id = ?", {agentId}, 0) == 0) {
          return Status::notFound("agent \"" + agentId + "\" does not exist");
        }
        if (c.queryInt("SELECT COUNT(*) FROM commands WHERE command_id = ?", {out.commandId}, 0) >
            0) {
          return Status::alreadyExists("command \"" + out.commandId + "\" already exists");
        }
        c.exec(std::string("INSERT INTO commands (") + kCommandColumns +
                   ") VALUES (?, ?, ?, ?, 'pending', ?, ?, '')",
               {out.commandId, agentId, type, out.payload, out.createdAtMs, out.updatedAtMs});
        return Status::ok();
      });
  if (!st.isOk()) return st;
  return out;
}

Result<CommandRecord> SqlStore::getCommand(const std::string& commandId) {
  CommandRecord out;
  Status st = db_->read("reading command " + commandId, [&](Conn& c) -> Status {
    auto rows =
        c.query(std::string("SELECT ") + kCommandColumns + " FROM commands WHERE command_id = ?",
                {commandId});
    if (rows.empty()) return noCommand(commandId);
    out = commandFrom(rows[0]);
    return Status::ok();
  });
  if (!st.isOk()) return st;
  return out;
}

Result<std::vector<CommandRecord>> SqlStore::listUnansweredCommands(const std::string& agentId) {
  std::vector<CommandRecord> out;
  Status st = db_->read("listing unanswered commands of agent " + agentId, [&](Conn& c) {
    out = commandsFrom(c.query(std::string("SELECT ") + kCommandColumns +
                                   " FROM commands WHERE agent_id = ? AND state IN "
                                   "('pending', 'sent') ORDER BY created_at, command_id",
                               {agentId}));
    return Status::ok();
  });
  if (!st.isOk()) return st;
  return out;
}

Result<std::vector<CommandRecord>> SqlStore::listCommands(const CommandFilter& f) {
  std::string sql = std::string("SELECT ") + kCommandColumns + " FROM commands WHERE 1 = 1";
  sql::Params params;
  if (!f.agentId.empty()) {
    sql += " AND agent_id = ?";
    params.emplace_back(f.agentId);
  }
  if (f.state) {
    sql += " AND state = ?";
    params.emplace_back(std::string(commandStateName(*f.state)));
  }
  sql += " ORDER BY created_at DESC, command_id DESC LIMIT ?";
  const std::size_t limit = f.limit == 0 ? 100 : std::min(f.limit, kMaxPageSize);
  params.emplace_back(static_cast<std::int64_t>(limit));
  std::vector<CommandRecord> out;
  Status st = db_->read("listing commands", [&](Conn& c) {
    out = commandsFrom(c.query(sql, params));
    return Status::ok();
  });
  if (!st.isOk()) return st;
  return out;
}

Status SqlStore::markCommandSent(const std::string& commandId) {
  return db_->write("marking command " + commandId + " sent", [&](Conn& c) -> Status {
    if (c.exec("UPDATE commands SET state = 'sent', updated_at = ? "
               "WHERE command_id = ? AND state = 'pending'",
               {nowMs(), commandId}) == 0 &&
        c.queryInt("SELECT COUNT(*) FROM commands WHERE command_id = ?", {commandId}, 0) == 0) {
      return noCommand(commandId);
    }
    return Status::ok();
  });
}

Status SqlStore::completeCommandIn(Conn& c, const std::string& commandId, bool ok,
                                   const std::string& message, bool strict,
                                   const std::string& onlyAgent) {
  // The first answer counts; a repeated command.result changes nothing; an agent answers
  // only its own commands.
  const std::size_t n = c.exec(
      "UPDATE commands SET state = ?, result = ?, updated_at = ? "
      "WHERE command_id = ? AND state IN ('pending', 'sent') AND (? = '' OR agent_id = ?)",
      {std::string(ok ? "done" : "failed"), message, nowMs(), commandId, onlyAgent, onlyAgent});
  if (n == 0 && strict &&
      c.queryInt("SELECT COUNT(*) FROM commands WHERE command_id = ?", {commandId}, 0) == 0) {
    return noCommand(commandId);
  }
  return Status::ok();
}

Status SqlStore::completeCommand(const std::string& commandId, bool ok,
                                 const std::string& message) {
  return db_->write("completing command " + commandId,
                    [&](Conn& c) { return completeCommandIn(c, commandId, ok, message, true); });
}

}  // namespace ferry::controller::store
