#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "common/status/result.h"

namespace ferry::controller::store {

// The position after the last row of a page: lists are ordered newest first by
// (time, id), so the next page holds the rows strictly below it. Rows inserted later sort
// above or below it but never move the rows already listed, so no row is skipped or
// repeated (docs/controller-store.md, "Cursors").
struct CursorPosition {
  std::int64_t timeMs = 0;
  std::string id;
};

// A short hash of the filter a cursor was issued for, so a token replayed with other
// filters is refused rather than silently returning the wrong rows.
std::string filterFingerprint(std::initializer_list<std::string_view> parts);

// Opaque to clients: base64url("<kind>1|<timeMs>|<fingerprint>|<id>"), no padding.
std::string encodeCursor(char kind, const CursorPosition& pos, std::string_view fingerprint);
// kInvalidArgument when the token is malformed, of another list or of other filters.
Result<CursorPosition> decodeCursor(std::string_view token, char kind,
                                    std::string_view fingerprint);

}  // namespace ferry::controller::store
