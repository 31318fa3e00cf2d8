#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "agent/queue/log_queue.h"
#include "common/clock/clock.h"
#include "common/json/json_fwd.h"
#include "common/status/result.h"

namespace ferry::agent::connectors::listener {

// Where accepted webhook records go. Called from the listener's worker threads at once, so
// implementations must be thread-safe.
class ListenerSink {
 public:
  virtual ~ListenerSink() = default;
  // Appends `records` (never empty) to `topic` as ONE page, durably and all or nothing;
  // returns the page's seq once it is stored. kResourceExhausted when the queue is full
  // (nothing stored); any other error also stores nothing.
  virtual Result<std::uint64_t> append(const std::string& topic,
                                       const std::vector<ferry::Json>& records) = 0;
};

// The agent's sink: LogQueue::append with the progress {"received": "<UTC ISO-8601>"}, the
// time the page arrived (a listener has no source position to resume from).
class LogQueueSink final : public ListenerSink {
 public:
  // `queue` and `clock` must outlive the sink.
  LogQueueSink(queue::LogQueue& queue, const Clock& clock);
  Result<std::uint64_t> append(const std::string& topic,
                               const std::vector<ferry::Json>& records) override;

 private:
  queue::LogQueue& queue_;
  const Clock& clock_;
};

// "2026-03-01T12:34:56.789Z".
std::string utcTimestamp(Clock::TimePoint t);

}  // namespace ferry::agent::connectors::listener
