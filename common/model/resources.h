#pragma once

// Resources hold free-form JSON (settings, JSON Logic, mappings, type-specific fields) by
// value, so this header needs the complete ferry::Json type, not json_fwd.hpp.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/json/json.h"
#include "common/schedule/schedule.h"

namespace ferry::model {

enum class Kind { kConnection, kExport, kImport, kLookup, kFlow, kIntegration };

std::string_view kindName(Kind kind);
std::optional<Kind> kindFromName(std::string_view name);
const std::vector<std::string>& kindNames();

// Fields every resource has. `contentHash` is the SHA-256 (hex) of the resource's canonical
// JSON (defaults filled in, keys sorted): equal hashes mean the same behaviour, so it is
// what change detection between definition versions compares.
struct ResourceBase {
  std::string id;
  std::string integration;  // "" when none
  std::string description;
  std::string contentHash;
};

struct Connection : ResourceBase {
  std::string type;                              // a connector type (connector_descriptor.h)
  ferry::Json settings = ferry::Json::object();  // defaults filled in
};

struct Delta {
  std::string field;
  std::string key;      // "" when none (ties at a page boundary may repeat)
  ferry::Json initial;  // null when none
};

struct Export : ResourceBase {
  std::string connection;  // "" for listener exports
  std::string type;        // "query", "file", "http", "listener"
  std::optional<Delta> delta;
  int pageSize = 500;
  // The connector-specific fields (query, path, format, listener, …), defaults filled in.
  ferry::Json options = ferry::Json::object();
};

struct Import : ResourceBase {
  std::string connection;
  std::string type;     // "table", "file", "http"
  ferry::Json filter;   // JSON Logic; null: every record
  ferry::Json mapping;  // mapping rules; null: the record as it is
  ferry::Json options = ferry::Json::object();
};

struct Lookup : ResourceBase {
  std::string connection;
  std::string into;
  bool many = false;
  ferry::Json options = ferry::Json::object();
};

struct Step {
  enum class Type { kFilter, kLookup, kMap, kImport };
  Type type = Type::kFilter;
  ferry::Json rule;  // kFilter: JSON Logic; kMap: mapping rules
  std::string ref;   // kLookup / kImport: the resource id
};

struct Flow : ResourceBase {
  std::string agent;  // "" when none (local definitions file)
  std::vector<std::string> sources;
  ferry::Json scheduleSpec;                    // as written (null: on demand only)
  std::optional<schedule::Schedule> schedule;  // parsed scheduleSpec
  std::vector<Step> steps;
};

struct Integration : ResourceBase {
  std::string name;
};

// A validated definitions file ({"resources": […]}) or desired-state document (the same
// with "version"). Each list is sorted by id. Immutable once built; share it as
// shared_ptr<const Definitions> between running flows.
struct Definitions {
  std::optional<std::int64_t> version;
  std::vector<Connection> connections;
  std::vector<Export> exports;
  std::vector<Import> imports;
  std::vector<Lookup> lookups;
  std::vector<Flow> flows;
  std::vector<Integration> integrations;
  std::string contentHash;  // of the whole canonical document, version excluded

  const Connection* findConnection(std::string_view id) const;
  const Export* findExport(std::string_view id) const;
  const Import* findImport(std::string_view id) const;
  const Lookup* findLookup(std::string_view id) const;
  const Flow* findFlow(std::string_view id) const;
  const Integration* findIntegration(std::string_view id) const;
  std::size_t size() const;
};

}  // namespace ferry::model
