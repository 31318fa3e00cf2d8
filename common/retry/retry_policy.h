#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>

namespace ferry::retry {

// Capped exponential backoff with full jitter (the delay is uniform in [0, cap_n], where
// cap_n = min(maxDelay, initialDelay * multiplier^attempt)), honouring a server's hint such
// as Retry-After. Connectors report outcomes and never sleep; the engine asks this policy
// how long to wait. Immutable; the randomness is injected so tests are deterministic.
class RetryPolicy {
 public:
  struct Options {
    std::chrono::milliseconds initialDelay{500};
    std::chrono::milliseconds maxDelay{std::chrono::minutes(5)};
    double multiplier = 2.0;
    int maxAttempts = 0;  // 0: unlimited (the engine retries until cancelled)
    // A hint above this is clamped: a hostile or broken server cannot park a flow for days.
    std::chrono::milliseconds maxHint{std::chrono::hours(1)};
  };

  // Returns a uniformly distributed value in [0, 1).
  using UnitRandom = std::function<double()>;

  RetryPolicy(Options options, UnitRandom random);

  // The delay before retry number `attempt` (0 for the first retry), or nullopt when
  // maxAttempts is exhausted. With a hint, the delay is at least the hint.
  std::optional<std::chrono::milliseconds> delay(
      int attempt, std::optional<std::chrono::milliseconds> hint = std::nullopt) const;

  // The upper bound of the jitter window for `attempt`.
  std::chrono::milliseconds ceiling(int attempt) const;

  const Options& options() const { return options_; }

 private:
  Options options_;
  UnitRandom random_;
};

// A UnitRandom backed by a std::mt19937_64 seeded from std::random_device; each call of
// this function makes an independent generator (no shared state).
RetryPolicy::UnitRandom systemUnitRandom();

}  // namespace ferry::retry
