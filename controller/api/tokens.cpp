#include "controller/api/tokens.h"

#include <cctype>
#include <chrono>

#include "common/model/definitions.h"
#include "common/secrets/secret_crypto.h"

namespace ferry::controller::api {

Result<std::string> newToken(std::string_view prefix) {
  auto hex = secrets::randomHex(32);
  if (!hex) return hex.status().withContext("token");
  return std::string(prefix) + *hex;
}

std::string tokenHash(std::string_view token) {
  return model::sha256Hex(token);
}

Authenticator::Outcome Authenticator::check(const std::string& header) const {
  Outcome out;
  if (header.empty()) return out;
  // RFC 6750: the scheme is case-insensitive, one or more spaces before the token.
  static constexpr std::string_view kScheme = "bearer";
  bool schemeOk = header.size() > kScheme.size() &&
                  std::isspace(static_cast<unsigned char>(header[kScheme.size()]));
  for (std::size_t i = 0; schemeOk && i < kScheme.size(); ++i) {
    schemeOk = std::tolower(static_cast<unsigned char>(header[i])) == kScheme[i];
  }
  out.kind = Outcome::Kind::kInvalid;
  if (!schemeOk) return out;
  std::string token = header.substr(kScheme.size());
  token.erase(0, token.find_first_not_of(" \t"));
  token.erase(token.find_last_not_of(" \t") + 1);
  if (token.empty()) return out;
  auto found = store_.findTokenByHash(tokenHash(token));
  if (!found) {
    if (found.status().code() == StatusCode::kNotFound) return out;
    out.kind = Outcome::Kind::kUnavailable;
    out.status = found.status();
    return out;
  }
  std::int64_t now =
      std::chrono::duration_cast<std::chrono::milliseconds>(clock_.now().time_since_epoch())
          .count();
  if (now - found->lastUsedAtMs >= kTouchIntervalMs) {
    // Last use is informational: a failed write must not refuse a valid token.
    (void)store_.touchToken(found->name, now);
  }
  out.kind = Outcome::Kind::kOk;
  out.tokenName = found->name;
  return out;
}

}  // namespace ferry::controller::api
