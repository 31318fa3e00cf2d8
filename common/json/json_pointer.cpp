#include "common/json/json_pointer.h"

namespace ferry::jsonptr {

std::string escapeToken(std::string_view token) {
  std::string out;
  out.reserve(token.size());
  for (char c : token) {
    if (c == '~') {
      out += "~0";
    } else if (c == '/') {
      out += "~1";
    } else {
      out += c;
    }
  }
  return out;
}

std::string appendToken(std::string_view pointer, std::string_view token) {
  std::string out(pointer);
  out += '/';
  out += escapeToken(token);
  return out;
}

std::string appendIndex(std::string_view pointer, std::size_t index) {
  std::string out(pointer);
  out += '/';
  out += std::to_string(index);
  return out;
}

}  // namespace ferry::jsonptr
