#pragma once

#include <condition_variable>
#include <deque>
#include <mutex>
#include <vector>

#include "common/mqtt/mqtt_transport.h"

namespace ferry::testing {

// A fake MQTT transport for unit tests of the sync logic: connect always succeeds, every
// publish is recorded, and the test injects the messages the broker would deliver.
// Thread-safe (the link's thread and the test's thread use it at once).
class FakeTransport final : public mqtt::MqttTransport {
 public:
  Status connect(const mqtt::ConnectOptions& options) override {
    std::lock_guard lock(mu_);
    lastOptions_ = options;
    connected_ = true;
    ++connects_;
    return Status::ok();
  }
  void disconnect() override {
    std::lock_guard lock(mu_);
    connected_ = false;
  }
  bool connected() const override {
    std::lock_guard lock(mu_);
    return connected_;
  }
  Status subscribe(const std::vector<std::pair<std::string, int>>& filters) override {
    std::lock_guard lock(mu_);
    for (const auto& f : filters) subscriptions_.push_back(f.first);
    return Status::ok();
  }
  Status publish(const mqtt::Message& message, bool) override {
    std::lock_guard lock(mu_);
    if (!connected_) return Status::unavailable("not connected");
    published_.push_back(message);
    cv_.notify_all();
    return Status::ok();
  }
  std::optional<mqtt::TransportEvent> poll(std::chrono::milliseconds timeout) override {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, timeout, [this] { return !incoming_.empty(); });
    if (incoming_.empty()) return std::nullopt;
    auto e = std::move(incoming_.front());
    incoming_.pop_front();
    return e;
  }

  void wake() override {
    std::lock_guard lock(mu_);
    mqtt::TransportEvent e;
    e.kind = mqtt::TransportEvent::Kind::kWake;
    incoming_.push_back(std::move(e));
    cv_.notify_all();
  }

  // --- the test's side ---
  void deliver(const std::string& topic, const std::string& payload) {
    std::lock_guard lock(mu_);
    mqtt::TransportEvent e;
    e.message = {topic, payload, 1, false};
    incoming_.push_back(std::move(e));
    cv_.notify_all();
  }
  void dropConnection() {
    std::lock_guard lock(mu_);
    connected_ = false;
    mqtt::TransportEvent e;
    e.kind = mqtt::TransportEvent::Kind::kConnectionLost;
    e.reason = "cut by the test";
    incoming_.push_back(std::move(e));
    cv_.notify_all();
  }
  std::vector<mqtt::Message> published() const {
    std::lock_guard lock(mu_);
    return published_;
  }
  std::vector<std::string> subscriptions() const {
    std::lock_guard lock(mu_);
    return subscriptions_;
  }
  int connects() const {
    std::lock_guard lock(mu_);
    return connects_;
  }
  mqtt::ConnectOptions lastOptions() const {
    std::lock_guard lock(mu_);
    return lastOptions_;
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  bool connected_ = false;
  int connects_ = 0;
  mqtt::ConnectOptions lastOptions_;
  std::deque<mqtt::TransportEvent> incoming_;
  std::vector<mqtt::Message> published_;
  std::vector<std::string> subscriptions_;
};

}  // namespace ferry::testing
