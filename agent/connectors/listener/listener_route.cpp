#include "agent/connectors/listener/listener_route.h"

#include <map>

#include "agent/connectors/resolve_secrets.h"
#include "common/json/json.h"

namespace ferry::agent::connectors::listener {

namespace {

// A resolved secret must be a non-empty string: an empty HMAC key or token would make the
// check meaningless, so it is refused rather than quietly accepted.
Result<std::optional<std::string>> secretField(const ferry::Json& auth, const char* key,
                                               const std::string& where) {
  auto it = auth.find(key);
  if (it == auth.end() || it->is_null()) return std::optional<std::string>{};
  const std::string pointer = std::string("/listener/auth/") + key;
  if (!it->is_string()) {
    return Status::invalidArgument(where + ": " + pointer + ": must be a secret (a string)");
  }
  if (it->get_ref<const std::string&>().empty()) {
    return Status::failedPrecondition(where + ": " + pointer + ": the secret is empty");
  }
  return std::optional<std::string>(it->get<std::string>());
}

Result<ListenerRoute> routeFor(const model::Export& exp, const secrets::SecretResolver* resolver) {
  const std::string where = "export " + exp.id;
  auto resolved = resolveSecrets(exp.options, resolver, where);
  if (!resolved.isOk()) return resolved.status();
  const ferry::Json listener = resolved->value("listener", ferry::Json::object());
  ListenerRoute route;
  route.exportId = exp.id;
  route.topic = exp.id;
  route.path = listener.value("path", std::string());
  const ferry::Json auth = listener.value("auth", ferry::Json::object());
  auto hmac = secretField(auth, "hmacSha256", where);
  if (!hmac.isOk()) return hmac.status();
  auto bearer = secretField(auth, "bearer", where);
  if (!bearer.isOk()) return bearer.status();
  route.auth.hmacSha256Key = std::move(*hmac);
  route.auth.bearerToken = std::move(*bearer);
  route.auth.signatureHeader = auth.value("header", std::string("X-Signature"));
  return route;
}

}  // namespace

Result<std::vector<ListenerRoute>> buildListenerRoutes(const model::Definitions& definitions,
                                                       const secrets::SecretResolver* resolver) {
  std::vector<ListenerRoute> routes;
  std::string problems;
  StatusCode code = StatusCode::kOk;
  for (const auto& exp : definitions.exports) {
    if (exp.type != "listener") continue;
    auto route = routeFor(exp, resolver);
    if (!route.isOk()) {
      if (code == StatusCode::kOk) code = route.status().code();
      problems += (problems.empty() ? "" : "\n") + route.status().message();
      continue;
    }
    routes.push_back(std::move(*route));
  }
  if (Status st = validateListenerRoutes(routes); !st.isOk()) {
    if (code == StatusCode::kOk) code = st.code();
    problems += (problems.empty() ? "" : "\n") + st.message();
  }
  if (code != StatusCode::kOk) return Status(code, problems);
  return routes;
}

Status validateListenerRoutes(const std::vector<ListenerRoute>& routes) {
  std::map<std::string, const ListenerRoute*> byPath;
  std::string problems;
  auto add = [&problems](const std::string& p) { problems += (problems.empty() ? "" : "\n") + p; };
  for (const auto& r : routes) {
    const std::string where = "export " + r.exportId + ": listener path \"" + r.path + "\"";
    if (r.path.empty() || r.path.front() != '/') {
      add(where + ": must start with '/'");
    } else if (r.path.find_first_of("?#") != std::string::npos) {
      add(where + ": must not contain a query string or fragment");
    }
    if (r.topic.empty()) add("export " + r.exportId + ": the listener route has no topic");
    auto [it, inserted] = byPath.emplace(r.path, &r);
    if (!inserted) add(where + ": already used by export " + it->second->exportId);
  }
  if (!problems.empty()) return Status::invalidArgument(problems);
  return Status::ok();
}

}  // namespace ferry::agent::connectors::listener
