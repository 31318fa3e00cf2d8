#pragma once

#include <chrono>

namespace ferry {

// Time is injected so schedulers, retries and heartbeats can be tested with a fake clock.
class Clock {
 public:
  using TimePoint = std::chrono::system_clock::time_point;
  using SteadyPoint = std::chrono::steady_clock::time_point;

  virtual ~Clock() = default;
  virtual TimePoint now() const = 0;          // wall time, for timestamps and schedules
  virtual SteadyPoint steadyNow() const = 0;  // monotonic, for timeouts and backoff
};

class SystemClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::system_clock::now(); }
  SteadyPoint steadyNow() const override { return std::chrono::steady_clock::now(); }
};

}  // namespace ferry
