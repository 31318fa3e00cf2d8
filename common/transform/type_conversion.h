#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/json/json.h"
#include "common/status/result.h"

namespace ferry::transform {

// The `type` of a mapping rule.
enum class ValueType { kString, kInteger, kNumber, kBoolean, kDatetime, kDate };

std::optional<ValueType> parseValueType(const std::string& name);
const std::vector<std::string>& valueTypeNames();
// The type a person probably meant: common aliases from SQL and programming languages
// ("int", "float", "bool", "timestamp"), wrong case, or a typo; nullopt when unsure.
std::optional<std::string> suggestValueType(const std::string& name);

// Converts a value to `type` (docs/transforms.md has the table). null stays null.
// kInvalidArgument with a message a person understands when the value does not convert
// ("'12.5' is not an integer").
Result<ferry::Json> convertValue(const ferry::Json& value, ValueType type);

}  // namespace ferry::transform
