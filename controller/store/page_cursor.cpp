#include "controller/store/page_cursor.h"

#include <charconv>

#include "common/encoding/base64.h"

namespace ferry::controller::store {

namespace {

Status badToken(const std::string& why) {
  return Status::invalidArgument("page token is not valid: " + why +
                                 " (start again without a token)");
}

}  // namespace

std::string filterFingerprint(std::initializer_list<std::string_view> parts) {
  std::uint64_t h = 1469598103934665603ull;  // FNV-1a 64
  for (std::string_view part : parts) {
    for (unsigned char c : part) {
      h ^= c;
      h *= 1099511628211ull;
    }
    h ^= 0x1f;  // field separator, so ("ab","") differs from ("a","b")
    h *= 1099511628211ull;
  }
  char buf[17];
  static const char* hex = "0123456789abcdef";
  for (int i = 15; i >= 0; --i, h >>= 4) buf[i] = hex[h & 0xf];
  return std::string(buf, 8);  // 32 bits are plenty to catch a mix-up
}

std::string encodeCursor(char kind, const CursorPosition& pos, std::string_view fingerprint) {
  std::string text{kind, '1', '|'};
  text += std::to_string(pos.timeMs);
  text += '|';
  text += fingerprint;
  text += '|';
  text += pos.id;
  return encoding::base64Encode(text, encoding::Base64::kUrl);
}

Result<CursorPosition> decodeCursor(std::string_view token, char kind,
                                    std::string_view fingerprint) {
  if (token.size() > 512) return badToken("too long");
  auto decoded = encoding::base64Decode(token, encoding::Base64::kUrl);
  if (!decoded) return badToken("not base64url");
  const std::string& text = *decoded;
  if (text.size() < 3 || text[0] != kind || text[1] != '1' || text[2] != '|') {
    return badToken("issued by another list or version");
  }
  std::string_view rest = std::string_view(text).substr(3);
  std::size_t bar = rest.find('|');
  if (bar == std::string_view::npos) return badToken("truncated");
  CursorPosition pos;
  auto [ptr, ec] = std::from_chars(rest.data(), rest.data() + bar, pos.timeMs);
  if (ec != std::errc() || ptr != rest.data() + bar) return badToken("bad time");
  rest = rest.substr(bar + 1);
  bar = rest.find('|');
  if (bar == std::string_view::npos) return badToken("truncated");
  if (rest.substr(0, bar) != fingerprint) {
    return Status::invalidArgument(
        "page token was issued for other filters; repeat the filters of the first page");
  }
  pos.id = std::string(rest.substr(bar + 1));
  if (pos.id.empty()) return badToken("no id");
  return pos;
}

}  // namespace ferry::controller::store
