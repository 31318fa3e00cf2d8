#pragma once

// ferry::Json with its whole definition (common/json/json_fwd.h names it).
#include <nlohmann/json.hpp>

#include "common/json/json_fwd.h"
