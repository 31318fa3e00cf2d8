#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>

#include "agent/queue/log_queue.h"
#include "agent/runtime/read_ahead.h"
#include "common/status/status.h"

namespace ferry::agent::runtime {

// Commits a flow's queue offsets on its own thread, behind the pages it processes. The
// queue's commit waits for the disk; meanwhile later pages may be done, and the next commit
// then moves the offset over all of them at once (an offset says "everything up to here is
// done", and pages are done in order). A crash before a commit lands re-delivers the pages
// after the last one that did, as it always could (imports skip what their checkpoint
// covers). Reports each committed offset to `ahead`.
class OffsetCommitter {
 public:
  OffsetCommitter(queue::LogQueue& queue, std::string consumer, ReadAhead* ahead);
  ~OffsetCommitter();  // commits what is pending, then stops
  OffsetCommitter(const OffsetCommitter&) = delete;
  OffsetCommitter& operator=(const OffsetCommitter&) = delete;

  // Everything up to `seq` of `topic` is done. Returns the error of an earlier commit, if
  // one failed (nothing is committed after that).
  Status done(const std::string& topic, std::uint64_t seq);
  // Waits until every page reported is committed; the first error, if any.
  Status finish();

 private:
  void run();

  queue::LogQueue& queue_;
  const std::string consumer_;
  ReadAhead* const ahead_;
  std::mutex mu_;
  std::condition_variable changed_;
  std::map<std::string, std::uint64_t> pending_;  // guarded by mu_
  bool committing_ = false;                       // guarded by mu_
  bool stopping_ = false;                         // guarded by mu_
  Status failed_;                                 // guarded by mu_
  std::thread thread_;                            // last: starts after the rest exists
};

}  // namespace ferry::agent::runtime
