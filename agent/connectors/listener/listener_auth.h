#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "agent/connectors/listener/listener_route.h"

namespace ferry::agent::connectors::listener {

// Checks one request against its export's auth. `headers` are keyed by lower-cased name
// (http::HttpRequest); `body` is the raw body exactly as received, which the HMAC covers.
// Returns nullopt when the caller is accepted, else why not, for the 401's detail (never
// a secret, never the expected signature).
//  - HMAC: the header holds the hex HMAC-SHA256 of the body, optionally prefixed with
//    "sha256=" (as GitHub sends it); upper or lower case.
//  - bearer: `Authorization: Bearer <token>`.
// Both comparisons take the same time whatever the position of the first differing byte
// (CRYPTO_memcmp); the bearer comparison also hides the expected token's length.
std::optional<std::string> checkListenerAuth(const ListenerAuth& auth,
                                             const std::map<std::string, std::string>& headers,
                                             std::string_view body);

// The lower-case hex HMAC-SHA256 of `body` under `key` (what a sender puts in the header).
std::string hmacSha256Hex(std::string_view key, std::string_view body);

}  // namespace ferry::agent::connectors::listener
