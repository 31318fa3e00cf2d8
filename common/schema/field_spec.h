#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/json/json_fwd.h"
#include "common/schema/problem.h"

namespace ferry::schema {

enum class FieldType {
  kString,
  kInteger,
  kNumber,
  kBoolean,
  kObject,       // nested fields in FieldSpec::fields; unknown keys rejected
  kStringArray,  // array of strings
  kAnyObject,    // a free-form object (e.g. HTTP params); not checked inside
  kAny,          // any JSON value
};

std::string_view fieldTypeName(FieldType type);

// One key of a declarative schema (configs, connector settings). Docs, env overrides and
// validation all come from the same table, so they cannot drift apart.
struct FieldSpec {
  std::string name;
  FieldType type = FieldType::kString;
  std::string description;
  std::string defaultJson;  // the default as JSON text ("1883", "\"info\""); empty: none
  bool required = false;
  // A secret must be given as {"$secret": "<name>"}, never as plain text.
  bool secret = false;
  std::vector<std::string> allowed;  // kString: the only accepted values
  std::optional<double> minimum;     // kInteger/kNumber
  std::optional<double> maximum;
  std::vector<FieldSpec> fields;  // kObject: its keys
};

using ObjectSpec = std::vector<FieldSpec>;

// Appends a problem for every unknown key, missing required key, wrong type, value not
// allowed, out-of-range number and plain-text secret. `pointer` names `value` itself.
void validate(const ferry::Json& value, const ObjectSpec& spec, const std::string& pointer,
              Problems& problems);

// Checks one value against one field (the value is present). Used by `validate`.
void validateField(const ferry::Json& value, const FieldSpec& field, const std::string& pointer,
                   Problems& problems);

// Returns `value` with every missing key that has a default filled in (recursively,
// creating objects whose fields have defaults). `value` must already be valid.
ferry::Json withDefaults(const ferry::Json& value, const ObjectSpec& spec);

// Is `value` a secret reference {"$secret": "name"}? Returns the name.
std::optional<std::string> secretReferenceName(const ferry::Json& value);

// A leaf (non-object) field and the path of keys that leads to it.
struct Leaf {
  std::vector<std::string> path;
  const FieldSpec* field;
};
std::vector<Leaf> leaves(const ObjectSpec& spec);

// One line per leaf ("mqtt.url  string  default …  description"), for --help and docs.
std::string describe(const ObjectSpec& spec);
// A Markdown table of every leaf, for generated docs.
std::string markdownTable(const ObjectSpec& spec);

}  // namespace ferry::schema
