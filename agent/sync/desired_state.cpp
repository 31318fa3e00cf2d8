#include "agent/sync/desired_state.h"

#include "common/fs/atomic_file.h"
#include "common/protocol/messages.h"

namespace ferry::agent::sync {

using json = ferry::Json;

namespace {

Result<std::shared_ptr<const model::Definitions>> definitionsOf(const json& document) {
  auto defs = model::parseDefinitions(document);
  if (!defs) return defs.status();
  return std::shared_ptr<const model::Definitions>(
      std::make_shared<model::Definitions>(std::move(*defs)));
}

}  // namespace

Result<DesiredState> DesiredState::load(const std::string& stateDir) {
  DesiredState state;
  state.path_ = stateDir + "/desired.json";
  auto text = fs::readWholeFile(state.path_);
  if (!text) {
    if (text.status().code() == StatusCode::kNotFound) return state;
    return text.status();
  }
  json doc = json::parse(*text, nullptr, false);
  auto corrupt = [&](const std::string& what) {
    return Status::dataLoss(state.path_ + ": " + what +
                            "; move the file away to start without a desired state");
  };
  if (!doc.is_object()) return corrupt("not a JSON object");
  state.appliedVersion_ = doc.value("appliedVersion", std::int64_t{0});
  state.rejectedVersion_ = doc.value("rejectedVersion", std::int64_t{0});
  state.rejectedError_ = doc.value("error", std::string());
  if (state.appliedVersion_ > 0) {
    state.appliedDocument_ = doc.value("document", json());
    auto defs = definitionsOf(state.appliedDocument_);
    if (!defs) return corrupt("the applied document no longer parses: " + defs.status().message());
    state.applied_ = std::move(*defs);
  }
  return state;
}

DesiredState::Decision DesiredState::evaluate(std::string_view payload) const {
  Decision d;
  if (payload.empty()) {
    d.reason = "empty desired message (cleared retained state): the applied document stays";
    return d;
  }
  d.document = json::parse(payload, nullptr, false);
  if (d.document.is_discarded()) {
    d.reason = "desired: not valid JSON";
    return d;
  }
  auto header = protocol::parseDesiredHeader(d.document);
  if (!header) {
    // Without a version the document cannot be reported as rejected; it is logged only.
    if (d.document.is_object() && d.document.contains("version") &&
        d.document["version"].is_number_integer()) {
      d.version = d.document["version"].get<std::int64_t>();
    }
    if (d.version > appliedVersion_ && d.version != rejectedVersion_) {
      d.verdict = Verdict::kReject;
    }
    d.reason = header.status().message();
    return d;
  }
  d.version = header->version;
  if (d.version <= appliedVersion_) {
    d.reason = "version " + std::to_string(d.version) + " is not newer than the applied " +
               std::to_string(appliedVersion_);
    return d;
  }
  if (d.version == rejectedVersion_) {
    d.reason = "version " + std::to_string(d.version) + " was rejected before";
    return d;
  }
  auto defs = definitionsOf(d.document);
  if (!defs) {
    d.verdict = Verdict::kReject;
    d.reason = defs.status().message();
    return d;
  }
  d.verdict = Verdict::kApply;
  d.definitions = std::move(*defs);
  return d;
}

Status DesiredState::recordApplied(const Decision& applied) {
  appliedVersion_ = applied.version;
  appliedDocument_ = applied.document;
  applied_ = applied.definitions;
  return save();
}

Status DesiredState::recordRejected(std::int64_t version, const std::string& error) {
  rejectedVersion_ = version;
  rejectedError_ = error;
  return save();
}

Status DesiredState::save() const {
  json doc = {{"appliedVersion", appliedVersion_},
              {"rejectedVersion", rejectedVersion_},
              {"error", rejectedError_}};
  if (appliedVersion_ > 0) doc["document"] = appliedDocument_;
  return fs::writeFileAtomically(path_, doc.dump() + "\n", 0600);
}

}  // namespace ferry::agent::sync
