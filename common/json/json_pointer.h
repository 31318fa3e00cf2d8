#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace ferry::jsonptr {

// RFC 6901 helpers for building the pointers that name where a problem is.
std::string escapeToken(std::string_view token);  // "~" -> "~0", "/" -> "~1"
std::string appendToken(std::string_view pointer, std::string_view token);
std::string appendIndex(std::string_view pointer, std::size_t index);

}  // namespace ferry::jsonptr
