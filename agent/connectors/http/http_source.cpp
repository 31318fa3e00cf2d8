#include "agent/connectors/http/http_source.h"

#include <Poco/Exception.h>
#include <Poco/URI.h>

#include "agent/connectors/http/export_spec.h"
#include "agent/connectors/http/http_options.h"
#include "agent/connectors/http/http_reply.h"
#include "agent/connectors/http/link_header.h"

namespace ferry::agent::connectors::http {

namespace {

using json = ferry::Json;
using transform::RecordPath;

class HttpSource final : public Source {
 public:
  HttpSource(std::unique_ptr<HttpClient> client, ExportSpec spec, std::optional<Logger> logger)
      : client_(std::move(client)), spec_(std::move(spec)), logger_(std::move(logger)) {}

  Outcome open(const json& progress) override;
  Outcome next(std::optional<ExportPage>& page) override;

 private:
  Request buildRequest() const;
  Outcome readRecords(const Request& request, const Reply& reply, ExportPage& page,
                      json& document) const;
  // Sets position_ for the page after this one (null when the run ends here).
  Outcome advance(const Request& request, const Reply& reply, const json& document,
                  std::size_t count);
  // The next position of the cursor and link styles; `next` stays null at the end.
  Outcome cursorAfter(const json& document, json& next) const;
  Outcome linkAfter(const Request& request, const Reply& reply, json& next) const;
  Outcome failed(Outcome outcome) const;

  std::unique_ptr<HttpClient> client_;
  ExportSpec spec_;
  std::optional<Logger> logger_;  // a copy: the context that lent it may be gone
  json since_;                    // the watermark this run sends
  json maxDelta_;                 // the largest delta.field value this run has seen
  json position_;  // the next page's cursor, number, offset or link; null: the first page
  bool done_ = false;
};

Outcome HttpSource::open(const json& progress) {
  done_ = false;
  position_ = nullptr;
  maxDelta_ = nullptr;
  since_ = spec_.initial;
  if (!progress.is_object()) return {};
  const json last = progress.value("since", json());
  const json seen = progress.value("maxDelta", json());
  const char* key = positionKey(spec_.style);
  auto at = *key != '\0' ? progress.find(key) : progress.end();
  if (at != progress.end() && fitsStyle(*at, spec_.style)) {
    since_ = last;  // the run was interrupted: same watermark, next page
    maxDelta_ = seen;
    position_ = *at;
  } else {
    since_ = seen.is_null() ? last : seen;  // the run finished: a new one from its watermark
  }
  if (!spec_.deltaField) since_ = nullptr;
  return {};
}

Request HttpSource::buildRequest() const {
  Request r;
  r.method = spec_.method;
  if (spec_.style == Paging::kLink && !position_.is_null()) {
    r.target = position_.get<std::string>();  // the server's own next link, query included
  } else {
    const std::string since = queryText(since_);
    Headers query;
    for (auto it = spec_.params.begin(); it != spec_.params.end(); ++it) {
      const std::string value = queryText(*it);
      if (!mentionsSince(value)) {
        query.emplace_back(it.key(), value);
      } else if (!since_.is_null()) {
        query.emplace_back(it.key(), withSince(value, since));
      }  // no watermark yet (no delta.initial): the parameter is left out, so all is read
    }
    if (spec_.style == Paging::kPage) {
      query.emplace_back(spec_.param, position_.is_null() ? "1" : queryText(position_));
    } else if (spec_.style == Paging::kOffset) {
      query.emplace_back(spec_.param, position_.is_null() ? "0" : queryText(position_));
    } else if (spec_.style == Paging::kCursor && !position_.is_null()) {
      query.emplace_back(spec_.param, queryText(position_));
    }
    if (!spec_.sizeParam.empty()) {
      query.emplace_back(spec_.sizeParam, std::to_string(spec_.pageSize));
    }
    r.target = client_->target(spec_.path, query);
  }
  if (!spec_.body.is_null()) r.body = bodyWithSince(spec_.body, since_).dump();
  return r;
}

Outcome HttpSource::readRecords(const Request& request, const Reply& reply, ExportPage& page,
                                json& document) const {
  const std::string what = "the response to " + describeRequest(request);
  if (reply.truncated) {
    return Outcome::fatal(Status::failedPrecondition(
        what + " is larger than " + std::to_string(client_->options().maxBodyBytes) +
        " bytes; lower the export's pageSize"));
  }
  if (reply.body.find_first_not_of(" \t\r\n") == std::string::npos) return {};  // 204 etc.
  document = json::parse(reply.body, nullptr, false);
  if (document.is_discarded()) {
    document = nullptr;
    return Outcome::fatal(Status::failedPrecondition(
        client_->redact(what + " is not JSON: " + bodyExcerpt(client_->redact(reply.body)))));
  }
  const json* list = &document;
  if (spec_.records) {
    list = spec_.records->find(document);
    if (list == nullptr) {
      return Outcome::fatal(Status::failedPrecondition(what + " has no \"" + spec_.records->text() +
                                                       "\" (the export's records path)"));
    }
  }
  if (list->is_null()) return {};
  if (!list->is_array()) {
    return Outcome::fatal(Status::failedPrecondition(
        what + ": \"" + (spec_.records ? spec_.records->text() : std::string("the body")) +
        "\" is " + list->type_name() + ", not an array of records"));
  }
  for (std::size_t i = 0; i < list->size(); ++i) {
    const json& record = (*list)[i];
    if (!record.is_object()) {
      page.failures.push_back({i, "record " + std::to_string(i) + " of " + what + " is " +
                                      record.type_name() + ", not an object"});
      continue;
    }
    page.records.push_back(record);
  }
  return {};
}

Outcome HttpSource::linkAfter(const Request& request, const Reply& reply, json& next) const {
  const std::string link = nextLink(reply.header("link"));
  if (link.empty()) return {};
  const std::string what = spec_.where + ": the Link rel=next of " + describeRequest(request);
  try {
    Poco::URI uri(client_->origin() + request.target);
    uri.resolve(link);
    const std::string origin =
        uri.getScheme() + "://" + uri.getHost() + ":" + std::to_string(uri.getPort());
    if (origin != client_->origin()) {
      return Outcome::fatal(Status::failedPrecondition(
          what + " leads to " + uri.getScheme() + "://" + uri.getHost() +
          ", another origin than baseUrl; credentials are not sent there"));
    }
    next = uri.getPathAndQuery();
  } catch (const Poco::Exception& e) {
    return Outcome::fatal(Status::failedPrecondition(what + " is not a URI: " + e.displayText()));
  }
  return {};
}

Outcome HttpSource::cursorAfter(const json& document, json& next) const {
  const json* cursor = spec_.cursorField->find(document);
  if (cursor == nullptr || cursor->is_null() || *cursor == "") return {};
  if (!cursor->is_string() && !cursor->is_number()) {
    return Outcome::fatal(Status::failedPrecondition(
        spec_.where + ": the next cursor \"" + spec_.cursorField->text() + "\" is " +
        cursor->type_name() + ", not a string or number"));
  }
  next = *cursor;
  return {};
}

Outcome HttpSource::advance(const Request& request, const Reply& reply, const json& document,
                            std::size_t count) {
  // Counted styles end at an empty page, or at a short one when the size was asked for.
  const bool more =
      count > 0 && (spec_.sizeParam.empty() || count >= static_cast<std::size_t>(spec_.pageSize));
  const long long at = position_.is_number_integer() ? position_.get<long long>() : 0;
  json next;
  Outcome found;
  switch (spec_.style) {
    case Paging::kNone: break;
    case Paging::kPage:
      if (more) next = (position_.is_null() ? 1 : at) + 1;
      break;
    case Paging::kOffset:
      if (more) next = at + static_cast<long long>(count);
      break;
    case Paging::kCursor: found = cursorAfter(document, next); break;
    case Paging::kLink: found = linkAfter(request, reply, next); break;
  }
  if (!found.ok()) return found;
  if (!next.is_null() && next == position_) {
    return Outcome::fatal(
        Status::failedPrecondition(spec_.where + ": the next page of " + describeRequest(request) +
                                   " is the page just read (the paging does not advance)"));
  }
  position_ = std::move(next);
  done_ = position_.is_null();
  return {};
}

Outcome HttpSource::failed(Outcome outcome) const {
  if (logger_) {
    logger_->warning(
        outcome.shouldRetry() ? "http export page failed; it will be retried"
                              : "http export page failed",
        {{"export", spec_.id}, {"code", std::string(statusCodeName(outcome.status.code()))}});
  }
  return outcome;
}

Outcome HttpSource::next(std::optional<ExportPage>& page) {
  page.reset();
  if (done_) return {};
  const Request request = buildRequest();
  auto reply = client_->send(request);
  if (!reply.isOk()) return failed(transportOutcome(*client_, reply.status()));
  if (classify(reply->status) != ReplyKind::kOk) {
    return failed(replyOutcome(*client_, request, *reply));
  }
  ExportPage out;
  json document;
  Outcome read = readRecords(request, *reply, out, document);
  if (!read.ok()) return failed(read);
  const std::size_t count = out.records.size() + out.failures.size();
  // Nothing changes before the page is whole: a failed page is asked for again as it was.
  json maxDelta = maxDelta_;
  if (spec_.deltaField) {
    for (const auto& record : out.records) {
      const json* value = spec_.deltaField->find(record);
      if (value != nullptr && !value->is_null() && (maxDelta.is_null() || maxDelta < *value)) {
        maxDelta = *value;
      }
    }
  }
  Outcome moved = advance(request, *reply, document, count);
  if (!moved.ok()) return failed(moved);
  maxDelta_ = std::move(maxDelta);
  out.progress = {{"since", since_}, {"maxDelta", maxDelta_}};
  if (spec_.style != Paging::kNone) out.progress[positionKey(spec_.style)] = position_;
  page = std::move(out);
  return {};
}

}  // namespace

Result<std::unique_ptr<Source>> openHttpSource(std::unique_ptr<HttpClient> client,
                                               const model::Export& exportDef,
                                               const ConnectorContext& context) {
  auto spec = readExportSpec(exportDef);
  if (!spec.isOk()) return spec.status();
  return std::unique_ptr<Source>(
      std::make_unique<HttpSource>(std::move(client), std::move(*spec), loggerCopy(context)));
}

}  // namespace ferry::agent::connectors::http
