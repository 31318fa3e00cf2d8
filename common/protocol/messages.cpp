#include "common/protocol/messages.h"

#include <array>

namespace ferry::protocol {

using json = ferry::Json;

namespace {

Result<json> parseObject(std::string_view payload, const char* what) {
  json doc = json::parse(payload, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return Status::invalidArgument(std::string(what) + ": not valid JSON");
  if (!doc.is_object()) return Status::invalidArgument(std::string(what) + ": not a JSON object");
  return doc;
}

// Field readers that name what is wrong.
Status needString(const json& o, const char* key, const char* what, std::string& out,
                  bool allowEmpty = false) {
  auto it = o.find(key);
  if (it == o.end()) return Status::invalidArgument(std::string(what) + ": missing '" + key + "'");
  if (!it->is_string()) {
    return Status::invalidArgument(std::string(what) + ": '" + key + "' must be a string");
  }
  out = it->get<std::string>();
  if (!allowEmpty && out.empty()) {
    return Status::invalidArgument(std::string(what) + ": '" + key + "' is empty");
  }
  return Status::ok();
}

Status needUnsigned(const json& o, const char* key, const char* what, std::uint64_t& out) {
  auto it = o.find(key);
  if (it == o.end()) return Status::invalidArgument(std::string(what) + ": missing '" + key + "'");
  if (it->is_number_unsigned()) {
    out = it->get<std::uint64_t>();
  } else if (it->is_number_integer() && it->get<std::int64_t>() >= 0) {
    out = static_cast<std::uint64_t>(it->get<std::int64_t>());
  } else {
    return Status::invalidArgument(std::string(what) + ": '" + key +
                                   "' must be a non-negative integer");
  }
  return Status::ok();
}

Status needKind(const json& body, const std::string& type, const char* key, json::value_t kind) {
  auto it = body.find(key);
  auto name = [](json::value_t t) -> std::string {
    switch (t) {
      case json::value_t::string: return "a string";
      case json::value_t::object: return "an object";
      case json::value_t::array: return "an array";
      case json::value_t::boolean: return "a boolean";
      default: return "a value";
    }
  };
  if (it == body.end()) return Status::invalidArgument(type + " body: missing '" + key + "'");
  bool ok = it->type() == kind || (kind == json::value_t::object && it->is_object()) ||
            (kind == json::value_t::string && it->is_string());
  if (!ok) return Status::invalidArgument(type + " body: '" + key + "' must be " + name(kind));
  return Status::ok();
}

struct BodyField {
  const char* key;
  json::value_t kind;
};

}  // namespace

Result<EventEnvelope> parseEventEnvelope(std::string_view payload, std::string_view topicAgent) {
  auto doc = parseObject(payload, "event");
  if (!doc) return doc.status();
  EventEnvelope e;
  FERRY_RETURN_IF_ERROR(needString(*doc, "agent", "event", e.agent));
  if (e.agent != topicAgent) {
    return Status::invalidArgument("event: agent '" + e.agent + "' does not match the topic's '" +
                                   std::string(topicAgent) + "'");
  }
  FERRY_RETURN_IF_ERROR(needString(*doc, "epoch", "event", e.epoch));
  FERRY_RETURN_IF_ERROR(needUnsigned(*doc, "seq", "event", e.seq));
  if (e.seq == 0) return Status::invalidArgument("event: 'seq' starts at 1");
  FERRY_RETURN_IF_ERROR(needString(*doc, "type", "event", e.type));
  FERRY_RETURN_IF_ERROR(needString(*doc, "ts", "event", e.ts));
  auto body = doc->find("body");
  if (body == doc->end()) return Status::invalidArgument("event: missing 'body'");
  e.body = std::move(*body);
  return e;
}

std::string serialize(const EventEnvelope& e) {
  return json{{"agent", e.agent}, {"epoch", e.epoch}, {"seq", e.seq},
              {"type", e.type},   {"ts", e.ts},       {"body", e.body}}
      .dump();
}

Status validateEventBody(const std::string& type, const json& body) {
  using V = json::value_t;
  static const std::array<std::pair<const char*, std::vector<BodyField>>, 7> kSchemas = {{
      {"run.started",
       {{"runId", V::string},
        {"flowId", V::string},
        {"trigger", V::string},
        {"startedAt", V::string}}},
      {"run.progress", {{"runId", V::string}, {"counts", V::object}}},
      {"run.finished",
       {{"runId", V::string},
        {"state", V::string},
        {"counts", V::object},
        {"finishedAt", V::string}}},
      {"record.error",
       {{"errorId", V::string},
        {"runId", V::string},
        {"flowId", V::string},
        {"step", V::string},
        {"message", V::string}}},
      {"error.closed", {{"errorIds", V::array}, {"how", V::string}}},
      {"command.result", {{"commandId", V::string}, {"ok", V::boolean}}},
      {"heartbeat", {{"stats", V::object}}},
  }};
  if (!body.is_object()) return Status::invalidArgument(type + " body: not a JSON object");
  for (const auto& [name, fields] : kSchemas) {
    if (type != name) continue;
    for (const auto& f : fields) FERRY_RETURN_IF_ERROR(needKind(body, type, f.key, f.kind));
    if (type == "record.error" && !body.contains("record")) {
      return Status::invalidArgument("record.error body: missing 'record'");
    }
    if (type == "error.closed") {
      const std::string how = body["how"].get<std::string>();
      if (how != "retried" && how != "resolved" && how != "expired") {
        return Status::invalidArgument(
            "error.closed body: 'how' must be retried, resolved or "
            "expired");
      }
    }
    return Status::ok();
  }
  return Status::invalidArgument("unknown event type '" + type + "'");
}

Result<OnlineMessage> parseOnline(std::string_view payload) {
  auto doc = parseObject(payload, "online");
  if (!doc) return doc.status();
  OnlineMessage m;
  auto online = doc->find("online");
  if (online == doc->end() || !online->is_boolean()) {
    return Status::invalidArgument("online: 'online' must be a boolean");
  }
  m.online = online->get<bool>();
  FERRY_RETURN_IF_ERROR(needString(*doc, "epoch", "online", m.epoch));
  std::uint64_t session = 0;
  FERRY_RETURN_IF_ERROR(needUnsigned(*doc, "session", "online", session));
  m.session = static_cast<std::int64_t>(session);
  return m;
}

std::string serialize(const OnlineMessage& m) {
  return json{{"online", m.online}, {"epoch", m.epoch}, {"session", m.session}}.dump();
}

Result<AckMessage> parseAck(std::string_view payload) {
  auto doc = parseObject(payload, "ack");
  if (!doc) return doc.status();
  AckMessage m;
  FERRY_RETURN_IF_ERROR(needString(*doc, "epoch", "ack", m.epoch));
  FERRY_RETURN_IF_ERROR(needUnsigned(*doc, "upTo", "ack", m.upTo));
  return m;
}

std::string serialize(const AckMessage& m) {
  return json{{"epoch", m.epoch}, {"upTo", m.upTo}}.dump();
}

bool isKnownCommandType(std::string_view type) {
  for (std::string_view t :
       {"run-flow", "retry-errors", "resolve-errors", "pause-flow", "resume-flow"}) {
    if (t == type) return true;
  }
  return false;
}

Result<CommandMessage> parseCommand(std::string_view payload) {
  auto doc = parseObject(payload, "command");
  if (!doc) return doc.status();
  CommandMessage m;
  FERRY_RETURN_IF_ERROR(needString(*doc, "id", "command", m.id));
  FERRY_RETURN_IF_ERROR(needString(*doc, "type", "command", m.type));
  if (!isKnownCommandType(m.type)) {
    return Status::invalidArgument("command: unknown type '" + m.type + "'");
  }
  auto args = doc->find("args");
  if (args != doc->end()) {
    if (!args->is_object()) return Status::invalidArgument("command: 'args' must be an object");
    m.args = *args;
  }
  return m;
}

std::string serialize(const CommandMessage& m) {
  return json{{"id", m.id}, {"type", m.type}, {"args", m.args}}.dump();
}

Result<ReportedMessage> parseReported(std::string_view payload) {
  auto doc = parseObject(payload, "reported");
  if (!doc) return doc.status();
  ReportedMessage m;
  std::uint64_t version = 0;
  FERRY_RETURN_IF_ERROR(needUnsigned(*doc, "appliedVersion", "reported", version));
  m.appliedVersion = static_cast<std::int64_t>(version);
  if (doc->contains("rejectedVersion")) {
    FERRY_RETURN_IF_ERROR(needUnsigned(*doc, "rejectedVersion", "reported", version));
    m.rejectedVersion = static_cast<std::int64_t>(version);
  }
  if (doc->contains("error")) {
    FERRY_RETURN_IF_ERROR(needString(*doc, "error", "reported", m.error, /*allowEmpty=*/true));
  }
  FERRY_RETURN_IF_ERROR(needString(*doc, "agentVersion", "reported", m.agentVersion));
  FERRY_RETURN_IF_ERROR(needString(*doc, "epoch", "reported", m.epoch));
  for (auto [key, out] : {std::pair{"stats", &m.stats}, std::pair{"flows", &m.flows}}) {
    auto it = doc->find(key);
    if (it == doc->end()) continue;
    if (!it->is_object()) {
      return Status::invalidArgument(std::string("reported: '") + key + "' must be an object");
    }
    *out = *it;
  }
  return m;
}

std::string serialize(const ReportedMessage& m) {
  json doc = {{"appliedVersion", m.appliedVersion},
              {"agentVersion", m.agentVersion},
              {"epoch", m.epoch},
              {"stats", m.stats},
              {"flows", m.flows}};
  if (m.rejectedVersion > 0) {
    doc["rejectedVersion"] = m.rejectedVersion;
    doc["error"] = m.error;
  }
  return doc.dump();
}

Result<DesiredHeader> parseDesiredHeader(const json& document) {
  if (!document.is_object()) return Status::invalidArgument("desired: not a JSON object");
  auto v = document.find("version");
  if (v == document.end()) return Status::invalidArgument("desired: missing 'version'");
  if (!v->is_number_integer() || v->get<std::int64_t>() < 1) {
    return Status::invalidArgument("desired: 'version' must be an integer of at least 1");
  }
  if (!document.contains("resources") || !document["resources"].is_array()) {
    return Status::invalidArgument("desired: 'resources' must be an array");
  }
  return DesiredHeader{v->get<std::int64_t>()};
}

}  // namespace ferry::protocol
