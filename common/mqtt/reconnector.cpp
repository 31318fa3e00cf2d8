#include "common/mqtt/reconnector.h"

namespace ferry::mqtt {

Reconnector::Reconnector(MqttTransport& transport, retry::RetryPolicy::Options backoff,
                         Logger logger)
    : transport_(transport), policy_(backoff, retry::systemUnitRandom()), log_(std::move(logger)) {}

bool Reconnector::connectIfDue(const std::function<ConnectOptions()>& makeOptions) {
  if (transport_.connected()) return false;
  const auto now = std::chrono::steady_clock::now();
  if (now < nextAttempt_) return false;
  ConnectOptions options = makeOptions();
  Status st = transport_.connect(options);
  if (st.isOk()) {
    log_.info("connected to the broker",
              {{"url", options.url}, {"clientId", options.clientId}, {"attempts", failures_ + 1}});
    wasConnected_ = true;
    return true;
  }
  auto delay = policy_.delay(failures_).value_or(policy_.options().maxDelay);
  ++failures_;
  nextAttempt_ = now + delay;
  // Every failure is logged (the backoff caps them at a few a minute), with what to fix.
  log_.warning("no connection to the broker",
               {{"url", options.url},
                {"error", st.message()},
                {"attempt", failures_},
                {"retryInMs", static_cast<std::int64_t>(delay.count())}});
  return false;
}

void Reconnector::setupFailed(const std::string& reason) {
  auto delay = policy_.delay(failures_).value_or(policy_.options().maxDelay);
  ++failures_;
  wasConnected_ = false;
  nextAttempt_ = std::chrono::steady_clock::now() + delay;
  log_.warning("broker session not set up",
               {{"error", reason},
                {"attempt", failures_},
                {"retryInMs", static_cast<std::int64_t>(delay.count())}});
}

void Reconnector::lost(const std::string& reason) {
  if (wasConnected_) log_.warning("connection to the broker lost", {{"reason", reason}});
  wasConnected_ = false;
  nextAttempt_ =
      std::chrono::steady_clock::now() + policy_.delay(0).value_or(policy_.options().initialDelay);
}

std::chrono::milliseconds Reconnector::untilNextAttempt() const {
  if (transport_.connected()) return std::chrono::milliseconds(0);
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      nextAttempt_ - std::chrono::steady_clock::now());
  return left.count() > 0 ? left : std::chrono::milliseconds(0);
}

}  // namespace ferry::mqtt
