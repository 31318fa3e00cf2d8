#include "agent/cli/check_command.h"

#include <iostream>

#include "common/config/config_loader.h"
#include "common/json/json.h"
#include "common/model/definitions.h"

namespace ferry::agent {

using json = ferry::Json;

namespace {

std::string plural(std::size_t n, const std::string& word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

std::string summary(const model::Definitions& d) {
  return plural(d.connections.size(), "connection") + ", " + plural(d.exports.size(), "export") +
         ", " + plural(d.imports.size(), "import") + ", " + plural(d.lookups.size(), "lookup") +
         ", " + plural(d.flows.size(), "flow") + ", " +
         plural(d.integrations.size(), "integration");
}

json problemsJson(const Problems& problems) {
  json out = json::array();
  for (const auto& p : problems) {
    out.push_back({{"pointer", p.pointer},
                   {"severity", p.isError() ? "error" : "warning"},
                   {"message", p.message}});
  }
  return out;
}

}  // namespace

Result<json> readDefinitionsFile(const std::string& path) {
  auto text = config::readTextFile(path);
  if (!text) return text.status();
  return config::parseJsonText(*text, path);
}

int checkDefinitionsCommand(cli::Invocation& inv) {
  const std::string path = inv.command.args.at(0);
  const bool asJson = inv.command.has("json");
  auto doc = readDefinitionsFile(path);
  if (!doc) {
    if (doc.status().code() == StatusCode::kNotFound) {
      std::cerr << "ferry-agent: " << doc.status().message() << "\n";
      return 2;
    }
    if (asJson) {
      std::cout << json({{"ok", false}, {"file", path}, {"error", doc.status().message()}}).dump()
                << "\n";
    } else {
      std::cout << doc.status().message() << "\n";
    }
    return 1;
  }
  Problems problems;
  auto defs = model::parseDefinitions(*doc, {}, &problems);
  std::size_t warnings = 0;
  for (const auto& p : problems) warnings += p.isError() ? 0 : 1;
  if (asJson) {
    json out = {{"ok", defs.isOk()}, {"file", path}, {"problems", problemsJson(problems)}};
    if (defs.isOk()) {
      out["resources"] = defs->size();
      out["contentHash"] = defs->contentHash;
    }
    std::cout << out.dump() << "\n";
  } else {
    std::cout << formatProblems(problems);
    if (defs.isOk()) {
      std::cout << path << ": valid: " << summary(*defs);
      if (warnings) std::cout << " (" << plural(warnings, "warning") << ")";
      std::cout << "\n";
    } else {
      std::cerr << path << ": " << plural(problems.size() - warnings, "error")
                << (warnings ? ", " + plural(warnings, "warning") : "") << "\n";
    }
  }
  return defs.isOk() ? 0 : 1;
}

}  // namespace ferry::agent
