#include "common/service/signal_waiter.h"

#include <pthread.h>

#include <cerrno>
#include <ctime>

namespace ferry::service {

SignalWaiter::SignalWaiter() {
  sigemptyset(&watched_);
  sigaddset(&watched_, SIGINT);
  sigaddset(&watched_, SIGTERM);
  sigaddset(&watched_, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &watched_, &previous_);
}

SignalWaiter::~SignalWaiter() {
  pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
}

std::optional<int> SignalWaiter::wait(std::chrono::milliseconds timeout) {
  timespec ts{};
  ts.tv_sec = static_cast<time_t>(timeout.count() / 1000);
  ts.tv_nsec = static_cast<long>((timeout.count() % 1000) * 1000000);
  for (;;) {
    int sig = sigtimedwait(&watched_, nullptr, &ts);
    if (sig >= 0) return sig;
    if (errno == EINTR) continue;
    return std::nullopt;  // EAGAIN: timed out
  }
}

}  // namespace ferry::service
