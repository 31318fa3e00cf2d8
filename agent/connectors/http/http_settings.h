#pragma once

#include <memory>

#include "agent/connectors/connector.h"
#include "agent/connectors/http/http_client.h"
#include "common/model/resources.h"

namespace ferry::agent::connectors::http {

// Builds the client options of an `http` connection (common/model/connector_descriptors.cpp
// `http()`): resolves its {"$secret": …} values, parses baseUrl, turns `auth` (bearer,
// basic or apiKey, at most one) into a header and collects every secret value so messages
// can be redacted. kInvalidArgument names the connection and the setting; a missing secret
// keeps resolveSecrets' code and message.
Result<ClientOptions> clientOptions(const model::Connection& connection,
                                    const ConnectorContext& context);

// clientOptions + HttpClient::create.
Result<std::unique_ptr<HttpClient>> openClient(const model::Connection& connection,
                                               const ConnectorContext& context);

}  // namespace ferry::agent::connectors::http
