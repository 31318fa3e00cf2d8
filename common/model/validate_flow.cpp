#include "common/json/json_pointer.h"
#include "common/model/validation_context.h"
#include "common/schedule/schedule.h"
#include "common/schema/suggest.h"
#include "common/transform/json_logic.h"
#include "common/transform/mapping.h"

namespace ferry::model::detail {

using json = ferry::Json;

namespace {

const std::vector<std::string>& stepKeys() {
  static const std::vector<std::string> keys = {"filter", "lookup", "map", "import"};
  return keys;
}

void validateStep(ValidationContext& ctx, const json& step, const std::string& p, bool& hasImport) {
  if (!step.is_object() || step.size() != 1) {
    ctx.error(p,
              "a step is an object with one key: {\"filter\": …}, {\"lookup\": id}, "
              "{\"map\": […]} or {\"import\": id}");
    if (!step.is_object()) return;
  }
  for (auto it = step.begin(); it != step.end(); ++it) {
    std::string where = jsonptr::appendToken(p, it.key());
    const std::string& key = it.key();
    if (key == "filter") {
      transform::validateLogic(*it, where, ctx.problems());
    } else if (key == "map") {
      if (!it->is_array()) {
        ctx.error(where, "'map' must be an array of mapping rules");
      } else {
        transform::validateMapping(*it, where, ctx.problems());
      }
    } else if (key == "lookup") {
      ctx.resolve(*it, Kind::kLookup, where);
    } else if (key == "import") {
      hasImport = true;
      ctx.resolve(*it, Kind::kImport, where);
    } else {
      std::string message = "unknown step '" + key + "'";
      if (auto guess = closestMatch(key, stepKeys())) {
        message += "; did you mean '" + *guess + "'?";
      } else {
        message += "; steps are filter, lookup, map and import";
      }
      ctx.error(where, message);
    }
  }
}

}  // namespace

void validateFlow(ValidationContext& ctx, const json& flow, const std::string& p) {
  ctx.checkFields(flow, flowFields(), p, true);
  auto agent = flow.find("agent");
  if (agent != flow.end() && agent->is_string() && !isValidId(agent->get<std::string>())) {
    ctx.error(jsonptr::appendToken(p, "agent"),
              "'" + agent->get<std::string>() + "' is not a valid agent id");
  } else if (agent == flow.end() && ctx.options().requireAgent) {
    ctx.error(jsonptr::appendToken(p, "agent"),
              "missing required key 'agent': the controller needs to know which agent runs "
              "the flow");
  }
  if (auto sources = flow.find("sources"); sources != flow.end() && sources->is_array()) {
    if (sources->empty()) {
      ctx.error(jsonptr::appendToken(p, "sources"), "a flow needs at least one source export");
    }
    for (std::size_t i = 0; i < sources->size(); ++i) {
      const json& source = (*sources)[i];
      if (source.is_string()) {
        ctx.resolve(source, Kind::kExport,
                    jsonptr::appendIndex(jsonptr::appendToken(p, "sources"), i));
      }
    }
  }
  if (auto schedule = flow.find("schedule"); schedule != flow.end()) {
    schedule::Schedule::fromJson(*schedule, jsonptr::appendToken(p, "schedule"), ctx.problems(),
                                 ctx.options().zoneinfoDir);
  }
  auto steps = flow.find("steps");
  if (steps == flow.end()) return;  // reported by checkFields
  std::string stepsPointer = jsonptr::appendToken(p, "steps");
  if (!steps->is_array()) {
    ctx.error(stepsPointer, "'steps' must be an array");
    return;
  }
  bool hasImport = false;
  for (std::size_t i = 0; i < steps->size(); ++i) {
    validateStep(ctx, (*steps)[i], jsonptr::appendIndex(stepsPointer, i), hasImport);
  }
  if (!hasImport) {
    ctx.warning(stepsPointer, "no import step: records are read but written nowhere");
  }
}

}  // namespace ferry::model::detail
