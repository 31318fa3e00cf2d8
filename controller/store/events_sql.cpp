#include <algorithm>
#include <map>
#include <numeric>
#include <optional>
#include <set>

#include "common/json/json.h"
#include "controller/store/sql_store.h"

namespace ferry::controller::store {

namespace {

using sql::Conn;

std::int64_t storedPrefix(Conn& c, const std::string& agentId, const std::string& epoch) {
  return c.queryInt("SELECT prefix FROM event_prefixes WHERE agent_id = ? AND epoch = ?",
                    {agentId, epoch}, 0);
}

// From a known prefix `p`, the end of the run of stored seqs p+1, p+2, … (p itself when
// p+1 is missing). It walks the seqs above p in index order, a chunk at a time, in C++:
// a NOT EXISTS self-join let PostgreSQL pick a plan that scanned the whole table.
// Rows above p are only the out-of-order ones, so this stays short.
std::int64_t extendPrefix(Conn& c, const std::string& agentId, const std::string& epoch,
                          std::int64_t p) {
  constexpr std::int64_t kChunk = 1000;
  for (;;) {
    auto rows = c.query(
        "SELECT seq FROM events_seen WHERE agent_id = ? AND epoch = ? AND seq > ? "
        "ORDER BY seq LIMIT ?",
        {agentId, epoch, p, kChunk});
    std::size_t i = 0;
    while (i < rows.size() && rows[i].integer(0) == p + 1) {
      ++p;
      ++i;
    }
    if (i < static_cast<std::size_t>(kChunk)) return p;  // a gap, or no more rows
  }
}

// The stored prefix only moves up, so replicas racing on it cannot move it back.
void savePrefix(Conn& c, const std::string& agentId, const std::string& epoch, std::int64_t prefix,
                std::int64_t now) {
  c.exec(
      "INSERT INTO event_prefixes (agent_id, epoch, prefix, updated_at) VALUES (?, ?, ?, ?) "
      "ON CONFLICT (agent_id, epoch) DO UPDATE SET prefix = excluded.prefix, "
      "updated_at = excluded.updated_at WHERE event_prefixes.prefix < excluded.prefix",
      {agentId, epoch, prefix, now});
}

// Inserts the key unless the prefix covers it or it is stored; true when new.
bool insertSeen(Conn& c, const EventKey& key, const std::string& type, std::int64_t prefix,
                std::int64_t receivedAt) {
  const auto seq = static_cast<std::int64_t>(key.seq);
  if (seq <= prefix) return false;
  return c.exec(
             "INSERT INTO events_seen (agent_id, epoch, seq, type, received_at) "
             "VALUES (?, ?, ?, ?, ?) ON CONFLICT (agent_id, epoch, seq) DO NOTHING",
             {key.agentId, key.epoch, seq, type, receivedAt}) > 0;
}

// Inserts the keys of one (agent, epoch), all above its prefix and distinct, a chunk per
// statement; returns the seqs that were new (RETURNING reports only inserted rows; SQLite
// has it since 3.35). One statement per event cost PostgreSQL a round trip per event.
std::set<std::int64_t> insertSeenMany(Conn& c, const std::string& agentId, const std::string& epoch,
                                      const std::vector<const IngestEvent*>& events,
                                      const std::vector<std::int64_t>& receivedAt) {
  constexpr std::size_t kRowsPerStatement = 100;
  std::set<std::int64_t> fresh;
  for (std::size_t start = 0; start < events.size(); start += kRowsPerStatement) {
    const std::size_t end = std::min(events.size(), start + kRowsPerStatement);
    std::string sql = "INSERT INTO events_seen (agent_id, epoch, seq, type, received_at) VALUES ";
    sql::Params params;
    for (std::size_t k = start; k < end; ++k) {
      sql += k == start ? "(?, ?, ?, ?, ?)" : ", (?, ?, ?, ?, ?)";
      params.insert(params.end(), {agentId, epoch, static_cast<std::int64_t>(events[k]->key.seq),
                                   events[k]->type, receivedAt[k]});
    }
    sql += " ON CONFLICT (agent_id, epoch, seq) DO NOTHING RETURNING seq";
    auto rows = c.query(sql, std::move(params));
    for (std::size_t r = 0; r < rows.size(); ++r) fresh.insert(rows[r].integer(0));
  }
  return fresh;
}

void quarantine(Conn& c, const EventKey& key, const std::string& type, const Quarantine& q,
                std::int64_t receivedAt) {
  c.exec(
      "INSERT INTO quarantined_events (agent_id, epoch, seq, type, reason, payload, "
      "received_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (agent_id, epoch, seq) DO NOTHING",
      {key.agentId, key.epoch, static_cast<std::int64_t>(key.seq), type, q.reason, q.payload,
       receivedAt});
}

Status checkKey(const EventKey& key) {
  if (key.agentId.empty() || key.epoch.empty() || key.seq == 0) {
    return Status::invalidArgument("an event key needs an agent, an epoch and a seq from 1");
  }
  if (key.seq > static_cast<std::uint64_t>(INT64_MAX)) {
    return Status::invalidArgument("event seq " + std::to_string(key.seq) + " is out of range");
  }
  return Status::ok();
}

}  // namespace

// The run updates of one ingest batch, merged per run before they are written. Updates of
// a run give the same row in any order (RunUpdate), so its started, its progress (counts
// only grow) and its finished can each be written once instead of once per event.
class RunBatch {
 public:
  void add(RunUpdate u) {
    auto [it, inserted] = runs_.try_emplace(u.runId);
    if (inserted) order_.push_back(u.runId);
    Pending& p = it->second;
    switch (u.kind) {
      case RunUpdate::Kind::kStarted: p.started = std::move(u); break;
      case RunUpdate::Kind::kFinished: p.finished = std::move(u); break;
      case RunUpdate::Kind::kProgress:
        if (!p.progress) {
          p.progress = std::move(u);
          break;
        }
        RunCounts& c = p.progress->counts;
        c.read = std::max(c.read, u.counts.read);
        c.filtered = std::max(c.filtered, u.counts.filtered);
        c.written = std::max(c.written, u.counts.written);
        c.failed = std::max(c.failed, u.counts.failed);
        if (!u.flowId.empty()) p.progress->flowId = u.flowId;
        if (!u.integration.empty()) p.progress->integration = u.integration;
        break;
    }
  }

  // In the order to write them: per run started, progress, finished.
  std::vector<const RunUpdate*> updates() const {
    std::vector<const RunUpdate*> out;
    for (const std::string& id : order_) {
      const Pending& p = runs_.at(id);
      for (const auto* u : {&p.started, &p.progress, &p.finished}) {
        if (*u) out.push_back(&**u);
      }
    }
    return out;
  }

 private:
  struct Pending {
    std::optional<RunUpdate> started, progress, finished;
  };
  std::vector<std::string> order_;
  std::map<std::string, Pending> runs_;
};

Result<bool> SqlStore::recordEventIn(Conn& c, const EventKey& key, const std::string& type,
                                     std::int64_t receivedAtMs) {
  FERRY_RETURN_IF_ERROR(checkKey(key));
  const std::int64_t p = storedPrefix(c, key.agentId, key.epoch);
  if (!insertSeen(c, key, type, p, receivedAtMs)) return false;
  const std::int64_t next = extendPrefix(c, key.agentId, key.epoch, p);
  if (next > p) savePrefix(c, key.agentId, key.epoch, next, receivedAtMs);
  return true;
}

std::uint64_t SqlStore::prefixIn(Conn& c, const std::string& agentId, const std::string& epoch) {
  return static_cast<std::uint64_t>(
      extendPrefix(c, agentId, epoch, storedPrefix(c, agentId, epoch)));
}

Result<bool> SqlStore::recordEvent(const std::string& agentId, const std::string& epoch,
                                   std::uint64_t seq) {
  bool fresh = false;
  Status st = db_->write("recording event " + agentId + "/" + epoch + "/" + std::to_string(seq),
                         [&](Conn& c) -> Status {
                           auto r = recordEventIn(c, EventKey{agentId, epoch, seq}, "", nowMs());
                           if (!r.isOk()) return r.status();
                           fresh = *r;
                           return Status::ok();
                         });
  if (!st.isOk()) return st;
  return fresh;
}

Result<std::uint64_t> SqlStore::contiguousPrefix(const std::string& agentId,
                                                 const std::string& epoch) {
  std::uint64_t prefix = 0;
  Status st = db_->read("reading the event prefix of " + agentId + "/" + epoch, [&](Conn& c) {
    prefix = prefixIn(c, agentId, epoch);
    return Status::ok();
  });
  if (!st.isOk()) return st;
  return prefix;
}

Result<IngestResult> SqlStore::ingestEvents(const std::vector<IngestEvent>& events) {
  for (const IngestEvent& e : events) FERRY_RETURN_IF_ERROR(checkKey(e.key));
  // Keys in one order in every transaction, and prefixes after all keys, so replicas take
  // their locks in one order and do not deadlock on each other. Stable: of two copies of
  // one event in a batch, the first is the one applied.
  std::vector<std::size_t> order(events.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    const EventKey& x = events[a].key;
    const EventKey& y = events[b].key;
    return std::tie(x.agentId, x.epoch, x.seq) < std::tie(y.agentId, y.epoch, y.seq);
  });
  IngestResult out;
  Status st =
      db_->write("ingesting " + std::to_string(events.size()) + " events", [&](Conn& c) -> Status {
        out = IngestResult{};
        out.fresh.assign(events.size(), false);
        std::map<std::string, std::int64_t> lastSeen;
        std::vector<std::int64_t> known;  // the stored prefix of each group, as read
        RunBatch runs;
        std::size_t i = 0;
        while (i < order.size()) {
          const EventKey& group = events[order[i]].key;
          const std::int64_t p = storedPrefix(c, group.agentId, group.epoch);
          out.prefixes.push_back({group.agentId, group.epoch, static_cast<std::uint64_t>(p)});
          known.push_back(p);
          // The group's events above the prefix, each key once (the first copy wins).
          std::vector<std::size_t> candidates;
          std::vector<const IngestEvent*> rows;
          std::vector<std::int64_t> received;
          for (; i < order.size(); ++i) {
            const IngestEvent& e = events[order[i]];
            if (e.key.agentId != group.agentId || e.key.epoch != group.epoch) break;
            const std::int64_t at = orNow(e.receivedAtMs);
            auto& seen = lastSeen[e.key.agentId];
            seen = std::max(seen, at);
            if (static_cast<std::int64_t>(e.key.seq) <= p) continue;
            if (!rows.empty() && rows.back()->key.seq == e.key.seq) continue;
            candidates.push_back(order[i]);
            rows.push_back(&e);
            received.push_back(at);
          }
          const std::set<std::int64_t> fresh =
              insertSeenMany(c, group.agentId, group.epoch, rows, received);
          for (std::size_t k = 0; k < rows.size(); ++k) {
            const IngestEvent& e = *rows[k];
            if (fresh.count(static_cast<std::int64_t>(e.key.seq)) == 0) continue;
            out.fresh[candidates[k]] = true;
            Status applied = applyEffectIn(c, e, received[k], runs);
            if (applied.code() == StatusCode::kInvalidArgument) {
              // A body the sync side let through but the store cannot use: keep it aside
              // rather than fail the batch, so it never blocks the acknowledged prefix.
              quarantine(c, e.key, e.type, Quarantine{applied.message(), ""}, received[k]);
            } else if (!applied.isOk()) {
              return applied;
            }
          }
        }
        for (const RunUpdate* u : runs.updates()) FERRY_RETURN_IF_ERROR(upsertRunIn(c, *u));
        const std::int64_t now = nowMs();
        for (std::size_t g = 0; g < out.prefixes.size(); ++g) {
          EpochPrefix& prefix = out.prefixes[g];
          const std::int64_t next = extendPrefix(c, prefix.agentId, prefix.epoch, known[g]);
          if (next > known[g]) savePrefix(c, prefix.agentId, prefix.epoch, next, now);
          prefix.upTo = static_cast<std::uint64_t>(next);
        }
        for (const auto& [agentId, at] : lastSeen) {
          c.exec("UPDATE agents SET last_seen = ? WHERE id = ? AND last_seen < ?",
                 {at, agentId, at});
        }
        return Status::ok();
      });
  if (!st.isOk()) return st;
  return out;
}

// A retry-errors command is answered after the agent announced (error.closed) the errors it
// retried; any of its errors still `retrying` failed again or could not run: open again.
Status SqlStore::reopenUnretriedErrors(Conn& c, const std::string& commandId,
                                       const std::string& agentId) {
  auto rows = c.query("SELECT type, payload FROM commands WHERE command_id = ? AND agent_id = ?",
                      {commandId, agentId});
  if (rows.empty() || rows[0].text(0) != "retry-errors") return Status::ok();
  auto args = ferry::Json::parse(rows[0].text(1), nullptr, false);
  if (!args.is_object() || !args.contains("errorIds") || !args["errorIds"].is_array()) {
    return Status::ok();
  }
  std::vector<std::string> ids;
  for (const auto& id : args["errorIds"]) {
    if (id.is_string()) ids.push_back(id.get<std::string>());
  }
  std::vector<std::string> retrying;
  for (const auto& id : ids) {
    if (c.queryInt("SELECT COUNT(*) FROM run_errors WHERE error_id = ? AND state = 'retrying'",
                   {id}, 0) > 0) {
      retrying.push_back(id);
    }
  }
  if (retrying.empty()) return Status::ok();
  auto n = setErrorStateIn(c, retrying, ErrorState::kOpen, "", false, agentId);
  return n.isOk() ? Status::ok() : n.status();
}

Status SqlStore::applyEffectIn(Conn& c, const IngestEvent& e, std::int64_t receivedAtMs,
                               RunBatch& runs) {
  if (const auto* run = std::get_if<RunUpdate>(&e.effect)) {
    RunUpdate u = *run;
    if (u.agentId.empty()) u.agentId = e.key.agentId;
    FERRY_RETURN_IF_ERROR(validateRunUpdate(u));
    runs.add(std::move(u));
    return Status::ok();
  }
  if (const auto* error = std::get_if<RunErrorRecord>(&e.effect)) {
    RunErrorRecord r = *error;
    if (r.agentId.empty()) r.agentId = e.key.agentId;
    if (r.createdAtMs == 0) r.createdAtMs = receivedAtMs;
    auto inserted = insertErrorIn(c, r);
    return inserted.isOk() ? Status::ok() : inserted.status();
  }
  if (const auto* closed = std::get_if<ErrorsClosed>(&e.effect)) {
    auto n = setErrorStateIn(c, closed->errorIds, ErrorState::kResolved, closed->how, false,
                             e.key.agentId);
    return n.isOk() ? Status::ok() : n.status();
  }
  if (const auto* result = std::get_if<CommandResult>(&e.effect)) {
    FERRY_RETURN_IF_ERROR(
        completeCommandIn(c, result->commandId, result->ok, result->message, false, e.key.agentId));
    return reopenUnretriedErrors(c, result->commandId, e.key.agentId);
  }
  if (const auto* heartbeat = std::get_if<HeartbeatStats>(&e.effect)) {
    return updateStatsIn(c, e.key.agentId, heartbeat->stats, receivedAtMs);
  }
  if (const auto* q = std::get_if<Quarantine>(&e.effect)) {
    quarantine(c, e.key, e.type, *q, receivedAtMs);
  }
  return Status::ok();
}

Result<std::vector<QuarantinedEvent>> SqlStore::listQuarantinedEvents(const std::string& agentId,
                                                                      std::size_t limit) {
  std::string sql =
      "SELECT agent_id, epoch, seq, type, reason, payload, received_at FROM quarantined_events";
  sql::Params params;
  if (!agentId.empty()) {
    sql += " WHERE agent_id = ?";
    params.emplace_back(agentId);
  }
  sql += " ORDER BY received_at DESC, seq DESC LIMIT ?";
  params.emplace_back(static_cast<std::int64_t>(limit == 0 ? 100 : std::min(limit, kMaxPageSize)));
  std::vector<QuarantinedEvent> out;
  Status st = db_->read("listing quarantined events", [&](Conn& c) {
    auto rows = c.query(sql, params);
    for (std::size_t i = 0; i < rows.size(); ++i) {
      QuarantinedEvent q;
      q.key = {rows[i].text(0), rows[i].text(1), static_cast<std::uint64_t>(rows[i].integer(2))};
      q.type = rows[i].text(3);
      q.reason = rows[i].text(4);
      q.payload = rows[i].text(5);
      q.receivedAtMs = rows[i].integer(6);
      out.push_back(std::move(q));
    }
    return Status::ok();
  });
  if (!st.isOk()) return st;
  return out;
}

}  // namespace ferry::controller::store
