#include "agent/connectors/resolve_secrets.h"

namespace ferry::agent::connectors {

namespace {

Status resolveInPlace(ferry::Json& value, const secrets::SecretResolver* resolver,
                      const std::string& where, const std::string& pointer) {
  if (value.is_object()) {
    auto ref = value.find("$secret");
    if (ref != value.end() && value.size() == 1) {
      if (!ref->is_string()) {
        return Status::invalidArgument(where + ": " + pointer +
                                       ": \"$secret\" must name a secret (a string)");
      }
      const std::string name = ref->get<std::string>();
      if (resolver == nullptr) {
        return Status::failedPrecondition(where + ": " + pointer + ": secret \"" + name +
                                          "\" cannot be resolved: no secret store is open");
      }
      auto secret = resolver->resolve(name);
      if (!secret.isOk()) {
        // The store's message says how to set it.
        return Status(secret.status().code(), where + ": " + pointer + ": secret \"" + name +
                                                  "\": " + secret.status().message());
      }
      value = std::move(*secret);
      return Status::ok();
    }
    for (auto& [key, child] : value.items()) {
      FERRY_RETURN_IF_ERROR(resolveInPlace(child, resolver, where, pointer + "/" + key));
    }
  } else if (value.is_array()) {
    for (std::size_t i = 0; i < value.size(); ++i) {
      FERRY_RETURN_IF_ERROR(
          resolveInPlace(value[i], resolver, where, pointer + "/" + std::to_string(i)));
    }
  }
  return Status::ok();
}

}  // namespace

Result<ferry::Json> resolveSecrets(const ferry::Json& settings,
                                   const secrets::SecretResolver* resolver,
                                   const std::string& where) {
  ferry::Json out = settings;
  FERRY_RETURN_IF_ERROR(resolveInPlace(out, resolver, where, ""));
  return out;
}

}  // namespace ferry::agent::connectors
