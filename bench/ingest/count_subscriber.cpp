#include "bench/ingest/count_subscriber.h"

#include <mqtt/async_client.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <thread>

#include "tests/support/subprocess.h"

namespace ferry::bench {

namespace {

std::int64_t nowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

int runCountSubscriber(const std::string& url, const std::string& filter, std::uint64_t expected) {
  std::atomic<std::uint64_t> received{0};
  std::atomic<std::int64_t> firstNs{0};
  std::atomic<std::int64_t> lastNs{0};
  try {
    ::mqtt::async_client client(url, "bench-count-subscriber",
                                ::mqtt::create_options(MQTTVERSION_5));
    // Counting is all it does, so it may happen on Paho's thread.
    client.set_message_callback([&](::mqtt::const_message_ptr) {
      const std::uint64_t n = received.fetch_add(1) + 1;
      if (n == 1) firstNs = nowNs();
      if (n == expected) lastNs = nowNs();
    });
    ::mqtt::connect_options opts;
    opts.set_mqtt_version(MQTTVERSION_5);
    opts.set_clean_start(true);
    opts.set_keep_alive_interval(60);
    client.connect(opts)->wait_for(std::chrono::seconds(30));
    if (!client.is_connected()) {
      std::fprintf(stderr, "count subscriber: no connection to %s\n", url.c_str());
      return 1;
    }
    client.subscribe(filter, 1)->wait_for(std::chrono::seconds(30));
    std::fprintf(stderr, "subscribed\n");
    std::fflush(stderr);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(150);
    while (lastNs.load() == 0 && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    const double cpu = testing::selfCpuSeconds();
    std::printf("received=%llu first_ns=%lld last_ns=%lld cpu_s=%.2f\n",
                static_cast<unsigned long long>(received.load()),
                static_cast<long long>(firstNs.load()), static_cast<long long>(lastNs.load()), cpu);
    std::fflush(stdout);
    client.disconnect()->wait_for(std::chrono::seconds(5));
  } catch (const ::mqtt::exception& e) {
    std::fprintf(stderr, "count subscriber: %s\n", e.what());
    return 1;
  }
  return lastNs.load() == 0 ? 1 : 0;
}

}  // namespace ferry::bench
