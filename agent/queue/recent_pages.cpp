#include "agent/queue/recent_pages.h"

namespace ferry::agent::queue {

bool RecentPages::offer(const std::string& topic, std::uint64_t seq, std::int64_t bytes,
                        Records records) {
  if (maxRecords_ == 0 || !records) return false;
  const std::size_t n = records->size();
  std::lock_guard lock(mu_);
  if (bytes_ + bytes > maxBytes_) return false;
  if (!pages_.empty() && records_ + n > maxRecords_) return false;
  auto [it, inserted] = pages_.try_emplace({topic, seq}, Entry{bytes, std::move(records)});
  if (inserted) {
    bytes_ += bytes;
    records_ += n;
  }
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
      records_ -= it->second.records->size();
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
  records_ = 0;
}

std::size_t RecentPages::size() const {
  std::lock_guard lock(mu_);
  return pages_.size();
}

}  // namespace ferry::agent::queue
