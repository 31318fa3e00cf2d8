#pragma once

#include <cassert>
#include <optional>
#include <utility>

#include "common/status/status.h"

namespace ferry {

// Either a value or a non-ok Status. Accessing the value of an error is a bug (asserted).
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}         // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT: implicit by design
    assert(!status_.isOk() && "Result constructed from an ok Status without a value");
    if (status_.isOk()) status_ = Status::internal("Result built from ok status without value");
  }

  bool isOk() const { return value_.has_value(); }
  explicit operator bool() const { return isOk(); }
  const Status& status() const { return status_; }

  T& value() & {
    assert(isOk());
    return *value_;
  }
  const T& value() const& {
    assert(isOk());
    return *value_;
  }
  T&& value() && {
    assert(isOk());
    return std::move(*value_);
  }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  T valueOr(T fallback) const& { return isOk() ? *value_ : std::move(fallback); }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace ferry

// Propagates a non-ok Status out of the calling function.
#define FERRY_RETURN_IF_ERROR(expr)                  \
  do {                                               \
    ::ferry::Status ferry_status_ = (expr);          \
    if (!ferry_status_.isOk()) return ferry_status_; \
  } while (0)
