#pragma once

#include <nlohmann/json_fwd.hpp>

#include "common/json/sorted_members.h"

namespace ferry {

// The JSON value used throughout Ferry: nlohmann's basic_json with objects kept as sorted
// vectors (json::SortedMembers) instead of std::map (decision 0007). Headers that only name
// it include this file; code that uses it includes common/json/json.h.
using Json = nlohmann::basic_json<json::SortedMembers>;

}  // namespace ferry
