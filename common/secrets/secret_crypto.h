#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "common/json/json_fwd.h"
#include "common/status/result.h"

namespace ferry::secrets {

// A 256-bit data key and its id (the first 16 hex digits of its SHA-256), which the store
// records per secret so keys can rotate.
struct DataKey {
  std::string id;
  std::string bytes;  // 32 raw bytes
};

// Reads a key file: 32 raw bytes or 64 hex digits (what `systemd-creds` users tend to write).
Result<DataKey> loadKeyFile(const std::string& path);
// Every `key-<id>` file in `dir`.
Result<std::vector<DataKey>> loadKeyDirectory(const std::string& dir);
// Creates `dir/key-<id>` with 32 random bytes, mode 0600, exclusively (never overwrites).
Result<DataKey> createKeyFile(const std::string& dir);

// `bytes` bytes from OpenSSL's CSPRNG as lower-case hex (tokens, generated passwords,
// client id suffixes). kInternal when the generator fails.
Result<std::string> randomHex(std::size_t bytes);

// AES-256-GCM with a fresh random 96-bit nonce and `name` as associated data:
// {"keyId", "nonce", "ciphertext", "tag"} (base64).
Result<ferry::Json> seal(const DataKey& key, const std::string& name, const std::string& value);
// The inverse; kDataLoss when the tag does not verify (wrong key, tampering, moved entry).
Result<std::string> unseal(const DataKey& key, const std::string& name, const ferry::Json& sealed);

}  // namespace ferry::secrets
