#include "common/secrets/secret_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/config/config_loader.h"
#include "common/fs/atomic_file.h"
#include "common/json/json.h"
#include "common/secrets/secret_crypto.h"

namespace ferry::secrets {

using json = ferry::Json;

namespace {

constexpr const char* kCredentialName = "ferry-secret-key";

std::string errnoText() {
  return std::strerror(errno);
}

// Gives `path` the owner of the state directory when running as root, so the service
// user can still read what an admin's `sudo ferry-agent secret set` wrote.
void adoptOwner(const std::string& path, const struct stat& owner) {
  if (::geteuid() == 0) {
    if (::chown(path.c_str(), owner.st_uid, owner.st_gid) != 0) {
      // Best effort: the file stays root-owned, which the service will report on open.
    }
  }
}

// An exclusive flock for the duration of a read-modify-write.
class FileLock {
 public:
  explicit FileLock(const std::string& path) {
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    if (fd_ >= 0) ::flock(fd_, LOCK_EX);
  }
  ~FileLock() {
    if (fd_ >= 0) ::close(fd_);  // closing releases the lock
  }
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  bool ok() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

}  // namespace

struct SecretStore::Impl {
  std::string dir;
  std::string storePath;
  struct stat owner {};
  DataKey current;
  std::vector<DataKey> keys;  // every key the store may reference, current included

  const DataKey* key(const std::string& id) const {
    for (const auto& k : keys) {
      if (k.id == id) return &k;
    }
    return nullptr;
  }

  Result<json> load() const {
    auto text = config::readTextFile(storePath);
    if (!text) {
      if (text.status().code() == StatusCode::kNotFound) {
        return json{{"version", 1}, {"currentKey", current.id}, {"secrets", json::object()}};
      }
      return text.status();
    }
    auto doc = config::parseJsonText(*text, storePath);
    if (!doc || !doc->is_object() || !doc->contains("secrets") || !(*doc)["secrets"].is_object()) {
      return Status::dataLoss("secret store '" + storePath +
                              "' is damaged (not a JSON object with 'secrets'); restore it "
                              "from a backup");
    }
    if (doc->value("version", 0) > 1) {
      return Status::failedPrecondition("secret store '" + storePath +
                                        "' was written by a newer Ferry (format version " +
                                        std::to_string(doc->value("version", 0)) + ")");
    }
    return doc;
  }

  Status save(const json& doc) const {
    return fs::writeFileAtomically(storePath, doc.dump(2) + "\n", 0600,
                                   [this](const std::string& tmp) { adoptOwner(tmp, owner); });
  }
};

SecretStore::SecretStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
SecretStore::~SecretStore() = default;

Status SecretStore::validateName(const std::string& name) {
  bool ok =
      !name.empty() && name.size() <= 128 && std::isalnum(static_cast<unsigned char>(name[0]));
  for (char c : name) {
    ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-');
  }
  if (!ok) {
    return Status::invalidArgument("invalid secret name '" + name +
                                   "': use 1-128 letters, digits, '.', '_' or '-', starting "
                                   "with a letter or digit");
  }
  return Status::ok();
}

Result<std::unique_ptr<SecretStore>> SecretStore::open(const Options& options) {
  auto impl = std::make_unique<Impl>();
  if (::stat(options.stateDir.c_str(), &impl->owner) != 0) {
    return Status::failedPrecondition("state directory '" + options.stateDir +
                                      "' is not accessible: " + errnoText());
  }
  impl->dir = options.stateDir + "/secrets";
  impl->storePath = impl->dir + "/store.json";
  if (::mkdir(impl->dir.c_str(), 0700) == 0) {
    adoptOwner(impl->dir, impl->owner);
  } else if (errno != EEXIST) {
    return Status::failedPrecondition("cannot create '" + impl->dir + "': " + errnoText());
  }

  // A systemd credential, when present, is the key; otherwise the key files of the store.
  if (!options.credentialsDir.empty()) {
    std::string credential = options.credentialsDir + "/" + kCredentialName;
    if (::access(credential.c_str(), F_OK) == 0) {
      auto key = loadKeyFile(credential);
      if (!key) return key.status();
      impl->current = *key;
      impl->keys.push_back(*key);
    }
  }
  if (impl->keys.empty()) {
    // Every key-<id> file is loaded so values written under an older key stay readable.
    auto existing = loadKeyDirectory(impl->dir);
    if (!existing) return existing.status();
    impl->keys = std::move(*existing);
    FileLock lock(impl->dir + "/lock");
    auto doc = impl->load();
    if (!doc) return doc.status();
    std::string currentId = doc->value("currentKey", std::string());
    if (const DataKey* k = impl->key(currentId)) {
      impl->current = *k;
    } else if (!currentId.empty() && !(*doc)["secrets"].empty()) {
      return Status::failedPrecondition("secret store '" + impl->storePath + "' needs key '" +
                                        currentId + "', but '" + impl->dir + "/key-" + currentId +
                                        "' is missing");
    } else {
      auto created = createKeyFile(impl->dir);
      if (!created) return created.status();
      adoptOwner(impl->dir + "/key-" + created->id, impl->owner);
      impl->current = *created;
      impl->keys.push_back(*created);
      (*doc)["currentKey"] = created->id;
      FERRY_RETURN_IF_ERROR(impl->save(*doc));
    }
  }
  return std::make_unique<SecretStore>(std::move(impl));
}

Status SecretStore::set(const std::string& name, const std::string& value) {
  FERRY_RETURN_IF_ERROR(validateName(name));
  if (value.empty()) return Status::invalidArgument("the value of secret '" + name + "' is empty");
  FileLock lock(impl_->dir + "/lock");
  if (!lock.ok()) return Status::unavailable("cannot lock the secret store in " + impl_->dir);
  auto doc = impl_->load();
  if (!doc) return doc.status();
  auto sealed = seal(impl_->current, name, value);
  if (!sealed) return sealed.status();
  (*doc)["secrets"][name] = *sealed;
  (*doc)["currentKey"] = impl_->current.id;
  return impl_->save(*doc);
}

Status SecretStore::remove(const std::string& name) {
  FERRY_RETURN_IF_ERROR(validateName(name));
  FileLock lock(impl_->dir + "/lock");
  auto doc = impl_->load();
  if (!doc) return doc.status();
  if (!(*doc)["secrets"].contains(name)) {
    return Status::notFound("no secret named '" + name + "'");
  }
  (*doc)["secrets"].erase(name);
  return impl_->save(*doc);
}

Result<std::vector<std::string>> SecretStore::list() const {
  auto doc = impl_->load();
  if (!doc) return doc.status();
  std::vector<std::string> names;
  for (auto it = (*doc)["secrets"].begin(); it != (*doc)["secrets"].end(); ++it) {
    names.push_back(it.key());
  }
  return names;  // nlohmann objects iterate in sorted key order
}

Result<std::string> SecretStore::resolve(const std::string& name) const {
  auto doc = impl_->load();
  if (!doc) return doc.status();
  auto it = (*doc)["secrets"].find(name);
  if (it == (*doc)["secrets"].end()) {
    return Status::notFound("secret '" + name + "' is not set (use 'secret set " + name + "')");
  }
  std::string keyId = it->value("keyId", std::string());
  const DataKey* key = impl_->key(keyId);
  if (!key) {
    return Status::failedPrecondition("secret '" + name + "' was encrypted with key '" + keyId +
                                      "', which is not in " + impl_->dir);
  }
  return unseal(*key, name, *it);
}

}  // namespace ferry::secrets
