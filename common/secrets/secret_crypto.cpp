#include "common/secrets/secret_crypto.h"

#include <dirent.h>
#include <fcntl.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/rand.h>
#include <openssl/sha.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "common/config/config_loader.h"
#include "common/encoding/base64.h"
#include "common/json/json.h"

namespace ferry::secrets {

using json = ferry::Json;

namespace {

constexpr std::size_t kKeyBytes = 32;
constexpr std::size_t kNonceBytes = 12;
constexpr std::size_t kTagBytes = 16;

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

std::string toHex(const unsigned char* p, std::size_t n) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (std::size_t i = 0; i < n; ++i) {
    out += kDigits[p[i] >> 4];
    out += kDigits[p[i] & 15];
  }
  return out;
}

std::string keyId(const std::string& bytes) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(), digest);
  return toHex(digest, 8);
}

std::string base64(const std::string& in) {
  return encoding::base64Encode(in);
}

Result<std::string> unbase64(const std::string& in) {
  auto out = encoding::base64Decode(in);
  if (!out) return Status::dataLoss("bad base64");
  return std::move(*out);
}

Result<std::string> fromHex(const std::string& hex) {
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    auto nibble = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    int hi = nibble(hex[i]), lo = nibble(hex[i + 1]);
    if (hi < 0 || lo < 0) return Status::invalidArgument("not hex");
    out += static_cast<char>(hi * 16 + lo);
  }
  return out;
}

}  // namespace

Result<DataKey> loadKeyFile(const std::string& path) {
  auto raw = config::readTextFile(path);
  if (!raw) return Status::failedPrecondition("cannot read key file: " + raw.status().message());
  std::string bytes = *raw;
  // A key we made is 32 raw bytes, and its last byte may well be '\n' or '\r' (1 key in 128):
  // only a file that is not exactly 32 bytes can be hex with a line end.
  if (bytes.size() != kKeyBytes) {
    while (!bytes.empty() && (bytes.back() == '\n' || bytes.back() == '\r')) bytes.pop_back();
    if (bytes.size() == 2 * kKeyBytes) {
      auto decoded = fromHex(bytes);
      if (decoded) bytes = *decoded;
    }
  }
  if (bytes.size() != kKeyBytes) {
    OPENSSL_cleanse(bytes.data(), bytes.size());
    return Status::failedPrecondition("key file '" + path +
                                      "' must hold 32 bytes (or 64 hex digits)");
  }
  return DataKey{keyId(bytes), bytes};
}

Result<std::vector<DataKey>> loadKeyDirectory(const std::string& dir) {
  std::vector<DataKey> keys;
  struct DirCloser {
    void operator()(DIR* d) const { ::closedir(d); }
  };
  std::unique_ptr<DIR, DirCloser> d(::opendir(dir.c_str()));
  if (!d) return Status::failedPrecondition("cannot read '" + dir + "': " + std::strerror(errno));
  while (dirent* e = ::readdir(d.get())) {
    std::string name = e->d_name;
    if (name.rfind("key-", 0) != 0 || name.find('.') != std::string::npos) continue;
    auto key = loadKeyFile(dir + "/" + name);
    if (!key) return key.status();
    if ("key-" + key->id != name) {
      return Status::dataLoss("key file '" + dir + "/" + name +
                              "' does not match its id (the file was changed)");
    }
    keys.push_back(std::move(*key));
  }
  return keys;
}

Result<DataKey> createKeyFile(const std::string& dir) {
  std::string bytes(kKeyBytes, '\0');
  if (RAND_bytes(reinterpret_cast<unsigned char*>(bytes.data()), kKeyBytes) != 1) {
    return Status::unavailable("the system random generator failed");
  }
  DataKey key{keyId(bytes), bytes};
  std::string path = dir + "/key-" + key.id;
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0)
    return Status::failedPrecondition("cannot create '" + path + "': " + std::strerror(errno));
  bool ok = ::write(fd, bytes.data(), bytes.size()) == static_cast<ssize_t>(bytes.size()) &&
            ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) return Status::unavailable("cannot write '" + path + "'");
  return key;
}

Result<json> seal(const DataKey& key, const std::string& name, const std::string& value) {
  unsigned char nonce[kNonceBytes];
  if (RAND_bytes(nonce, kNonceBytes) != 1) return Status::unavailable("random generator failed");
  CipherCtx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  std::string cipher(value.size() + 16, '\0');
  unsigned char tag[kTagBytes];
  int len = 0, total = 0;
  const auto* k = reinterpret_cast<const unsigned char*>(key.bytes.data());
  bool ok = ctx && EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceBytes, nullptr) &&
            EVP_EncryptInit_ex(ctx.get(), nullptr, nullptr, k, nonce) &&
            EVP_EncryptUpdate(ctx.get(), nullptr, &len,
                              reinterpret_cast<const unsigned char*>(name.data()),
                              static_cast<int>(name.size())) &&
            EVP_EncryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(cipher.data()), &len,
                              reinterpret_cast<const unsigned char*>(value.data()),
                              static_cast<int>(value.size()));
  total = len;
  ok = ok &&
       EVP_EncryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(cipher.data()) + total,
                           &len) &&
       EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes, tag);
  if (!ok) return Status::internal("AES-256-GCM encryption failed");
  cipher.resize(static_cast<std::size_t>(total + len));
  return json{{"keyId", key.id},
              {"nonce", base64(std::string(reinterpret_cast<char*>(nonce), kNonceBytes))},
              {"ciphertext", base64(cipher)},
              {"tag", base64(std::string(reinterpret_cast<char*>(tag), kTagBytes))}};
}

Result<std::string> unseal(const DataKey& key, const std::string& name, const json& sealed) {
  auto field = [&](const char* k) -> Result<std::string> {
    auto it = sealed.find(k);
    if (it == sealed.end() || !it->is_string()) {
      return Status::dataLoss("secret '" + name + "' is damaged: no '" + k + "'");
    }
    return unbase64(it->get<std::string>());
  };
  auto nonce = field("nonce");
  auto cipher = field("ciphertext");
  auto tag = field("tag");
  if (!nonce || !cipher || !tag || nonce->size() != kNonceBytes || tag->size() != kTagBytes) {
    return Status::dataLoss("secret '" + name + "' is damaged (bad nonce, ciphertext or tag)");
  }
  CipherCtx ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  std::string plain(cipher->size() + 16, '\0');
  int len = 0, total = 0;
  const auto* k = reinterpret_cast<const unsigned char*>(key.bytes.data());
  bool ok = ctx && EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, nullptr, nullptr) &&
            EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_IVLEN, kNonceBytes, nullptr) &&
            EVP_DecryptInit_ex(ctx.get(), nullptr, nullptr, k,
                               reinterpret_cast<const unsigned char*>(nonce->data())) &&
            EVP_DecryptUpdate(ctx.get(), nullptr, &len,
                              reinterpret_cast<const unsigned char*>(name.data()),
                              static_cast<int>(name.size())) &&
            EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()), &len,
                              reinterpret_cast<const unsigned char*>(cipher->data()),
                              static_cast<int>(cipher->size()));
  total = len;
  ok = ok &&
       EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes,
                           const_cast<char*>(tag->data())) &&
       EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()) + total,
                           &len) > 0;
  if (!ok) {
    OPENSSL_cleanse(plain.data(), plain.size());
    return Status::dataLoss("secret '" + name + "' does not decrypt with key '" + key.id +
                            "' (wrong key file, or the store was altered)");
  }
  plain.resize(static_cast<std::size_t>(total + len));
  return plain;
}

Result<std::string> randomHex(std::size_t bytes) {
  std::vector<unsigned char> raw(bytes);
  if (RAND_bytes(raw.data(), static_cast<int>(raw.size())) != 1) {
    return Status::internal("no random bytes (OpenSSL RAND_bytes failed)");
  }
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes * 2);
  for (unsigned char b : raw) {
    out.push_back(kHex[b >> 4]);
    out.push_back(kHex[b & 0xf]);
  }
  return out;
}

}  // namespace ferry::secrets
