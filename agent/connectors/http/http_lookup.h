#pragma once

#include <memory>

#include "agent/connectors/connector.h"
#include "agent/connectors/http/http_client.h"
#include "common/model/resources.h"

namespace ferry::agent::connectors::http {

// An `http` lookup (docs/connector-http.md "Lookups"): GET `path` with `params`
// ({param: recordPath}) once per distinct set of parameter values in a page; the rows are
// what `records` points at (an array: its items; an object: one row; absent or null: none).
// A record missing a parameter value gets no rows without a request. 404 means no rows;
// another 4xx fails the records that share those values (status and body excerpt in the
// message); 429, 5xx and connection errors make the whole fetch retry later.
Result<std::unique_ptr<LookupSource>> openHttpLookup(std::unique_ptr<HttpClient> client,
                                                     const model::Lookup& lookupDef,
                                                     const ConnectorContext& context);

}  // namespace ferry::agent::connectors::http
