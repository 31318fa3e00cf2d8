#pragma once

#include <string>
#include <string_view>

namespace ferry {

std::string_view ferryVersion();   // CMake project version, e.g. "0.1.0"
std::string_view ferryRevision();  // short git hash at configure time, or "unknown"
// "<program> <version> (<revision>)", what --version prints.
std::string versionLine(std::string_view program);

}  // namespace ferry
