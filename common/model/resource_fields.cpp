// The kind-level fields of every resource, whatever its connector.
#include "common/model/connector_descriptor.h"
#include "common/model/connector_fields.h"

namespace ferry::model {

namespace {

using namespace fields;
using schema::FieldType;
using schema::ObjectSpec;

ObjectSpec base(const std::string& kind) {
  return {str("kind", "`" + kind + "`", true),
          str("id", "`[a-z0-9][a-z0-9-_.]{0,63}`, unique among the " + kind + "s", true),
          str("integration", "id of the integration it belongs to"),
          str("description", "free text for people")};
}

ObjectSpec with(ObjectSpec spec, std::vector<schema::FieldSpec> more) {
  for (auto& f : more) spec.push_back(std::move(f));
  return spec;
}

}  // namespace

const ObjectSpec& connectionFields() {
  static const ObjectSpec spec =
      with(base("connection"),
           {str("type", "connector type (see below)", true),
            typed("settings", FieldType::kAnyObject, "the connector's settings (see its table)")});
  return spec;
}

const ObjectSpec& exportFields() {
  static const ObjectSpec spec = with(
      base("export"),
      {str("connection", "connection to read from (not for `listener` exports)"),
       str("type", "`query` (SQL), `file`, `http` or `listener`; must fit the connection", true),
       object("delta", "read only what changed since the last read (SQL and HTTP exports)",
              {str("field", "column/field whose value is the watermark", true),
               str("key",
                   "unique column that orders rows sharing a watermark value; without "
                   "it, `check` warns that rows at a page boundary may repeat"),
               typed("initial", FieldType::kAny, "watermark of the first run")}),
       integer("pageSize", "records per page (one queue entry, one transaction)", "500", 1,
               100000)});
  return spec;
}

const ObjectSpec& importFields() {
  static const ObjectSpec spec =
      with(base("import"),
           {str("connection", "connection to write to", true),
            str("type", "`table` (SQL), `file` or `http`; must fit the connection", true),
            typed("filter", FieldType::kAny,
                  "JSON Logic; records for which it is falsy skip this "
                  "import"),
            typed("mapping", FieldType::kAny,
                  "mapping rules that shape the written record (default: the record as it is)")});
  return spec;
}

const ObjectSpec& lookupFields() {
  static const ObjectSpec spec = with(
      base("lookup"),
      {str("connection", "connection to read from", true),
       str("into", "dotted path of the record where the result goes", true),
       boolean("many", "merge all matching rows as an array (else the first, or null)", "false")});
  return spec;
}

const ObjectSpec& flowFields() {
  static const ObjectSpec spec = with(
      base("flow"),
      {str("agent",
           "agent that runs it (the controller requires it; a local file may leave "
           "it out)"),
       typed("sources", FieldType::kStringArray, "ids of the exports it reads", true),
       typed("schedule", FieldType::kAny,
             "`{\"cron\": …, \"timezone\": …}` or `{\"every\": \"5m\"}`; none: on demand"),
       typed("steps", FieldType::kAny,
             "`{\"filter\": logic}`, `{\"lookup\": id}`, `{\"map\": rules}`, `{\"import\": id}`",
             true)});
  return spec;
}

const ObjectSpec& integrationFields() {
  static const ObjectSpec spec = {
      str("kind", "`integration`", true), str("id", "`[a-z0-9][a-z0-9-_.]{0,63}`", true),
      str("name", "display name"), str("description", "free text for people")};
  return spec;
}

}  // namespace ferry::model
