#include "common/encoding/base64.h"

#include <array>

namespace ferry::encoding {

namespace {

constexpr std::string_view kStandardChars =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kUrlChars =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

constexpr std::array<int, 256> decodeTable(std::string_view chars) {
  std::array<int, 256> table{};
  for (auto& v : table) v = -1;
  for (std::size_t i = 0; i < chars.size(); ++i) {
    table[static_cast<unsigned char>(chars[i])] = static_cast<int>(i);
  }
  return table;
}

constexpr auto kStandardTable = decodeTable(kStandardChars);
constexpr auto kUrlTable = decodeTable(kUrlChars);

}  // namespace

std::string base64Encode(std::string_view bytes, Base64 alphabet) {
  const std::string_view chars = alphabet == Base64::kUrl ? kUrlChars : kStandardChars;
  const bool pad = alphabet == Base64::kStandard;
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  auto at = [&](std::size_t i) {
    return static_cast<unsigned>(static_cast<unsigned char>(bytes[i]));
  };
  std::size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const unsigned v = (at(i) << 16) | (at(i + 1) << 8) | at(i + 2);
    const char quad[] = {chars[(v >> 18) & 63], chars[(v >> 12) & 63], chars[(v >> 6) & 63],
                         chars[v & 63]};
    out.append(quad, 4);
  }
  const std::size_t rest = bytes.size() - i;
  if (rest > 0) {
    unsigned v = at(i) << 16;
    if (rest == 2) v |= at(i + 1) << 8;
    out += chars[(v >> 18) & 63];
    out += chars[(v >> 12) & 63];
    if (rest == 2) out += chars[(v >> 6) & 63];
    if (pad) out.append(rest == 2 ? "=" : "==");
  }
  return out;
}

std::optional<std::string> base64Decode(std::string_view text, Base64 alphabet) {
  const auto& table = alphabet == Base64::kUrl ? kUrlTable : kStandardTable;
  if (alphabet == Base64::kStandard) {
    if (text.size() % 4 != 0) return std::nullopt;
    std::size_t padding = 0;
    while (padding < 2 && padding < text.size() && text[text.size() - 1 - padding] == '=') {
      ++padding;
    }
    text.remove_suffix(padding);
  }
  if (text.size() % 4 == 1) return std::nullopt;  // no byte count encodes to this length
  std::string out;
  out.reserve(text.size() * 3 / 4);
  unsigned bits = 0;
  int count = 0;
  for (char c : text) {
    const int v = table[static_cast<unsigned char>(c)];
    if (v < 0) return std::nullopt;
    bits = (bits << 6) | static_cast<unsigned>(v);
    count += 6;
    if (count >= 8) {
      count -= 8;
      out.push_back(static_cast<char>((bits >> count) & 0xFF));
    }
  }
  if ((bits & ((1u << count) - 1)) != 0) return std::nullopt;  // stray bits: not canonical
  return out;
}

}  // namespace ferry::encoding
