#include "agent/runtime/read_ahead.h"

namespace ferry::agent::runtime {

void ReadAhead::appended(const std::string& topic, std::uint64_t seq) {
  std::lock_guard lock(mu_);
  appended_[topic] = seq;
}

void ReadAhead::consumed(const std::string& topic, std::uint64_t seq) {
  {
    std::lock_guard lock(mu_);
    consumed_[topic] = seq;
  }
  moved_.notify_all();
}

void ReadAhead::release() {
  {
    std::lock_guard lock(mu_);
    released_ = true;
  }
  moved_.notify_all();
}

void ReadAhead::waitForRoom(const std::string& topic, const std::function<bool()>& stopping) {
  std::unique_lock lock(mu_);
  for (;;) {
    if (released_) return;
    auto a = appended_.find(topic);
    if (a == appended_.end()) return;  // nothing appended in this run yet
    auto c = consumed_.find(topic);
    const std::uint64_t done = c == consumed_.end() ? 0 : c->second;
    if (a->second < done + pages_) return;
    lock.unlock();
    if (stopping()) return;
    lock.lock();
    moved_.wait_for(lock, std::chrono::milliseconds(50));
  }
}

}  // namespace ferry::agent::runtime
