#pragma once

#include <optional>
#include <string>
#include <vector>

#include "common/model/resources.h"
#include "common/secrets/secret_store.h"
#include "common/status/result.h"

namespace ferry::agent::connectors::listener {

// How callers of one listener export prove who they are, secrets already resolved. With
// both set a request must pass both checks; with neither the export accepts any caller.
struct ListenerAuth {
  std::optional<std::string> hmacSha256Key;  // key of the hex HMAC-SHA256 of the raw body
  std::string signatureHeader = "X-Signature";
  std::optional<std::string> bearerToken;  // expected in `Authorization: Bearer <token>`

  bool open() const { return !hmacSha256Key && !bearerToken; }
};

// Where POSTs to `path` go: records are appended to `topic` (the export's topic).
struct ListenerRoute {
  std::string path;  // exact match on the request path, query string ignored
  std::string exportId;
  std::string topic;
  ListenerAuth auth;
};

// One route per `"type": "listener"` export of `definitions`, topic = export id, with the
// export's {"$secret": …} references resolved through `resolver`. Every problem is
// reported at once, one per line, each naming its export ("export order-events:
// /listener/auth/hmacSha256: secret \"hook-key\" is not set …"); duplicate paths too.
Result<std::vector<ListenerRoute>> buildListenerRoutes(const model::Definitions& definitions,
                                                       const secrets::SecretResolver* resolver);

// kInvalidArgument naming the route when a path does not start with '/', has a query
// string, or is used twice, or when a topic is empty.
Status validateListenerRoutes(const std::vector<ListenerRoute>& routes);

}  // namespace ferry::agent::connectors::listener
