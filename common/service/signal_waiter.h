#pragma once

#include <chrono>
#include <optional>

#include <signal.h>

namespace ferry::service {

// Turns SIGINT, SIGTERM and SIGHUP into values the main thread waits for, instead of
// asynchronous handlers. Construct it in main() before starting any thread: the mask is
// inherited, so no other thread ever receives these signals. Restores the mask on
// destruction.
class SignalWaiter {
 public:
  SignalWaiter();
  ~SignalWaiter();
  SignalWaiter(const SignalWaiter&) = delete;
  SignalWaiter& operator=(const SignalWaiter&) = delete;

  // The next of the three signals, or nullopt after `timeout` with none.
  std::optional<int> wait(std::chrono::milliseconds timeout);

 private:
  sigset_t watched_;
  sigset_t previous_;
};

}  // namespace ferry::service
