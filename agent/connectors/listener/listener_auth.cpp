#include "agent/connectors/listener/listener_auth.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>

#include <algorithm>
#include <array>
#include <cctype>

namespace ferry::agent::connectors::listener {

namespace {

using Digest = std::array<unsigned char, SHA256_DIGEST_LENGTH>;

Digest hmacSha256(std::string_view key, std::string_view body) {
  Digest out{};
  unsigned int length = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(body.data()), body.size(), out.data(), &length);
  return out;
}

Digest sha256(std::string_view data) {
  Digest out{};
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), out.data());
  return out;
}

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::optional<Digest> decodeHex(std::string_view hex) {
  if (hex.size() != 2 * SHA256_DIGEST_LENGTH) return std::nullopt;
  Digest out{};
  for (std::size_t i = 0; i < out.size(); ++i) {
    int hi = hexValue(hex[2 * i]);
    int lo = hexValue(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<unsigned char>(hi * 16 + lo);
  }
  return out;
}

bool equalDigests(const Digest& a, const Digest& b) {
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::optional<std::string> checkSignature(const ListenerAuth& auth,
                                          const std::map<std::string, std::string>& headers,
                                          std::string_view body) {
  auto it = headers.find(lower(auth.signatureHeader));
  if (it == headers.end()) {
    return "the " + auth.signatureHeader + " header (HMAC-SHA256 of the body) is missing";
  }
  std::string_view value = trim(it->second);
  if (value.size() > 7 && lower(std::string(value.substr(0, 7))) == "sha256=") {
    value.remove_prefix(7);
  }
  auto given = decodeHex(value);
  if (!given) {
    return "the " + auth.signatureHeader +
           " header is not a hex HMAC-SHA256 (64 hex digits, optionally after \"sha256=\")";
  }
  if (!equalDigests(*given, hmacSha256(*auth.hmacSha256Key, body))) {
    return "the " + auth.signatureHeader + " signature does not match the body";
  }
  return std::nullopt;
}

std::optional<std::string> checkBearer(const ListenerAuth& auth,
                                       const std::map<std::string, std::string>& headers) {
  auto it = headers.find("authorization");
  if (it == headers.end()) return std::string("the Authorization header (Bearer token) is missing");
  std::string_view value = trim(it->second);
  if (value.size() < 7 || lower(std::string(value.substr(0, 7))) != "bearer ") {
    return std::string("the Authorization header does not carry a Bearer token");
  }
  // Hashing both sides first makes the comparison independent of the tokens' lengths.
  if (!equalDigests(sha256(trim(value.substr(7))), sha256(*auth.bearerToken))) {
    return std::string("the bearer token is not valid");
  }
  return std::nullopt;
}

}  // namespace

std::optional<std::string> checkListenerAuth(const ListenerAuth& auth,
                                             const std::map<std::string, std::string>& headers,
                                             std::string_view body) {
  if (auth.hmacSha256Key) {
    if (auto why = checkSignature(auth, headers, body)) return why;
  }
  if (auth.bearerToken) {
    if (auto why = checkBearer(auth, headers)) return why;
  }
  return std::nullopt;
}

std::string hmacSha256Hex(std::string_view key, std::string_view body) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned char b : hmacSha256(key, body)) {
    out += kHex[b >> 4];
    out += kHex[b & 0x0f];
  }
  return out;
}

}  // namespace ferry::agent::connectors::listener
