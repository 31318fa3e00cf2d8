#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/schema/field_spec.h"

namespace ferry::model {

// What a connector type accepts (DESIGN.md "Connector descriptors"): the schema of its
// connection `settings` and of the type-specific fields of exports, imports and lookups on
// its connections. Data only: the controller validates definitions against these tables,
// agent/connectors/ implements them, and docs/connectors.md is generated from them.
struct ConnectorDescriptor {
  std::string type;             // "postgresql"
  std::string summary;          // one line for the docs
  bool takesConnection = true;  // false for `listener`: its exports name no connection
  bool sql = false;             // `query` fields are SQL with `:name` parameters
  schema::ObjectSpec settings;

  std::string exportType;    // the export `type` it reads ("query"); empty: no exports
  bool exportDelta = false;  // exports may carry `delta`
  schema::ObjectSpec exportFields;

  std::string importType;  // the import `type` it writes ("table"); empty: no imports
  schema::ObjectSpec importFields;

  bool lookups = false;
  schema::ObjectSpec lookupFields;
};

// Every built-in connector type, in one explicit table (no static self-registration).
const std::vector<ConnectorDescriptor>& connectorDescriptors();
const ConnectorDescriptor* findConnector(std::string_view type);
std::vector<std::string> connectorTypes();

// The fields every resource of a kind has, whatever its connector (kind, id, …).
const schema::ObjectSpec& connectionFields();
const schema::ObjectSpec& exportFields();
const schema::ObjectSpec& importFields();
const schema::ObjectSpec& lookupFields();
const schema::ObjectSpec& flowFields();
const schema::ObjectSpec& integrationFields();

// docs/connectors.md, generated from the tables above (scripts/gen-docs.sh writes it).
std::string connectorsMarkdown();

}  // namespace ferry::model
