#include "agent/cli/preview_command.h"

#include <filesystem>
#include <fstream>
#include <iostream>

#include "agent/cli/check_command.h"
#include "agent/runtime/page_processor.h"
#include "agent/runtime/step_connectors.h"
#include "common/json/json.h"
#include "common/model/definitions.h"
#include "common/model/flow_pipeline.h"
#include "common/schema/suggest.h"

namespace ferry::agent {

using json = ferry::Json;

namespace {

// The flow's steps, compiled once, with its lookups opened for real when they can be (a
// lookup whose connection does not open is reported on stderr and shows as "skipped"), so
// the preview shows the rows the flow would merge. Nothing is written.
class FlowPreview {
 public:
  static Result<FlowPreview> build(const model::Definitions& defs, const model::Flow& flow,
                                   const connectors::ConnectorContext& context) {
    runtime::StepConnectorOptions options;
    options.imports = false;
    options.lookupUnavailable = [](const std::string& id, const Status& why) {
      std::cerr << "ferry-agent: lookup " << id
                << " not opened, its rows are skipped: " << why.message() << "\n";
    };
    auto connectors = runtime::openStepConnectors(defs, flow, context, options);
    if (!connectors) return connectors.status();
    auto processor = runtime::PageProcessor::create(defs, flow, std::move(*connectors));
    if (!processor) return processor.status();
    return FlowPreview(std::move(*processor));
  }
  json run(const json& record) { return processor_->preview({record}).at(0); }

 private:
  explicit FlowPreview(std::unique_ptr<runtime::PageProcessor> processor)
      : processor_(std::move(processor)) {}
  std::unique_ptr<runtime::PageProcessor> processor_;
};

int previewStream(FlowPreview& preview, std::istream& in) {
  int malformed = 0;
  std::string line;
  for (std::size_t n = 1; std::getline(in, line); ++n) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    json record = json::parse(line, nullptr, false);
    json out;
    if (record.is_discarded() || !record.is_object()) {
      ++malformed;
      out = {{"input", n},
             {"error",
              "line " + std::to_string(n) + ": " +
                  (record.is_discarded() ? "malformed JSON" : "a record must be a JSON object")}};
    } else {
      out = preview.run(record);
      out["input"] = n;
    }
    std::cout << out.dump(-1, ' ', false, json::error_handler_t::replace) << "\n" << std::flush;
  }
  return malformed ? 1 : 0;
}

}  // namespace

int previewCommand(cli::Invocation& inv) {
  const auto& cmd = inv.command;
  const std::string path = cmd.args.at(0);
  if (!cmd.has("flow")) {
    std::cerr << "ferry-agent: preview needs --flow ID\n";
    return 2;
  }
  auto doc = readDefinitionsFile(path);
  if (!doc) {
    std::cerr << "ferry-agent: " << doc.status().message() << "\n";
    return doc.status().code() == StatusCode::kNotFound ? 2 : 1;
  }
  auto defs = model::parseDefinitions(*doc);
  if (!defs) {
    std::cerr << defs.status().message() << "\n"
              << path << ": invalid definitions (see 'ferry-agent check " << path << "')\n";
    return 1;
  }
  const std::string flowId = cmd.get("flow");
  const model::Flow* flow = defs->findFlow(flowId);
  if (!flow) {
    std::vector<std::string> ids;
    for (const auto& f : defs->flows) ids.push_back(f.id);
    std::string message = "ferry-agent: no flow with id '" + flowId + "' in " + path;
    if (auto guess = closestMatch(flowId, ids)) message += "; did you mean '" + *guess + "'?";
    std::cerr << message << "\n";
    return 2;
  }
  // Secrets for the lookups' connections come from the state directory, when it has them.
  std::unique_ptr<secrets::SecretStore> secretStore;
  if (std::filesystem::is_directory(inv.stateDir)) {
    auto opened = secrets::SecretStore::open({inv.stateDir, ""});
    if (opened) secretStore = std::move(*opened);
  }
  Logger log = inv.logger.child("preview");
  connectors::ConnectorContext context{secretStore.get(), inv.stateDir, &log};
  auto preview = FlowPreview::build(*defs, *flow, context);
  if (!preview) {
    std::cerr << "ferry-agent: flow '" << flowId << "': " << preview.status().message() << "\n";
    return 1;
  }
  if (cmd.has("input")) {
    std::ifstream in(cmd.get("input"));
    if (!in) {
      std::cerr << "ferry-agent: cannot read input file '" << cmd.get("input") << "'\n";
      return 2;
    }
    return previewStream(*preview, in);
  }
  return previewStream(*preview, std::cin);
}

}  // namespace ferry::agent
