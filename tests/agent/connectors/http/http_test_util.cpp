#include "tests/agent/connectors/http/http_test_util.h"

#include <gtest/gtest.h>

#include "common/model/definitions.h"

namespace ferry::agent::connectors::http::testutil {

using json = ferry::Json;

Result<std::string> MapSecrets::resolve(const std::string& name) const {
  auto it = values_.find(name);
  if (it == values_.end()) return Status::notFound("not set");
  return it->second;
}

void CapturingSink::write(std::string_view line) {
  std::lock_guard lock(mu_);
  lines_.emplace_back(line);
}

std::vector<std::string> CapturingSink::lines() const {
  std::lock_guard lock(mu_);
  return lines_;
}

namespace {

model::Definitions parse(const json& settings, json other) {
  json resources = json::array();
  resources.push_back(
      {{"kind", "connection"}, {"id", "api"}, {"type", "http"}, {"settings", settings}});
  if (!other.is_null()) {
    other["connection"] = "api";
    resources.push_back(std::move(other));
  }
  auto defs = model::parseDefinitions({{"resources", resources}});
  EXPECT_TRUE(defs.isOk()) << defs.status().toString();
  return defs.isOk() ? std::move(*defs) : model::Definitions{};
}

}  // namespace

model::Connection parseConnection(const json& settings) {
  auto defs = parse(settings, nullptr);
  return defs.connections.empty() ? model::Connection{} : defs.connections[0];
}

model::Export parseExport(const json& settings, const json& exportFields) {
  json e = exportFields;
  e["kind"] = "export";
  e["id"] = "orders";
  e["type"] = "http";
  auto defs = parse(settings, e);
  return defs.exports.empty() ? model::Export{} : defs.exports[0];
}

model::Import parseImport(const json& settings, const json& importFields) {
  json i = importFields;
  i["kind"] = "import";
  i["id"] = "push";
  i["type"] = "http";
  auto defs = parse(settings, i);
  return defs.imports.empty() ? model::Import{} : defs.imports[0];
}

model::Lookup parseLookup(const json& settings, const json& lookupFields) {
  json l = lookupFields;
  l["kind"] = "lookup";
  l["id"] = "customer";
  if (!l.contains("into")) l["into"] = "customer";
  auto defs = parse(settings, l);
  return defs.lookups.empty() ? model::Lookup{} : defs.lookups[0];
}

}  // namespace ferry::agent::connectors::http::testutil
