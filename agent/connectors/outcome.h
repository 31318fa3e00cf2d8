#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/status/status.h"

namespace ferry::agent::connectors {

// How a connector call ended (DESIGN.md "Retries"). Connectors classify and never sleep;
// the engine asks the shared retry::RetryPolicy how long to wait.
//   ok          status ok
//   retry later status retryable() (kUnavailable, kDeadlineExceeded, kResourceExhausted,
//               kAborted), with an optional server hint such as Retry-After
//   fatal       any other status: a person must change something (definition, credentials)
// Per-record failures are not outcomes of the call: they travel next to an ok outcome
// (PageWrite::failures, ExportPage::failures) because the rest of the page went through.
struct Outcome {
  Status status;
  std::optional<std::chrono::milliseconds> retryAfter;

  Outcome() = default;
  Outcome(Status s) : status(std::move(s)) {}  // NOLINT: a Status is an outcome
  static Outcome retryLater(std::string message,
                            std::optional<std::chrono::milliseconds> hint = std::nullopt) {
    Outcome o(Status::unavailable(std::move(message)));
    o.retryAfter = hint;
    return o;
  }
  static Outcome fatal(Status s) { return Outcome(std::move(s)); }

  bool ok() const { return status.isOk(); }
  bool shouldRetry() const { return !status.isOk() && status.retryable(); }
  bool fatal() const { return !status.isOk() && !status.retryable(); }
};

// One record that failed while the rest of its page went on: `index` is its position in
// the page, `message` what the destination (or the parser) said, for a person.
struct RecordFailure {
  std::size_t index = 0;
  std::string message;
};

}  // namespace ferry::agent::connectors
