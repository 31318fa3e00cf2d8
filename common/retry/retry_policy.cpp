#include "common/retry/retry_policy.h"

#include <algorithm>
#include <cmath>
#include <memory>
#include <mutex>
#include <random>

namespace ferry::retry {

RetryPolicy::RetryPolicy(Options options, UnitRandom random)
    : options_(options), random_(std::move(random)) {}

std::chrono::milliseconds RetryPolicy::ceiling(int attempt) const {
  double base = static_cast<double>(options_.initialDelay.count());
  double cap = static_cast<double>(options_.maxDelay.count());
  // pow overflows to inf for large attempts; min() then keeps the cap.
  double grown = base * std::pow(options_.multiplier, std::max(0, attempt));
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::min(cap, grown)));
}

std::optional<std::chrono::milliseconds> RetryPolicy::delay(
    int attempt, std::optional<std::chrono::milliseconds> hint) const {
  if (options_.maxAttempts > 0 && attempt >= options_.maxAttempts) return std::nullopt;
  double u = std::clamp(random_(), 0.0, 1.0);
  auto jittered = std::chrono::milliseconds(
      static_cast<std::int64_t>(u * static_cast<double>(ceiling(attempt).count())));
  if (hint) {
    auto bounded = std::clamp(*hint, std::chrono::milliseconds(0), options_.maxHint);
    return std::max(bounded, jittered);
  }
  return jittered;
}

RetryPolicy::UnitRandom systemUnitRandom() {
  struct State {
    std::mutex mu;
    std::mt19937_64 engine{std::random_device{}()};
    std::uniform_real_distribution<double> dist{0.0, 1.0};
  };
  auto state = std::make_shared<State>();
  return [state] {
    std::lock_guard lock(state->mu);
    return state->dist(state->engine);
  };
}

}  // namespace ferry::retry
