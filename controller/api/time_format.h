#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include "common/json/json_fwd.h"

namespace ferry::controller::api {

// RFC 3339 UTC with milliseconds: "2026-01-02T03:04:05.678Z".
std::string isoTime(std::int64_t epochMs);
// isoTime, or null for 0 (the store's "not yet").
ferry::Json isoTimeOrNull(std::int64_t epochMs);
// Parses RFC 3339 / ISO 8601 ("2026-01-02T03:04:05Z", fractions and offsets allowed).
std::optional<std::int64_t> parseIsoTime(const std::string& text);

}  // namespace ferry::controller::api
