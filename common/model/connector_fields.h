#pragma once

#include <string>
#include <vector>

#include "common/schema/field_spec.h"

// Terse builders for the descriptor tables; internal to common/model.
namespace ferry::model::fields {

inline schema::FieldSpec str(std::string name, std::string description, bool required = false,
                             std::string defaultJson = "") {
  schema::FieldSpec f;
  f.name = std::move(name);
  f.type = schema::FieldType::kString;
  f.description = std::move(description);
  f.required = required;
  f.defaultJson = std::move(defaultJson);
  return f;
}

inline schema::FieldSpec oneOf(std::string name, std::vector<std::string> allowed,
                               std::string description, std::string defaultJson = "",
                               bool required = false) {
  schema::FieldSpec f =
      str(std::move(name), std::move(description), required, std::move(defaultJson));
  f.allowed = std::move(allowed);
  return f;
}

inline schema::FieldSpec integer(std::string name, std::string description, std::string defaultJson,
                                 double min, double max) {
  schema::FieldSpec f;
  f.name = std::move(name);
  f.type = schema::FieldType::kInteger;
  f.description = std::move(description);
  f.defaultJson = std::move(defaultJson);
  f.minimum = min;
  f.maximum = max;
  return f;
}

inline schema::FieldSpec boolean(std::string name, std::string description,
                                 std::string defaultJson) {
  schema::FieldSpec f;
  f.name = std::move(name);
  f.type = schema::FieldType::kBoolean;
  f.description = std::move(description);
  f.defaultJson = std::move(defaultJson);
  return f;
}

inline schema::FieldSpec secret(std::string name, std::string description, bool required = false) {
  schema::FieldSpec f = str(std::move(name), std::move(description), required);
  f.secret = true;
  return f;
}

inline schema::FieldSpec typed(std::string name, schema::FieldType type, std::string description,
                               bool required = false) {
  schema::FieldSpec f;
  f.name = std::move(name);
  f.type = type;
  f.description = std::move(description);
  f.required = required;
  return f;
}

inline schema::FieldSpec object(std::string name, std::string description,
                                std::vector<schema::FieldSpec> children, bool required = false) {
  schema::FieldSpec f =
      typed(std::move(name), schema::FieldType::kObject, std::move(description), required);
  f.fields = std::move(children);
  return f;
}

}  // namespace ferry::model::fields
