#pragma once

#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "agent/connectors/connector.h"
#include "common/json/json.h"
#include "common/model/resources.h"

namespace ferry::agent::connectors::http::testutil {

// Secrets held in memory.
class MapSecrets final : public secrets::SecretResolver {
 public:
  MapSecrets(std::initializer_list<std::pair<const std::string, std::string>> values)
      : values_(values) {}
  Result<std::string> resolve(const std::string& name) const override;

 private:
  std::map<std::string, std::string> values_;
};

// Keeps every log line written through it.
class CapturingSink final : public LogSink {
 public:
  void write(std::string_view line) override;
  std::vector<std::string> lines() const;

 private:
  mutable std::mutex mu_;
  std::vector<std::string> lines_;
};

// A connection, export, import and lookup parsed the way the agent gets them (validated,
// defaults filled in) from {"resources": [connection, other]}; the test fails on problems.
model::Connection parseConnection(const ferry::Json& settings);
model::Export parseExport(const ferry::Json& settings, const ferry::Json& exportFields);
model::Import parseImport(const ferry::Json& settings, const ferry::Json& importFields);
model::Lookup parseLookup(const ferry::Json& settings, const ferry::Json& lookupFields);

}  // namespace ferry::agent::connectors::http::testutil
