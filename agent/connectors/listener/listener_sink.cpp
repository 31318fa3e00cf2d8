#include "agent/connectors/listener/listener_sink.h"

#include <cstdio>
#include <ctime>

#include "common/json/json.h"

namespace ferry::agent::connectors::listener {

LogQueueSink::LogQueueSink(queue::LogQueue& queue, const Clock& clock)
    : queue_(queue), clock_(clock) {}

Result<std::uint64_t> LogQueueSink::append(const std::string& topic,
                                           const std::vector<ferry::Json>& records) {
  return queue_.append(topic, records, {{"received", utcTimestamp(clock_.now())}});
}

std::string utcTimestamp(Clock::TimePoint t) {
  using namespace std::chrono;
  const auto whole = floor<seconds>(t);
  const std::time_t secs = system_clock::to_time_t(whole);
  const auto millis = duration_cast<milliseconds>(t - whole).count();
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(millis));
  return std::string(buf);
}

}  // namespace ferry::agent::connectors::listener
