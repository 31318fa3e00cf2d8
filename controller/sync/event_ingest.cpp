#include "controller/sync/event_ingest.h"

#include "controller/api/time_format.h"

namespace ferry::controller::sync {

using json = ferry::Json;

namespace {

std::int64_t timeField(const json& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end() || !it->is_string()) return 0;
  return api::parseIsoTime(it->get<std::string>()).value_or(0);
}

std::int64_t count(const json& counts, const char* key) {
  auto it = counts.find(key);
  return it != counts.end() && it->is_number_integer() ? it->get<std::int64_t>() : 0;
}

store::RunCounts countsFrom(const json& body) {
  const json& c = body["counts"];
  return {count(c, "read"), count(c, "filtered"), count(c, "written"), count(c, "failed")};
}

std::string text(const json& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return "";
  return it->is_string() ? it->get<std::string>() : it->dump();
}

}  // namespace

store::AgentStats agentStatsFrom(const json& stats) {
  store::AgentStats s;
  if (!stats.is_object()) return s;
  s.outboxBacklog = count(stats, "outboxBacklog");
  s.oldestUndeliveredAgeSeconds = count(stats, "oldestUndeliveredAgeSeconds");
  s.queueDepth = count(stats, "queueDepth");
  s.json = stats.dump();
  return s;
}

store::IngestEvent toIngestEvent(const protocol::EventEnvelope& e, std::int64_t receivedAtMs) {
  store::IngestEvent out;
  out.key = {e.agent, e.epoch, e.seq};
  out.type = e.type;
  out.receivedAtMs = receivedAtMs;
  Status valid = protocol::validateEventBody(e.type, e.body);
  if (!valid.isOk()) {
    out.effect = store::Quarantine{valid.message(), e.body.dump()};
    return out;
  }
  const json& b = e.body;
  if (e.type == "run.started" || e.type == "run.progress" || e.type == "run.finished") {
    store::RunUpdate u;
    u.runId = b["runId"].get<std::string>();
    u.agentId = e.agent;
    u.flowId = text(b, "flowId");
    if (e.type == "run.started") {
      u.kind = store::RunUpdate::Kind::kStarted;
      u.trigger = text(b, "trigger");
      u.startedAtMs = timeField(b, "startedAt");
    } else if (e.type == "run.progress") {
      u.kind = store::RunUpdate::Kind::kProgress;
      u.counts = countsFrom(b);
    } else {
      u.kind = store::RunUpdate::Kind::kFinished;
      u.state = b["state"].get<std::string>();
      u.counts = countsFrom(b);
      u.finishedAtMs = timeField(b, "finishedAt");
      u.errorSummary = text(b, "errorSummary");
    }
    out.effect = std::move(u);
  } else if (e.type == "record.error") {
    store::RunErrorRecord r;
    r.errorId = b["errorId"].get<std::string>();
    r.runId = b["runId"].get<std::string>();
    r.agentId = e.agent;
    r.flowId = b["flowId"].get<std::string>();
    r.step = b["step"].get<std::string>();
    r.message = b["message"].get<std::string>();
    r.record = b["record"].dump();
    out.effect = std::move(r);
  } else if (e.type == "error.closed") {
    store::ErrorsClosed c;
    for (const auto& id : b["errorIds"]) {
      if (id.is_string()) c.errorIds.push_back(id.get<std::string>());
    }
    c.how = b["how"].get<std::string>();
    out.effect = std::move(c);
  } else if (e.type == "command.result") {
    out.effect = store::CommandResult{b["commandId"].get<std::string>(), b["ok"].get<bool>(),
                                      text(b, "message")};
  } else if (e.type == "heartbeat") {
    out.effect = store::HeartbeatStats{agentStatsFrom(b["stats"])};
  }
  return out;
}

}  // namespace ferry::controller::sync
