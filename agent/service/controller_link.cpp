#include "agent/service/controller_link.h"

#include "common/mqtt/mqtt_options.h"
#include "common/secrets/secret_store.h"
#include "common/version/version.h"

namespace ferry::agent {

using json = ferry::Json;

namespace {

std::vector<std::string> stringList(const json& args, const char* key) {
  std::vector<std::string> out;
  auto it = args.find(key);
  if (it == args.end() || !it->is_array()) return out;
  for (const auto& v : *it) {
    if (v.is_string()) out.push_back(v.get<std::string>());
  }
  return out;
}

sync::CommandJournal::Answer answer(const Status& st, const std::string& okMessage) {
  return {"", st.isOk(), st.isOk() ? okMessage : st.message()};
}

}  // namespace

Result<std::unique_ptr<ControllerLink>> ControllerLink::start(const config::AgentConfig& cfg,
                                                              const std::string& stateDir,
                                                              FlowHost& host,
                                                              sync::DesiredState desired,
                                                              const Logger& log) {
  if (host.outbox() == nullptr) return Status::failedPrecondition("no outbox: mqtt.url is not set");
  auto journal = sync::CommandJournal::load(stateDir);
  if (!journal) return journal.status();
  std::string password;
  if (!cfg.mqtt.passwordSecret.empty()) {
    auto secrets = secrets::SecretStore::open({stateDir, ""});
    if (!secrets) return secrets.status();
    auto value = (*secrets)->resolve(cfg.mqtt.passwordSecret);
    if (!value) {
      return Status::failedPrecondition("mqtt.password: " + value.status().message());
    }
    password = std::move(*value);
  }
  auto out = std::make_unique<ControllerLink>(host, cfg.definitions, std::move(desired),
                                              std::move(*journal));
  sync::AgentLink::Options options;
  options.agentId = cfg.agentId;
  options.epoch = host.queueId();
  options.agentVersion = std::string(ferryVersion());
  options.connect = mqtt::connectOptionsFrom(cfg.mqtt, std::move(password));
  options.heartbeat = std::chrono::seconds(std::max(1, cfg.mqtt.heartbeatSeconds));
  Logger linkLog = log.child("link");
  out->link_ = std::make_unique<sync::AgentLink>(std::move(options),
                                                 mqtt::makePahoTransport(linkLog), *host.outbox(),
                                                 out->desired_, out->journal_, *out, linkLog);
  out->link_->start();
  return out;
}

ControllerLink::~ControllerLink() {
  // The runs have stopped (FlowHost::stop); their last events get a moment to leave.
  if (link_) link_->stop(std::chrono::seconds(3));
}

Status ControllerLink::applyDefinitions(std::shared_ptr<const model::Definitions> definitions) {
  if (!localDefinitions_.empty()) {
    return Status::failedPrecondition(
        "this agent runs the local definitions file " + localDefinitions_ +
        "; remove `definitions` from its config to take definitions from the controller");
  }
  return host_.apply(std::move(definitions));
}

sync::CommandJournal::Answer ControllerLink::runCommand(const protocol::CommandMessage& command) {
  const json& args = command.args;
  const std::string flowId = args.value("flowId", std::string());
  if (command.type == "run-flow")
    return answer(host_.runNow(flowId), "run of " + flowId + " started");
  if (command.type == "pause-flow")
    return answer(host_.setPaused(flowId, true), flowId + " paused");
  if (command.type == "resume-flow") {
    return answer(host_.setPaused(flowId, false), flowId + " resumed");
  }
  const auto ids = stringList(args, "errorIds");
  if (ids.empty())
    return {"", false, command.type + ": 'errorIds' must list at least one error id"};
  if (command.type == "resolve-errors") {
    auto changed = host_.resolveErrors(ids);
    if (!changed) return {"", false, changed.status().message()};
    return {"", true, std::to_string(*changed) + " error(s) resolved"};
  }
  // retry-errors, optionally with an edited record for a single error.
  std::optional<json> edited;
  if (auto r = args.find("record"); r != args.end() && !r->is_null()) {
    if (ids.size() != 1)
      return {"", false, "retry-errors: 'record' replaces the record of one error"};
    edited = *r;
  }
  bool ok = true;
  std::string message;
  for (const auto& o : host_.retryErrors(ids, edited)) {
    ok = ok && !o.failed;
    if (!message.empty()) message += "; ";
    message += o.errorId + ": " + o.message;
  }
  return {"", ok, message};
}

}  // namespace ferry::agent
