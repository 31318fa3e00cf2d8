#pragma once

#include <memory>
#include <string>
#include <vector>

#include "common/status/result.h"

namespace ferry::secrets {

// Resolves {"$secret": name} references when a connection (or the MQTT link) opens.
// kNotFound names the missing secret; the value itself never appears in any Status.
class SecretResolver {
 public:
  virtual ~SecretResolver() = default;
  virtual Result<std::string> resolve(const std::string& name) const = 0;
};

// Secrets of one state directory, encrypted at rest (docs/secrets.md):
//   <stateDir>/secrets/key-<id>   256-bit data key, mode 0600 (or $CREDENTIALS_DIRECTORY/
//                                 ferry-secret-key when systemd provides a credential)
//   <stateDir>/secrets/store.json {name: {keyId, nonce, ciphertext, tag}} — AES-256-GCM with a
//                                 random 96-bit nonce per write and the name as associated
//                                 data, so a ciphertext cannot be moved to another name.
// Writes are atomic (temp file, fsync, rename) and serialised across processes with flock.
// Files and directories get the state directory's owner, so `secret set` run as root does
// not lock out the service user. Thread-safety: one instance per thread, or external lock.
class SecretStore : public SecretResolver {
 public:
  struct Options {
    std::string stateDir;
    // Where systemd's LoadCredential= puts files; empty: read $CREDENTIALS_DIRECTORY at open.
    std::string credentialsDir;
  };

  // Opens (and on first use creates) the store. kFailedPrecondition when the key cannot be
  // read or the store file is damaged (the message names the file).
  static Result<std::unique_ptr<SecretStore>> open(const Options& options);

  Status set(const std::string& name, const std::string& value);
  Status remove(const std::string& name);         // kNotFound when absent
  Result<std::vector<std::string>> list() const;  // sorted names
  Result<std::string> resolve(const std::string& name) const override;

  // Secret names: 1-128 of [A-Za-z0-9._-], starting with a letter or digit.
  static Status validateName(const std::string& name);

  ~SecretStore() override;
  struct Impl;
  explicit SecretStore(std::unique_ptr<Impl> impl);  // use open()

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace ferry::secrets
