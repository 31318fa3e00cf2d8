#pragma once

#include <memory>
#include <string>

#include "agent/connectors/connector.h"
#include "agent/connectors/http/http_client.h"
#include "common/model/resources.h"

namespace ferry::agent::connectors::http {

// An `http` import (docs/connector-http.md "Imports"): `method` to `path`, one request per
// row with its own Idempotency-Key, or (batch) one request with the rows as a JSON array.
// 2xx: written. 429, 5xx, connection errors and timeouts: the page stops there and the
// outcome is retry later (Retry-After as the hint); rows already sent are sent again on the
// retry, with the same keys. Any other 4xx: that row fails (its status and a body excerpt in
// the message) and the page goes on; in batch mode every row of the page fails.
Result<std::unique_ptr<Destination>> openHttpDestination(std::unique_ptr<HttpClient> client,
                                                         const model::Import& importDef,
                                                         const ConnectorContext& context);

// Lower-case hex SHA-256 of "<queueId>/<flowId>/<importId>/<topic>/<seq>/<index>": the same
// row of the same queued page always gets the same key, and nothing else does. `index` is
// the row's position in the page, or "batch".
std::string idempotencyKey(const PageId& page, const std::string& index);

}  // namespace ferry::agent::connectors::http
