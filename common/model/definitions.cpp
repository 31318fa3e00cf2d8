#include "common/model/definitions.h"

#include <openssl/evp.h>

#include <algorithm>
#include <memory>

#include "common/json/json.h"
#include "common/model/connector_descriptor.h"

namespace ferry::model {

using json = ferry::Json;

namespace {

const std::vector<std::string> kKindNames = {"connection", "export", "import",
                                             "lookup",     "flow",   "integration"};

std::string stringOr(const json& r, const char* key) {
  auto it = r.find(key);
  return it != r.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Common fields in, everything the connector adds (with defaults) into `options`.
json connectorOptions(const json& r, const schema::ObjectSpec& common,
                      const schema::ObjectSpec& specific) {
  json options = schema::withDefaults(r, specific);
  for (const auto& f : common) options.erase(f.name);
  return options;
}

void fillBase(ResourceBase& base, const json& r) {
  base.id = stringOr(r, "id");
  base.integration = stringOr(r, "integration");
  base.description = stringOr(r, "description");
}

json baseJson(const ResourceBase& base, Kind kind) {
  json out = {{"kind", kindName(kind)}, {"id", base.id}};
  if (!base.integration.empty()) out["integration"] = base.integration;
  if (!base.description.empty()) out["description"] = base.description;
  return out;
}

const ConnectorDescriptor* descriptorFor(const json& doc, const std::string& connectionId,
                                         const std::string& type) {
  if (type == "listener") return findConnector("listener");
  for (const auto& r : doc["resources"]) {
    if (r.value("kind", "") == "connection" && r.value("id", "") == connectionId) {
      return findConnector(r.value("type", ""));
    }
  }
  return nullptr;
}

Export parseExport(const json& doc, const json& r) {
  Export e;
  fillBase(e, r);
  e.connection = stringOr(r, "connection");
  e.type = stringOr(r, "type");
  if (auto d = r.find("delta"); d != r.end()) {
    e.delta = Delta{stringOr(*d, "field"), stringOr(*d, "key"), d->value("initial", json())};
  }
  e.pageSize = r.value("pageSize", 500);
  const ConnectorDescriptor* d = descriptorFor(doc, e.connection, e.type);
  e.options = connectorOptions(r, exportFields(), d ? d->exportFields : schema::ObjectSpec{});
  return e;
}

Import parseImport(const json& doc, const json& r) {
  Import i;
  fillBase(i, r);
  i.connection = stringOr(r, "connection");
  i.type = stringOr(r, "type");
  i.filter = r.value("filter", json());
  i.mapping = r.value("mapping", json());
  const ConnectorDescriptor* d = descriptorFor(doc, i.connection, i.type);
  i.options = connectorOptions(r, importFields(), d ? d->importFields : schema::ObjectSpec{});
  return i;
}

Lookup parseLookup(const json& doc, const json& r) {
  Lookup l;
  fillBase(l, r);
  l.connection = stringOr(r, "connection");
  l.into = stringOr(r, "into");
  l.many = r.value("many", false);
  const ConnectorDescriptor* d = descriptorFor(doc, l.connection, "");
  l.options = connectorOptions(r, lookupFields(), d ? d->lookupFields : schema::ObjectSpec{});
  return l;
}

Flow parseFlow(const json& r, const ValidationOptions& options) {
  Flow f;
  fillBase(f, r);
  f.agent = stringOr(r, "agent");
  f.sources = r.value("sources", std::vector<std::string>{});
  f.scheduleSpec = r.value("schedule", json());
  if (!f.scheduleSpec.is_null()) {
    Problems ignored;  // validated already
    f.schedule = schedule::Schedule::fromJson(f.scheduleSpec, "", ignored, options.zoneinfoDir);
  }
  for (const auto& s : r.value("steps", json::array())) {
    Step step;
    auto it = s.begin();
    const std::string& key = it.key();
    if (key == "filter" || key == "map") {
      step.type = key == "filter" ? Step::Type::kFilter : Step::Type::kMap;
      step.rule = *it;
    } else {
      step.type = key == "lookup" ? Step::Type::kLookup : Step::Type::kImport;
      step.ref = it->get<std::string>();
    }
    f.steps.push_back(std::move(step));
  }
  return f;
}

template <typename T>
void finish(std::vector<T>& list) {
  std::sort(list.begin(), list.end(), [](const T& a, const T& b) { return a.id < b.id; });
  for (auto& r : list) r.contentHash = sha256Hex(canonicalText(toJson(r)));
}

template <typename T>
const T* findIn(const std::vector<T>& list, std::string_view id) {
  auto it = std::lower_bound(list.begin(), list.end(), id,
                             [](const T& r, std::string_view v) { return r.id < v; });
  return it != list.end() && it->id == id ? &*it : nullptr;
}

template <typename T>
void appendAll(json& out, const std::vector<T>& list) {
  for (const auto& r : list) out.push_back(toJson(r));
}

}  // namespace

std::string_view kindName(Kind kind) {
  return kKindNames[static_cast<std::size_t>(kind)];
}

std::optional<Kind> kindFromName(std::string_view name) {
  for (std::size_t i = 0; i < kKindNames.size(); ++i) {
    if (kKindNames[i] == name) return static_cast<Kind>(i);
  }
  return std::nullopt;
}

const std::vector<std::string>& kindNames() {
  return kKindNames;
}

const Connection* Definitions::findConnection(std::string_view id) const {
  return findIn(connections, id);
}
const Export* Definitions::findExport(std::string_view id) const {
  return findIn(exports, id);
}
const Import* Definitions::findImport(std::string_view id) const {
  return findIn(imports, id);
}
const Lookup* Definitions::findLookup(std::string_view id) const {
  return findIn(lookups, id);
}
const Flow* Definitions::findFlow(std::string_view id) const {
  return findIn(flows, id);
}
const Integration* Definitions::findIntegration(std::string_view id) const {
  return findIn(integrations, id);
}
std::size_t Definitions::size() const {
  return connections.size() + exports.size() + imports.size() + lookups.size() + flows.size() +
         integrations.size();
}

Result<Definitions> parseDefinitions(const json& doc, const ValidationOptions& options,
                                     Problems* problems) {
  Problems found = validateDefinitions(doc, options);
  if (problems) problems->insert(problems->end(), found.begin(), found.end());
  if (hasErrors(found)) {
    Problems errors;
    std::copy_if(found.begin(), found.end(), std::back_inserter(errors),
                 [](const Problem& p) { return p.isError(); });
    std::string message = formatProblems(errors);
    if (!message.empty()) message.pop_back();
    return Status::invalidArgument(message);
  }
  Definitions defs;
  if (auto v = doc.find("version"); v != doc.end()) defs.version = v->get<std::int64_t>();
  for (const auto& r : doc["resources"]) {
    switch (*kindFromName(r["kind"].get<std::string>())) {
      case Kind::kConnection: {
        Connection c;
        fillBase(c, r);
        c.type = stringOr(r, "type");
        const ConnectorDescriptor* d = findConnector(c.type);
        c.settings = schema::withDefaults(r.value("settings", json::object()),
                                          d ? d->settings : schema::ObjectSpec{});
        defs.connections.push_back(std::move(c));
        break;
      }
      case Kind::kExport: defs.exports.push_back(parseExport(doc, r)); break;
      case Kind::kImport: defs.imports.push_back(parseImport(doc, r)); break;
      case Kind::kLookup: defs.lookups.push_back(parseLookup(doc, r)); break;
      case Kind::kFlow: defs.flows.push_back(parseFlow(r, options)); break;
      case Kind::kIntegration: {
        Integration i;
        fillBase(i, r);
        i.name = stringOr(r, "name");
        defs.integrations.push_back(std::move(i));
        break;
      }
    }
  }
  finish(defs.connections);
  finish(defs.exports);
  finish(defs.imports);
  finish(defs.lookups);
  finish(defs.flows);
  finish(defs.integrations);
  json canonical = toJson(defs);
  canonical.erase("version");
  defs.contentHash = sha256Hex(canonicalText(canonical));
  return defs;
}

json toJson(const Connection& r) {
  json out = baseJson(r, Kind::kConnection);
  out["type"] = r.type;
  out["settings"] = r.settings;
  return out;
}

json toJson(const Export& r) {
  json out = r.options;
  out.update(baseJson(r, Kind::kExport));
  if (!r.connection.empty()) out["connection"] = r.connection;
  out["type"] = r.type;
  out["pageSize"] = r.pageSize;
  if (r.delta) {
    json delta = {{"field", r.delta->field}};
    if (!r.delta->key.empty()) delta["key"] = r.delta->key;
    if (!r.delta->initial.is_null()) delta["initial"] = r.delta->initial;
    out["delta"] = std::move(delta);
  }
  return out;
}

json toJson(const Import& r) {
  json out = r.options;
  out.update(baseJson(r, Kind::kImport));
  out["connection"] = r.connection;
  out["type"] = r.type;
  if (!r.filter.is_null()) out["filter"] = r.filter;
  if (!r.mapping.is_null()) out["mapping"] = r.mapping;
  return out;
}

json toJson(const Lookup& r) {
  json out = r.options;
  out.update(baseJson(r, Kind::kLookup));
  out["connection"] = r.connection;
  out["into"] = r.into;
  out["many"] = r.many;
  return out;
}

json toJson(const Flow& r) {
  json out = baseJson(r, Kind::kFlow);
  if (!r.agent.empty()) out["agent"] = r.agent;
  out["sources"] = r.sources;
  if (!r.scheduleSpec.is_null()) out["schedule"] = r.scheduleSpec;
  json steps = json::array();
  for (const auto& s : r.steps) {
    switch (s.type) {
      case Step::Type::kFilter: steps.push_back({{"filter", s.rule}}); break;
      case Step::Type::kMap: steps.push_back({{"map", s.rule}}); break;
      case Step::Type::kLookup: steps.push_back({{"lookup", s.ref}}); break;
      case Step::Type::kImport: steps.push_back({{"import", s.ref}}); break;
    }
  }
  out["steps"] = std::move(steps);
  return out;
}

json toJson(const Integration& r) {
  json out = baseJson(r, Kind::kIntegration);
  if (!r.name.empty()) out["name"] = r.name;
  return out;
}

json toJson(const Definitions& d) {
  json resources = json::array();
  appendAll(resources, d.connections);
  appendAll(resources, d.exports);
  appendAll(resources, d.imports);
  appendAll(resources, d.lookups);
  appendAll(resources, d.flows);
  appendAll(resources, d.integrations);
  json out = {{"resources", std::move(resources)}};
  if (d.version) out["version"] = *d.version;
  return out;
}

std::string canonicalText(const json& value) {
  // ferry::Json keeps object keys in a std::map, so dump() is already key-sorted.
  return value.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string sha256Hex(std::string_view bytes) {
  // Fetched once: OpenSSL 3 looks EVP_sha256() up in its provider tables on every digest,
  // which cost more than hashing an API token (checked on every request).
  static const std::unique_ptr<EVP_MD, decltype(&EVP_MD_free)> kSha256(
      EVP_MD_fetch(nullptr, "SHA256", nullptr), &EVP_MD_free);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_Digest(bytes.data(), bytes.size(), digest, &size, kSha256 ? kSha256.get() : EVP_sha256(),
             nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(std::size_t{size} * 2, '0');
  for (unsigned int i = 0; i < size; ++i) {
    out[2 * i] = kHex[digest[i] >> 4];
    out[2 * i + 1] = kHex[digest[i] & 0xf];
  }
  return out;
}

}  // namespace ferry::model
