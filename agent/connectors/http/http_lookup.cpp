#include "agent/connectors/http/http_lookup.h"

#include <map>

#include "agent/connectors/http/http_options.h"
#include "agent/connectors/http/http_reply.h"

namespace ferry::agent::connectors::http {

namespace {

using json = ferry::Json;
using transform::RecordPath;

using ParamPaths = std::vector<std::pair<std::string, RecordPath>>;

// The query a record asks for, and its key among the page's distinct queries; nullopt when
// a parameter's value is missing or null in the record.
std::optional<Headers> recordQuery(const ParamPaths& params, const json& record) {
  Headers query;
  for (const auto& [name, path] : params) {
    const json* value = path.find(record);
    if (value == nullptr || value->is_null()) return std::nullopt;
    query.emplace_back(name, queryText(*value));
  }
  return query;
}

std::string queryKey(const Headers& query) {
  json key = json::array();
  for (const auto& [name, value] : query) key.push_back(value);
  return key.dump();
}

// Rows keyed by the record's parameter values, valid for the page they were fetched for.
class HttpLookupRows final : public transform::LookupRows {
 public:
  HttpLookupRows(std::string lookupId, ParamPaths params)
      : lookupId_(std::move(lookupId)), params_(std::move(params)) {}

  const std::vector<json>* rowsFor(const std::string& lookupId, const json& record) const override {
    if (lookupId != lookupId_) return nullptr;
    auto query = recordQuery(params_, record);
    if (!query) return &none_;
    auto it = rows_.find(queryKey(*query));
    return it == rows_.end() ? nullptr : &it->second;
  }

  void set(const std::string& key, std::vector<json> rows) { rows_[key] = std::move(rows); }

 private:
  std::string lookupId_;
  ParamPaths params_;
  std::map<std::string, std::vector<json>> rows_;
  std::vector<json> none_;
};

class HttpLookup final : public LookupSource {
 public:
  HttpLookup(std::unique_ptr<HttpClient> client, std::string id, std::string path,
             ParamPaths params, std::optional<RecordPath> records)
      : client_(std::move(client)),
        id_(std::move(id)),
        path_(std::move(path)),
        params_(std::move(params)),
        records_(std::move(records)) {}

  Fetched fetch(const std::vector<json>& records) override {
    Fetched fetched;
    auto rows = std::make_unique<HttpLookupRows>(id_, params_);
    std::map<std::string, std::pair<Headers, std::vector<std::size_t>>> distinct;
    for (std::size_t i = 0; i < records.size(); ++i) {
      auto query = recordQuery(params_, records[i]);
      if (!query) continue;
      auto& entry = distinct[queryKey(*query)];
      entry.first = std::move(*query);
      entry.second.push_back(i);
    }
    for (const auto& [key, entry] : distinct) {
      Request request;
      request.target = client_->target(path_, entry.first);
      auto reply = client_->send(request);
      if (!reply.isOk()) {
        fetched.outcome = transportOutcome(*client_, reply.status());
        return fetched;
      }
      std::string failure;
      switch (classify(reply->status)) {
        case ReplyKind::kOk: failure = readRows(request, *reply, key, *rows); break;
        case ReplyKind::kRejected:
          if (reply->status == 404) {
            rows->set(key, {});
          } else {
            failure = replyMessage(*client_, request, *reply);
          }
          break;
        case ReplyKind::kRetry:
        case ReplyKind::kUnexpected:
          fetched.outcome = replyOutcome(*client_, request, *reply);
          return fetched;
      }
      if (!failure.empty()) {
        for (std::size_t i : entry.second) fetched.failures.push_back({i, failure});
      }
    }
    fetched.rows = std::move(rows);
    return fetched;
  }

 private:
  // Stores the rows of one reply; returns a message when the reply cannot be read.
  std::string readRows(const Request& request, const Reply& reply, const std::string& key,
                       HttpLookupRows& rows) const {
    const std::string what = "the response to " + describeRequest(request);
    if (reply.truncated) {
      return what + " is larger than " + std::to_string(client_->options().maxBodyBytes) + " bytes";
    }
    if (reply.body.find_first_not_of(" \t\r\n") == std::string::npos) {
      rows.set(key, {});
      return "";
    }
    const json document = json::parse(reply.body, nullptr, false);
    if (document.is_discarded()) {
      return client_->redact(what + " is not JSON: " + bodyExcerpt(client_->redact(reply.body)));
    }
    const json* found = records_ ? records_->find(document) : &document;
    std::vector<json> out;
    if (found != nullptr && found->is_array()) {
      out.assign(found->begin(), found->end());
    } else if (found != nullptr && !found->is_null()) {
      out.push_back(*found);
    }
    rows.set(key, std::move(out));
    return "";
  }

  std::unique_ptr<HttpClient> client_;
  std::string id_;
  std::string path_;
  ParamPaths params_;
  std::optional<RecordPath> records_;
};

}  // namespace

Result<std::unique_ptr<LookupSource>> openHttpLookup(std::unique_ptr<HttpClient> client,
                                                     const model::Lookup& lookupDef,
                                                     const ConnectorContext& context) {
  (void)context;
  const std::string where = "lookup " + lookupDef.id;
  const json& o = lookupDef.options;
  const std::string path = textOption(o, "path");
  if (path.empty()) return Status::invalidArgument(where + ": /path: missing");
  ParamPaths params;
  if (auto p = o.find("params"); p != o.end() && p->is_object()) {
    for (auto it = p->begin(); it != p->end(); ++it) {
      auto recordPath =
          it->is_string()
              ? RecordPath::parse(it->get<std::string>())
              : Result<RecordPath>(Status::invalidArgument("must be a record path (a string)"));
      if (!recordPath.isOk()) {
        return Status::invalidArgument(where + ": /params/" + it.key() + ": " +
                                       recordPath.status().message());
      }
      params.emplace_back(it.key(), std::move(*recordPath));
    }
  }
  auto records = pathOption(o, "records", where);
  if (!records.isOk()) return records.status();
  return std::unique_ptr<LookupSource>(std::make_unique<HttpLookup>(
      std::move(client), lookupDef.id, path, std::move(params), std::move(*records)));
}

}  // namespace ferry::agent::connectors::http
