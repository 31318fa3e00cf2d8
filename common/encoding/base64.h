#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace ferry::encoding {

// RFC 4648: kStandard is §4 ("+/", padded with '='), kUrl is §5 ("-_", no padding).
enum class Base64 { kStandard, kUrl };

std::string base64Encode(std::string_view bytes, Base64 alphabet = Base64::kStandard);
// The bytes, or nullopt when `text` is not base64 of that alphabet: a character outside it,
// a length no encoding has, padding other than at the end (kStandard requires it, kUrl
// refuses it), or stray bits in the last character.
std::optional<std::string> base64Decode(std::string_view text, Base64 alphabet = Base64::kStandard);

}  // namespace ferry::encoding
