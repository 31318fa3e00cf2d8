#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock/clock.h"
#include "common/status/result.h"
#include "controller/store/store.h"

namespace ferry::controller::api {

// Prefixes that make leaked tokens recognisable to secret scanners.
inline constexpr std::string_view kApiTokenPrefix = "ferry_pat_";
inline constexpr std::string_view kEnrollmentTokenPrefix = "ferry_enr_";

// `prefix` + 256 random bits in hex (OpenSSL's CSPRNG). kInternal if it cannot get entropy.
Result<std::string> newToken(std::string_view prefix);

// What the store keeps instead of a token: lower-case hex SHA-256.
std::string tokenHash(std::string_view token);

// Checks `Authorization: Bearer <token>` against the store's token hashes. Comparing
// hashes (by lookup) instead of token strings means a timing difference can reveal at most
// a prefix of a hash, never of a token.
class Authenticator {
 public:
  Authenticator(store::Store& store, const Clock& clock) : store_(store), clock_(clock) {}

  struct Outcome {
    enum class Kind { kOk, kMissing, kInvalid, kUnavailable };
    Kind kind = Kind::kMissing;
    std::string tokenName;  // kOk
    Status status;          // kUnavailable
  };
  Outcome check(const std::string& authorizationHeader) const;

 private:
  // Last-use times are written at most this often per token, so reads stay reads.
  static constexpr std::int64_t kTouchIntervalMs = 60'000;
  store::Store& store_;
  const Clock& clock_;
};

}  // namespace ferry::controller::api
