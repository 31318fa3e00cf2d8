#include "common/json/json_pointer.h"
#include "common/model/validate.h"
#include "common/model/validation_context.h"
#include "common/schema/suggest.h"
#include "common/transform/json_logic.h"
#include "common/transform/mapping.h"

namespace ferry::model {

using detail::ValidationContext;
using json = ferry::Json;

bool isValidId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  auto ok = [](char c, bool first) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
           (!first && (c == '-' || c == '_' || c == '.'));
  };
  for (std::size_t i = 0; i < id.size(); ++i) {
    if (!ok(id[i], i == 0)) return false;
  }
  return true;
}

namespace {

std::string ptr(const std::string& base, const std::string& key) {
  return jsonptr::appendToken(base, key);
}

const json* find(const json& object, const std::string& key) {
  auto it = object.find(key);
  return it == object.end() ? nullptr : &*it;
}

std::string quotedTypes(const std::vector<std::string>& types) {
  std::string out;
  for (std::size_t i = 0; i < types.size(); ++i) out += (i ? ", " : "") + types[i];
  return out;
}

// The connector a resource's `connection` leads to; nullptr when unresolved (reported).
const ConnectorDescriptor* viaConnection(ValidationContext& ctx, const json& r,
                                         const std::string& p) {
  const json* ref = find(r, "connection");
  if (!ref) return nullptr;  // a missing required key is reported by checkFields
  const json* connection = ctx.resolve(*ref, Kind::kConnection, ptr(p, "connection"));
  return connection ? detail::connectorOf(*connection) : nullptr;
}

// `type` must be what the connector reads or writes (`expected`; empty: it cannot).
bool checkType(ValidationContext& ctx, const json& r, const std::string& p,
               const ConnectorDescriptor& d, const std::string& expected, const char* what) {
  const json* type = find(r, "type");
  const json* ref = find(r, "connection");
  std::string connection = ref && ref->is_string() ? ref->get<std::string>() : "";
  if (expected.empty()) {
    ctx.error(ptr(p, "connection"), "connections of type '" + d.type + "' cannot be " + what);
    return false;
  }
  if (type && type->is_string() && *type != expected) {
    ctx.error(ptr(p, "type"), "'" + type->get<std::string>() + "' does not fit connection '" +
                                  connection + "' of type '" + d.type + "'; use '" + expected +
                                  "'");
    return false;
  }
  return true;
}

void checkLogic(ValidationContext& ctx, const json& r, const std::string& p) {
  if (const json* filter = find(r, "filter")) {
    transform::validateLogic(*filter, ptr(p, "filter"), ctx.problems());
  }
  if (const json* mapping = find(r, "mapping")) {
    if (!mapping->is_array()) {
      ctx.error(ptr(p, "mapping"),
                "'mapping' must be an array of rules such as "
                "[{\"from\": \"id\", \"to\": \"order_id\"}]");
    } else {
      transform::validateMapping(*mapping, ptr(p, "mapping"), ctx.problems());
    }
  }
}

// Values of `params` objects must be strings (record paths or `:name`).
void checkStringValues(ValidationContext& ctx, const json& r, const std::string& key,
                       const std::string& p) {
  const json* object = find(r, key);
  if (!object || !object->is_object()) return;
  for (auto it = object->begin(); it != object->end(); ++it) {
    if (!it->is_string()) {
      ctx.error(ptr(ptr(p, key), it.key()), "'" + it.key() + "' must be a string (a record path)");
    }
  }
}

void validateConnection(ValidationContext& ctx, const json& r, const std::string& p) {
  const json* type = find(r, "type");
  const ConnectorDescriptor* d = detail::connectorOf(r);
  ctx.checkFields(r, connectionFields(), p, true);
  if (type && type->is_string() && !d) {
    std::string message = "unknown connection type '" + type->get<std::string>() + "'";
    if (auto guess = closestMatch(type->get<std::string>(), connectorTypes())) {
      message += "; did you mean '" + *guess + "'?";
    } else {
      message += "; known types: " + quotedTypes(connectorTypes());
    }
    ctx.error(ptr(p, "type"), message);
  }
  if (!d) return;
  if (!d->takesConnection) {
    ctx.error(ptr(p, "type"), "type '" + d->type +
                                  "' takes no connection: write an export "
                                  "with \"type\": \"" +
                                  d->exportType + "\" and no 'connection'");
    return;
  }
  const json* settings = find(r, "settings");
  if (settings && !settings->is_object()) return;  // reported by checkFields
  ctx.checkFields(settings ? *settings : json::object(), d->settings, ptr(p, "settings"), true);
}

void validateExport(ValidationContext& ctx, const json& r, const std::string& p) {
  const json* type = find(r, "type");
  const ConnectorDescriptor* d = nullptr;
  if (type && *type == "listener") {
    d = findConnector("listener");
    if (find(r, "connection")) {
      ctx.error(ptr(p, "connection"),
                "listener exports take no connection: records arrive "
                "on the agent's listener port");
    }
  } else if (!find(r, "connection")) {
    ctx.error(ptr(p, "connection"),
              "missing required key 'connection' (only listener exports "
              "have none)");
  } else if ((d = viaConnection(ctx, r, p)) &&
             !checkType(ctx, r, p, *d, d->exportType, "exported from")) {
    d = nullptr;
  }
  ctx.checkFields(r, d ? detail::merged(exportFields(), d->exportFields) : exportFields(), p,
                  d != nullptr);
  const json* delta = find(r, "delta");
  if (delta && d && !d->exportDelta) {
    ctx.error(ptr(p, "delta"), "'" + d->exportType + "' exports cannot be delta exports");
  } else if (delta && delta->is_object() && !delta->contains("key")) {
    ctx.warning(ptr(p, "delta"),
                "no 'delta.key': rows that share the last watermark value at a "
                "page boundary may be exported again; name a unique column "
                "as 'key'");
  }
  std::vector<std::string> provided;
  if (delta) provided.push_back("since");
  const std::string hint = "this export provides none (a delta export provides :since)";
  const json* query = find(r, "query");
  if (d && d->sql && query && query->is_string()) {
    detail::checkQueryParameters(ctx, query->get<std::string>(), provided, ptr(p, "query"), hint);
  }
  const json* params = find(r, "params");
  if (d && d->type == "http" && params && params->is_object()) {
    for (auto it = params->begin(); it != params->end(); ++it) {
      if (it->is_string()) {
        detail::checkQueryParameters(ctx, it->get<std::string>(), provided,
                                     ptr(ptr(p, "params"), it.key()), hint);
      }
    }
  }
}

void validateImport(ValidationContext& ctx, const json& r, const std::string& p) {
  const ConnectorDescriptor* d = viaConnection(ctx, r, p);
  if (d && !checkType(ctx, r, p, *d, d->importType, "imported into")) d = nullptr;
  ctx.checkFields(r, d ? detail::merged(importFields(), d->importFields) : importFields(), p,
                  d != nullptr);
  checkLogic(ctx, r, p);
  const json* mode = find(r, "mode");
  const json* key = find(r, "key");
  if (d && d->sql && mode && (*mode == "update" || *mode == "upsert") &&
      (!key || !key->is_array() || key->empty())) {
    ctx.error(ptr(p, "key"), "mode '" + mode->get<std::string>() +
                                 "' needs 'key': the columns "
                                 "that identify a row, e.g. [\"id\"]");
  }
}

void validateLookup(ValidationContext& ctx, const json& r, const std::string& p) {
  const ConnectorDescriptor* d = viaConnection(ctx, r, p);
  if (d && !d->lookups) {
    ctx.error(ptr(p, "connection"), "connections of type '" + d->type + "' have no lookups");
    d = nullptr;
  }
  ctx.checkFields(r, d ? detail::merged(lookupFields(), d->lookupFields) : lookupFields(), p,
                  d != nullptr);
  if (!d) return;
  checkStringValues(ctx, r, "params", p);
  if (!d->sql) return;
  checkStringValues(ctx, r, "match", p);
  const json* table = find(r, "table");
  const json* query = find(r, "query");
  if ((table != nullptr) == (query != nullptr)) {
    ctx.error(p, table ? "give 'table' or 'query', not both"
                       : "a lookup needs 'table' (with 'match') or 'query'");
  } else if (table && !find(r, "match")) {
    ctx.error(ptr(p, "match"), "a table lookup needs 'match': {column: recordPath}");
  } else if (query && query->is_string()) {
    std::vector<std::string> provided;
    if (const json* params = find(r, "params"); params && params->is_object()) {
      for (auto it = params->begin(); it != params->end(); ++it) provided.push_back(it.key());
    }
    detail::checkQueryParameters(ctx, query->get<std::string>(), provided, ptr(p, "query"),
                                 "declare it in 'params': {name: recordPath}");
  }
}

void validateResource(ValidationContext& ctx, Kind kind, const json& r, const std::string& p) {
  switch (kind) {
    case Kind::kConnection: validateConnection(ctx, r, p); break;
    case Kind::kExport: validateExport(ctx, r, p); break;
    case Kind::kImport: validateImport(ctx, r, p); break;
    case Kind::kLookup: validateLookup(ctx, r, p); break;
    case Kind::kFlow: detail::validateFlow(ctx, r, p); break;
    case Kind::kIntegration: ctx.checkFields(r, integrationFields(), p, true); break;
  }
  if (const json* integration = find(r, "integration"); integration && kind != Kind::kIntegration) {
    ctx.resolve(*integration, Kind::kIntegration, ptr(p, "integration"));
  }
}

// The kind of resource `r`, or nullopt after reporting why it has none.
std::optional<Kind> kindOf(ValidationContext& ctx, const json& r, const std::string& p) {
  if (!r.is_object()) {
    ctx.error(p, "a resource must be an object with 'kind' and 'id'");
    return std::nullopt;
  }
  const json* kind = find(r, "kind");
  if (!kind) {
    ctx.error(ptr(p, "kind"),
              "missing required key 'kind' (one of " + quotedTypes(kindNames()) + ")");
    return std::nullopt;
  }
  auto parsed = kind->is_string() ? kindFromName(kind->get<std::string>()) : std::nullopt;
  if (!parsed) {
    std::string message = "unknown kind " + kind->dump();
    auto guess =
        kind->is_string() ? closestMatch(kind->get<std::string>(), kindNames()) : std::nullopt;
    message +=
        guess ? "; did you mean '" + *guess + "'?" : "; use one of " + quotedTypes(kindNames());
    ctx.error(ptr(p, "kind"), message);
  }
  return parsed;
}

void checkEnvelope(ValidationContext& ctx, const json& doc) {
  for (auto it = doc.begin(); it != doc.end(); ++it) {
    if (it.key() != "resources" && it.key() != "version") {
      std::string message = "unknown key '" + it.key() + "'";
      if (auto guess = closestMatch(it.key(), {"resources", "version"})) {
        message += "; did you mean '" + *guess + "'?";
      }
      ctx.error(ptr("", it.key()), message);
    }
  }
  const json* version = find(doc, "version");
  if (version && !(version->is_number_unsigned() ||
                   (version->is_number_integer() && version->get<std::int64_t>() >= 0))) {
    ctx.error("/version", "'version' must be a whole number (0 or more)");
  } else if (!version && ctx.options().requireVersion) {
    ctx.error("/version",
              "missing required key 'version' (a desired-state document is "
              "versioned)");
  }
}

}  // namespace

Problems validateDefinitions(const json& doc, const ValidationOptions& options) {
  Problems problems;
  ValidationContext ctx(options, problems);
  if (!doc.is_object()) {
    ctx.error("", "a definitions document must be an object: {\"resources\": […]}");
    return problems;
  }
  checkEnvelope(ctx, doc);
  const json* resources = find(doc, "resources");
  if (!resources || !resources->is_array()) {
    ctx.error("/resources",
              resources ? "'resources' must be an array" : "missing required key 'resources'");
    return problems;
  }
  std::vector<std::optional<Kind>> kinds;
  for (std::size_t i = 0; i < resources->size(); ++i) {
    const json& r = (*resources)[i];
    std::string p = jsonptr::appendIndex("/resources", i);
    kinds.push_back(kindOf(ctx, r, p));
    const json* id = kinds.back() ? find(r, "id") : nullptr;
    if (!id || !id->is_string()) continue;  // reported by checkFields
    const auto& text = id->get_ref<const std::string&>();
    if (!isValidId(text)) {
      ctx.error(ptr(p, "id"), "'" + text +
                                  "' is not a valid id: use 1-64 lowercase letters, "
                                  "digits, '-', '_' and '.', starting with a letter or digit");
    }
    ctx.declare(*kinds.back(), text, p, &r);
  }
  for (std::size_t i = 0; i < resources->size(); ++i) {
    if (kinds[i])
      validateResource(ctx, *kinds[i], (*resources)[i], jsonptr::appendIndex("/resources", i));
  }
  return problems;
}

}  // namespace ferry::model
