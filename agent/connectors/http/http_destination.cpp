#include "agent/connectors/http/http_destination.h"

#include "agent/connectors/http/http_options.h"
#include "agent/connectors/http/http_reply.h"
#include "common/model/definitions.h"

namespace ferry::agent::connectors::http {

namespace {

using json = ferry::Json;

class HttpDestination final : public Destination {
 public:
  HttpDestination(std::unique_ptr<HttpClient> client, std::string id, std::string method,
                  std::string target, Headers headers, bool batch, std::optional<Logger> logger)
      : client_(std::move(client)),
        id_(std::move(id)),
        method_(std::move(method)),
        target_(std::move(target)),
        headers_(std::move(headers)),
        batch_(batch),
        logger_(std::move(logger)) {}

  PageWrite write(const PageId& page, const std::vector<json>& rows) override {
    PageWrite result;
    if (rows.empty()) return result;
    if (batch_) {
      std::string body;
      if (!serialize(json(rows), body)) {
        for (std::size_t i = 0; i < rows.size(); ++i) result.failures.push_back(notJson(i));
        return result;
      }
      if (!send(page, "batch", 0, body, result)) return result;
      if (!result.failures.empty()) {  // the batch was rejected as a whole
        const std::string message = "the batch was rejected: " + result.failures[0].message;
        result.failures.clear();
        for (std::size_t i = 0; i < rows.size(); ++i) result.failures.push_back({i, message});
      }
      return result;
    }
    for (std::size_t i = 0; i < rows.size(); ++i) {
      std::string body;
      if (!serialize(rows[i], body)) {
        result.failures.push_back(notJson(i));
        continue;
      }
      if (!send(page, std::to_string(i), i, body, result)) return result;
    }
    return result;
  }

 private:
  static bool serialize(const json& value, std::string& out) {
    try {
      out = value.dump();
      return true;
    } catch (const json::exception&) {
      return false;  // invalid UTF-8 in a string
    }
  }

  static RecordFailure notJson(std::size_t index) {
    return {index, "the row cannot be sent as JSON: a string is not valid UTF-8"};
  }

  // One request. False when the page must stop (result.outcome says why); a rejected
  // request adds a failure for row `row` and returns true.
  bool send(const PageId& page, const std::string& index, std::size_t row, std::string body,
            PageWrite& result) {
    Request request;
    request.method = method_;
    request.target = target_;
    request.headers = headers_;
    request.headers.emplace_back("Idempotency-Key", idempotencyKey(page, index));
    request.body = std::move(body);
    auto reply = client_->send(request);
    if (!reply.isOk()) {
      result.outcome = transportOutcome(*client_, reply.status());
    } else {
      switch (classify(reply->status)) {
        case ReplyKind::kOk: return true;
        case ReplyKind::kRejected:
          result.failures.push_back({row, replyMessage(*client_, request, *reply)});
          return true;
        case ReplyKind::kRetry:
        case ReplyKind::kUnexpected: result.outcome = replyOutcome(*client_, request, *reply);
      }
    }
    result.failures.clear();  // not ok: nothing of the page counts, failures included
    if (logger_) {
      logger_->warning(result.outcome.shouldRetry() ? "http import page stopped; it will be retried"
                                                    : "http import page failed",
                       {{"import", id_},
                        {"flow", page.flowId},
                        {"seq", page.seq},
                        {"code", std::string(statusCodeName(result.outcome.status.code()))}});
    }
    return false;
  }

  std::unique_ptr<HttpClient> client_;
  std::string id_;
  std::string method_;
  std::string target_;
  Headers headers_;
  bool batch_;
  std::optional<Logger> logger_;  // a copy: the context that lent it may be gone
};

}  // namespace

std::string idempotencyKey(const PageId& page, const std::string& index) {
  return model::sha256Hex(page.queueId + "/" + page.flowId + "/" + page.importId + "/" +
                          page.topic + "/" + std::to_string(page.seq) + "/" + index);
}

Result<std::unique_ptr<Destination>> openHttpDestination(std::unique_ptr<HttpClient> client,
                                                         const model::Import& importDef,
                                                         const ConnectorContext& context) {
  const std::string where = "import " + importDef.id;
  const json& o = importDef.options;
  const std::string path = textOption(o, "path");
  if (path.empty()) return Status::invalidArgument(where + ": /path: missing");
  std::string method = textOption(o, "method");
  if (method.empty()) method = "POST";
  if (method != "POST" && method != "PUT" && method != "PATCH") {
    return Status::invalidArgument(where + ": /method: \"" + method +
                                   "\" is not one of POST, PUT, PATCH");
  }
  auto headers = headersOption(o, "headers", where);
  if (!headers.isOk()) return headers.status();
  auto b = o.find("batch");
  const bool batch = b != o.end() && b->is_boolean() && b->get<bool>();
  std::string target = client->target(path, {});
  return std::unique_ptr<Destination>(std::make_unique<HttpDestination>(
      std::move(client), importDef.id, std::move(method), std::move(target), std::move(*headers),
      batch, loggerCopy(context)));
}

}  // namespace ferry::agent::connectors::http
