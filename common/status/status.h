#pragma once

#include <string>
#include <string_view>
#include <utility>

namespace ferry {

// What went wrong, phrased as what the caller should do about it. The codes follow
// absl::StatusCode where they overlap so the meaning is familiar.
enum class StatusCode {
  kOk = 0,
  kCancelled,           // the caller asked to stop; do not retry
  kInvalidArgument,     // fix the input (definition, payload, flag) first
  kNotFound,            // the named thing does not exist
  kAlreadyExists,       // the thing to create exists
  kFailedPrecondition,  // fix the state first (e.g. closed queue, newer schema)
  kAborted,             // retry the larger unit (the page, the transaction)
  kUnavailable,         // transient: retry the same call later (network, busy)
  kResourceExhausted,   // a quota is full: back off and apply back-pressure
  kDeadlineExceeded,    // timed out; retrying may help
  kDataLoss,            // stored data is damaged: a person must look
  kUnimplemented,       // not available in this build/version
  kInternal,            // a bug: an invariant did not hold
};

std::string_view statusCodeName(StatusCode code);

// A cheap value carrying a code and a message. Ok statuses carry no message.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status ok() { return Status(); }
  static Status cancelled(std::string m) { return {StatusCode::kCancelled, std::move(m)}; }
  static Status invalidArgument(std::string m) {
    return {StatusCode::kInvalidArgument, std::move(m)};
  }
  static Status notFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status alreadyExists(std::string m) { return {StatusCode::kAlreadyExists, std::move(m)}; }
  static Status failedPrecondition(std::string m) {
    return {StatusCode::kFailedPrecondition, std::move(m)};
  }
  static Status aborted(std::string m) { return {StatusCode::kAborted, std::move(m)}; }
  static Status unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }
  static Status resourceExhausted(std::string m) {
    return {StatusCode::kResourceExhausted, std::move(m)};
  }
  static Status deadlineExceeded(std::string m) {
    return {StatusCode::kDeadlineExceeded, std::move(m)};
  }
  static Status dataLoss(std::string m) { return {StatusCode::kDataLoss, std::move(m)}; }
  static Status unimplemented(std::string m) { return {StatusCode::kUnimplemented, std::move(m)}; }
  static Status internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

  bool isOk() const { return code_ == StatusCode::kOk; }
  explicit operator bool() const { return isOk(); }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // True when repeating the same call later can succeed without anybody changing anything.
  bool retryable() const;

  // "<CodeName>: <message>" for logs and errors.
  std::string toString() const;

  // Returns a copy whose message is "<context>: <message>"; ok stays ok.
  Status withContext(std::string_view context) const;

  friend bool operator==(const Status& a, const Status& b) {
    return a.code_ == b.code_ && a.message_ == b.message_;
  }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

}  // namespace ferry
