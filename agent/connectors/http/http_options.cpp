#include "agent/connectors/http/http_options.h"

namespace ferry::agent::connectors::http {

using json = ferry::Json;

std::optional<Logger> loggerCopy(const ConnectorContext& context) {
  if (context.logger == nullptr) return std::nullopt;
  return *context.logger;
}

std::string textOption(const json& options, const char* key) {
  auto it = options.find(key);
  return it != options.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Result<std::optional<transform::RecordPath>> pathOption(const json& options, const char* key,
                                                        const std::string& where,
                                                        const std::string& parent) {
  const std::string text = textOption(options, key);
  if (text.empty()) return std::optional<transform::RecordPath>();
  auto path = transform::RecordPath::parse(text);
  if (!path.isOk()) {
    return Status::invalidArgument(where + ": " + parent + "/" + key + ": " +
                                   path.status().message());
  }
  return std::optional<transform::RecordPath>(std::move(*path));
}

Result<Headers> headersOption(const json& options, const char* key, const std::string& where) {
  Headers out;
  auto it = options.find(key);
  if (it == options.end() || it->is_null()) return out;
  if (!it->is_object()) {
    return Status::invalidArgument(where + ": /" + key + ": must be an object of strings");
  }
  for (auto h = it->begin(); h != it->end(); ++h) {
    if (!h->is_string()) {
      return Status::invalidArgument(where + ": /" + key + "/" + h.key() + ": must be a string");
    }
    out.emplace_back(h.key(), h->get<std::string>());
  }
  return out;
}

std::string queryText(const json& value) {
  if (value.is_string()) return value.get<std::string>();
  if (value.is_null()) return "";
  return value.dump();
}

}  // namespace ferry::agent::connectors::http
