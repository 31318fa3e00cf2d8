#include "agent/queue/recent_pages.h"

namespace ferry::agent::queue {

bool RecentPages::offer(const std::string& topic, std::uint64_t seq, std::int64_t bytes,
                        Records records) {
  if (maxPages_ == 0 || !records) return false;
  std::lock_guard lock(mu_);
  if (pages_.size() >= maxPages_ || bytes_ + bytes > maxBytes_) return false;
  auto [it, inserted] = pages_.try_emplace({topic, seq}, Entry{bytes, std::move(records)});
  if (inserted) bytes_ += bytes;
  return inserted;
}

RecentPages::Records RecentPages::find(const std::string& topic, std::uint64_t seq) const {
  std::lock_guard lock(mu_);
  auto it = pages_.find({topic, seq});
  return it == pages_.end() ? nullptr : it->second.records;
}

void RecentPages::dropUpTo(const std::string& topic, std::uint64_t seq) {
  std::vector<Records> dropped;  // freed outside the lock: a page is thousands of nodes
  {
    std::lock_guard lock(mu_);
    auto it = pages_.lower_bound({topic, 0});
    while (it != pages_.end() && it->first.first == topic && it->first.second <= seq) {
      bytes_ -= it->second.bytes;
      dropped.push_back(std::move(it->second.records));
      it = pages_.erase(it);
    }
  }
}

void RecentPages::clear() {
  std::map<std::pair<std::string, std::uint64_t>, Entry> dropped;
  std::lock_guard lock(mu_);
  dropped.swap(pages_);
  bytes_ = 0;
}

std::size_t RecentPages::size() const {
  std::lock_guard lock(mu_);
  return pages_.size();
}

}  // namespace ferry::agent::queue
