#pragma once

#include "common/schema/field_spec.h"

namespace ferry::config {

// The declarative schemas of agent.json and controller.json (DESIGN.md, "Configuration").
// Validation, defaults, FERRY_* environment overrides and the docs all come from these.
const schema::ObjectSpec& agentConfigSpec();
const schema::ObjectSpec& controllerConfigSpec();

}  // namespace ferry::config
