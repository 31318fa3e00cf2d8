#include "agent/connectors/http/http_reply.h"

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeParser.h>

#include <cctype>

namespace ferry::agent::connectors::http {

ReplyKind classify(int status) {
  if (status >= 200 && status < 300) return ReplyKind::kOk;
  if (status == 429 || status >= 500) return ReplyKind::kRetry;
  if (status >= 400) return ReplyKind::kRejected;
  return ReplyKind::kUnexpected;
}

std::optional<std::chrono::milliseconds> parseRetryAfter(
    std::string_view value, std::chrono::system_clock::time_point now) {
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.front()))) {
    value.remove_prefix(1);
  }
  while (!value.empty() && std::isspace(static_cast<unsigned char>(value.back()))) {
    value.remove_suffix(1);
  }
  if (value.empty()) return std::nullopt;
  bool digits = value.size() <= 9;  // more than 30 years is not a real hint
  for (char c : value) digits = digits && std::isdigit(static_cast<unsigned char>(c));
  if (digits) return std::chrono::seconds(std::stoll(std::string(value)));
  // HTTP-date: IMF-fixdate, and the obsolete RFC 850 and asctime forms RFC 9110 accepts.
  // Poco's parser is lenient (it reads "soon" as a date), so a time of day is required.
  if (value.find(':') == std::string_view::npos) return std::nullopt;
  for (const std::string* format :
       {&Poco::DateTimeFormat::HTTP_FORMAT, &Poco::DateTimeFormat::RFC850_FORMAT,
        &Poco::DateTimeFormat::ASCTIME_FORMAT}) {
    Poco::DateTime when;
    int tzd = 0;
    if (Poco::DateTimeParser::tryParse(*format, std::string(value), when, tzd)) {
      when.makeUTC(tzd);
      const auto at = std::chrono::system_clock::time_point(
          std::chrono::microseconds(when.timestamp().epochMicroseconds()));
      if (at <= now) return std::chrono::milliseconds(0);
      return std::chrono::duration_cast<std::chrono::milliseconds>(at - now);
    }
  }
  return std::nullopt;
}

std::string bodyExcerpt(const std::string& body, std::size_t max) {
  std::string out;
  bool space = false;
  for (unsigned char c : body) {
    if (c < 0x20 || c == 0x7F || c == ' ') {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += static_cast<char>(c);
    if (out.size() > max) break;
  }
  if (out.size() <= max) return out;
  std::size_t cut = max;
  while (cut > 0 && (static_cast<unsigned char>(out[cut]) & 0xC0) == 0x80) --cut;
  out.resize(cut);
  return out + "…";
}

std::string replyMessage(const HttpClient& client, const Request& request, const Reply& reply) {
  std::string message =
      "HTTP " + std::to_string(reply.status) + " from " + describeRequest(request);
  const std::string excerpt = bodyExcerpt(client.redact(reply.body));
  if (!excerpt.empty()) message += ": " + excerpt;
  if (classify(reply.status) == ReplyKind::kUnexpected) {
    message += " (redirects are not followed: check baseUrl and path)";
  }
  return client.redact(message);
}

Outcome replyOutcome(const HttpClient& client, const Request& request, const Reply& reply) {
  if (classify(reply.status) == ReplyKind::kRetry) {
    return Outcome::retryLater(
        replyMessage(client, request, reply),
        parseRetryAfter(reply.header("retry-after"), std::chrono::system_clock::now()));
  }
  return Outcome::fatal(Status::failedPrecondition(replyMessage(client, request, reply)));
}

Outcome transportOutcome(const HttpClient& client, const Status& status) {
  return Outcome(Status(status.code(), client.redact(status.message())));
}

}  // namespace ferry::agent::connectors::http
