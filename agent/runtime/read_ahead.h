#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>

namespace ferry::agent::runtime {

// How far a run's export reader may get ahead of the flow consuming its pages in the same
// run. The queue keeps the pages appended lately decoded in memory (queue::RecentPages), so a
// consumer that follows closely never decodes them again; a reader far ahead would only
// push the pages out of that window onto disk, while the consumer stays the bottleneck
// either way. Pages still go through the durable queue; this only paces the reader.
class ReadAhead {
 public:
  explicit ReadAhead(std::uint64_t pages) : pages_(pages) {}

  void appended(const std::string& topic, std::uint64_t seq);
  void consumed(const std::string& topic, std::uint64_t seq);
  // The consumer is done (or failed): the reader never waits again.
  void release();
  // Waits while the topic's last appended page is `pages` or more ahead of the last
  // consumed one. Wakes at least every 50 ms to ask `stopping`.
  void waitForRoom(const std::string& topic, const std::function<bool()>& stopping);

 private:
  const std::uint64_t pages_;
  std::mutex mu_;
  std::condition_variable moved_;
  std::map<std::string, std::uint64_t> appended_;  // guarded by mu_
  std::map<std::string, std::uint64_t> consumed_;  // guarded by mu_
  bool released_ = false;                          // guarded by mu_
};

}  // namespace ferry::agent::runtime
