#pragma once

#include <nlohmann/json_fwd.hpp>

#include "common/json/sorted_members.h"

namespace ferry {

// ferry::Json for headers that only name it (common/json/json.h has the whole type).
using Json = nlohmann::basic_json<json::SortedMembers>;

}  // namespace ferry
