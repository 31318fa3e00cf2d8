#include "agent/runtime/offset_committer.h"

namespace ferry::agent::runtime {

OffsetCommitter::OffsetCommitter(queue::LogQueue& queue, std::string consumer, ReadAhead* ahead)
    : queue_(queue), consumer_(std::move(consumer)), ahead_(ahead), thread_([this] { run(); }) {}

OffsetCommitter::~OffsetCommitter() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

Status OffsetCommitter::done(const std::string& topic, std::uint64_t seq) {
  {
    std::lock_guard lock(mu_);
    if (!failed_.isOk()) return failed_;
    pending_[topic] = seq;
  }
  changed_.notify_all();
  return Status::ok();
}

Status OffsetCommitter::finish() {
  std::unique_lock lock(mu_);
  changed_.wait(lock, [&] { return (pending_.empty() && !committing_) || !failed_.isOk(); });
  return failed_;
}

void OffsetCommitter::run() {
  std::unique_lock lock(mu_);
  for (;;) {
    changed_.wait(lock, [&] { return !pending_.empty() || stopping_; });
    if (pending_.empty()) return;  // stopping with nothing left
    std::map<std::string, std::uint64_t> batch;
    batch.swap(pending_);
    committing_ = true;
    lock.unlock();
    Status status = Status::ok();
    for (const auto& [topic, seq] : batch) {
      status = queue_.commit(consumer_, topic, seq);
      if (!status.isOk()) break;
      if (ahead_ != nullptr) ahead_->consumed(topic, seq);
    }
    lock.lock();
    committing_ = false;
    if (!status.isOk() && failed_.isOk()) failed_ = status;
    changed_.notify_all();
    if (!failed_.isOk()) {
      pending_.clear();
      // Nothing more is committed; done() reports the error, finish() returns it.
      changed_.wait(lock, [&] { return stopping_; });
      return;
    }
  }
}

}  // namespace ferry::agent::runtime
