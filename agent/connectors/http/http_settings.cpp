#include "agent/connectors/http/http_settings.h"

#include <Poco/Exception.h>
#include <Poco/URI.h>

#include <algorithm>
#include <fstream>

#include "agent/connectors/resolve_secrets.h"
#include "common/encoding/base64.h"
#include "common/schema/field_spec.h"

namespace ferry::agent::connectors::http {

namespace {

using json = ferry::Json;

constexpr const char* kDefaultApiKeyHeader = "X-API-Key";

// Every value that stood behind a {"$secret": …} in `raw`, found at the same place in
// `resolved`.
void collectSecrets(const json& raw, const json& resolved, std::vector<std::string>& out) {
  if (schema::secretReferenceName(raw)) {
    out.push_back(resolved.is_string() ? resolved.get<std::string>() : resolved.dump());
  } else if (raw.is_object() && resolved.is_object()) {
    for (auto it = raw.begin(); it != raw.end(); ++it) {
      auto r = resolved.find(it.key());
      if (r != resolved.end()) collectSecrets(*it, *r, out);
    }
  } else if (raw.is_array() && resolved.is_array()) {
    for (std::size_t i = 0; i < raw.size() && i < resolved.size(); ++i) {
      collectSecrets(raw[i], resolved[i], out);
    }
  }
}

std::string text(const json& settings, const char* key) {
  auto it = settings.find(key);
  return it != settings.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Status parseBaseUrl(const std::string& baseUrl, const std::string& where, ClientOptions& o) {
  auto bad = [&](const std::string& why) {
    return Status::invalidArgument(where + ": /baseUrl \"" + baseUrl + "\": " + why);
  };
  Poco::URI uri;
  try {
    uri = Poco::URI(baseUrl);
  } catch (const Poco::Exception& e) {
    return bad(e.displayText());
  }
  if (uri.getScheme() != "http" && uri.getScheme() != "https") {
    return bad("must start with http:// or https://");
  }
  if (uri.getHost().empty()) return bad("names no host");
  if (!uri.getUserInfo().empty()) {
    return bad("must not carry credentials; use auth.basic with a secret password");
  }
  if (!uri.getRawQuery().empty() || !uri.getFragment().empty()) {
    return bad("must not have a query or fragment; use the export's or lookup's params");
  }
  o.scheme = uri.getScheme();
  o.host = uri.getHost();
  o.port = uri.getPort();
  o.basePath = uri.getPathAndQuery();  // encoded; the query is empty (checked above)
  while (!o.basePath.empty() && o.basePath.back() == '/') o.basePath.pop_back();
  return Status::ok();
}

// At most one form; each becomes one header whose value is a secret itself.
Status parseAuth(const json& auth, const std::string& where, ClientOptions& o) {
  if (!auth.is_object() || auth.empty()) return Status::ok();
  if (auth.size() > 1) {
    return Status::invalidArgument(where +
                                   ": /auth: give one form (bearer, basic or apiKey), not " +
                                   std::to_string(auth.size()));
  }
  std::string header;
  std::string value;
  if (auto b = auth.find("bearer"); b != auth.end()) {
    header = "Authorization";
    value = "Bearer " + (b->is_string() ? b->get<std::string>() : std::string());
  } else if (auto basic = auth.find("basic"); basic != auth.end()) {
    header = "Authorization";
    value = "Basic " +
            encoding::base64Encode(text(*basic, "username") + ":" + text(*basic, "password"));
  } else if (auto key = auth.find("apiKey"); key != auth.end()) {
    header = text(*key, "header");
    if (header.empty()) header = kDefaultApiKeyHeader;
    value = text(*key, "value");
    if (value.empty()) {
      return Status::invalidArgument(where + ": /auth/apiKey/value: the API key is empty");
    }
  } else {
    return Status::invalidArgument(where + ": /auth/" + auth.begin().key() +
                                   ": unknown form (bearer, basic or apiKey)");
  }
  o.headers.emplace_back(header, value);
  o.secrets.push_back(value);
  if (auto space = value.find(' '); space != std::string::npos) {
    o.secrets.push_back(value.substr(space + 1));  // the token or base64 part alone
  }
  return Status::ok();
}

}  // namespace

Result<ClientOptions> clientOptions(const model::Connection& connection,
                                    const ConnectorContext& context) {
  const std::string where = "connection " + connection.id;
  auto resolved = resolveSecrets(connection.settings, context.secrets, where);
  if (!resolved.isOk()) return resolved.status();
  const json& s = *resolved;

  ClientOptions o;
  collectSecrets(connection.settings, s, o.secrets);
  FERRY_RETURN_IF_ERROR(parseBaseUrl(text(s, "baseUrl"), where, o));
  if (auto h = s.find("headers"); h != s.end() && h->is_object()) {
    for (auto it = h->begin(); it != h->end(); ++it) {
      if (!it->is_string()) {
        return Status::invalidArgument(where + ": /headers/" + it.key() + ": must be a string");
      }
      o.headers.emplace_back(it.key(), it->get<std::string>());
    }
  }
  if (auto a = s.find("auth"); a != s.end()) FERRY_RETURN_IF_ERROR(parseAuth(*a, where, o));
  o.caFile = text(s, "caFile");
  if (!o.caFile.empty() && !std::ifstream(o.caFile).good()) {
    return Status::invalidArgument(where + ": /caFile: cannot read " + o.caFile);
  }
  if (auto t = s.find("timeoutSeconds"); t != s.end() && t->is_number_integer()) {
    o.timeout = std::chrono::seconds(std::max<std::int64_t>(1, t->get<std::int64_t>()));
  }
  return o;
}

Result<std::unique_ptr<HttpClient>> openClient(const model::Connection& connection,
                                               const ConnectorContext& context) {
  auto options = clientOptions(connection, context);
  if (!options.isOk()) return options.status();
  auto client = HttpClient::create(std::move(*options));
  if (!client.isOk()) return client.status().withContext("connection " + connection.id);
  return client;
}

}  // namespace ferry::agent::connectors::http
