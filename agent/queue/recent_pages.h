#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>
#include "common/json/json.h"

namespace ferry::agent::queue {

// Pages this process appended lately, kept decoded in memory for the consumers that read
// them moments later: decoding a page's JSON again was a third of a flow's consuming
// thread. Durability is untouched: a page is offered only after its append committed,
// and anything not found here (another process, a restart, an old page) is read from
// disk. Bounded by records (their decoded memory, whatever the page size) and by their
// stored bytes; when full, new pages are not kept (the oldest unconsumed ones are the ones
// about to be read), except that an empty cache takes any one page within the byte bound.
// Thread-safe.
class RecentPages {
 public:
  using Records = std::shared_ptr<const std::vector<ferry::Json>>;

  RecentPages(std::size_t maxRecords, std::int64_t maxBytes)
      : maxRecords_(maxRecords), maxBytes_(maxBytes) {}

  // Keeps the page if there is room; returns whether it did.
  bool offer(const std::string& topic, std::uint64_t seq, std::int64_t bytes, Records records);
  // The page's records, or null when they are not kept.
  Records find(const std::string& topic, std::uint64_t seq) const;
  // Forgets the topic's pages up to and including `seq` (every consumer is past them).
  void dropUpTo(const std::string& topic, std::uint64_t seq);
  void clear();
  std::size_t size() const;

 private:
  struct Entry {
    std::int64_t bytes = 0;
    Records records;
  };

  const std::size_t maxRecords_;
  const std::int64_t maxBytes_;
  mutable std::mutex mu_;
  std::map<std::pair<std::string, std::uint64_t>, Entry> pages_;  // guarded by mu_
  std::int64_t bytes_ = 0;                                        // guarded by mu_
  std::size_t records_ = 0;                                       // guarded by mu_
};

}  // namespace ferry::agent::queue
