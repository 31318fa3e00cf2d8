#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

#include "agent/connectors/http/http_client.h"
#include "agent/connectors/outcome.h"

// How the http connector reads a reply's status (DESIGN.md "Retries"): 2xx ok; 429 and 5xx
// retry later (Retry-After as the hint); any other 4xx is about the request (a record's
// failure on import, a lookup key's failure); 1xx and 3xx are unexpected (redirects are
// not followed) and fatal.
namespace ferry::agent::connectors::http {

enum class ReplyKind { kOk, kRetry, kRejected, kUnexpected };
ReplyKind classify(int status);

// Retry-After as delta-seconds ("120") or an HTTP-date, relative to `now`; nullopt when
// absent or unreadable. A date in the past gives 0.
std::optional<std::chrono::milliseconds> parseRetryAfter(std::string_view value,
                                                         std::chrono::system_clock::time_point now);

// At most `max` bytes of `body` on one line (control characters and runs of white
// space become one space), cut on a UTF-8 boundary, "…" appended when cut.
std::string bodyExcerpt(const std::string& body, std::size_t max = 300);

// "HTTP 422 from POST /api/orders: <excerpt>", with secrets redacted.
std::string replyMessage(const HttpClient& client, const Request& request, const Reply& reply);

// The outcome of a reply that is not 2xx, for callers that cannot go on without it (export
// pages, lookups): kRetry → retry later with the Retry-After hint; else fatal.
Outcome replyOutcome(const HttpClient& client, const Request& request, const Reply& reply);

// A transport failure (HttpClient::send) as an outcome: the code decides retry or fatal;
// the message is redacted.
Outcome transportOutcome(const HttpClient& client, const Status& status);

}  // namespace ferry::agent::connectors::http
