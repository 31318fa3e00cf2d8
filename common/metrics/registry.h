#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace ferry::metrics {

using Labels = std::map<std::string, std::string>;  // sorted: one canonical order

class Counter {
 public:
  void inc(double by = 1) { value_.fetch_add(by, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Gauge {
 public:
  void set(double v) { value_.store(v, std::memory_order_relaxed); }
  void inc(double by = 1) { value_.fetch_add(by, std::memory_order_relaxed); }
  void dec(double by = 1) { value_.fetch_sub(by, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

class Histogram {
 public:
  explicit Histogram(std::vector<double> upperBounds);  // sorted, without +Inf
  void observe(double v);
  struct Snapshot {
    std::vector<double> bounds;
    std::vector<std::uint64_t> cumulative;  // one per bound, then +Inf
    double sum = 0;
    std::uint64_t count = 0;
  };
  Snapshot snapshot() const;

 private:
  mutable std::mutex mu_;
  std::vector<double> bounds_;
  std::vector<std::uint64_t> counts_;  // per bucket (not cumulative), last is +Inf
  double sum_ = 0;
};

// Metric families rendered in Prometheus text format 0.0.4 (HELP and TYPE once per family,
// escaped label values, cumulative histogram buckets ending at +Inf, final newline).
// Thread-safe. Children live as long as the registry; the references returned stay valid.
// Label values must stay bounded (flow ids, states — never record ids or error text).
class Registry {
 public:
  Counter& counter(const std::string& name, const std::string& help, const Labels& labels = {});
  Gauge& gauge(const std::string& name, const std::string& help, const Labels& labels = {});
  Histogram& histogram(const std::string& name, const std::string& help,
                       const std::vector<double>& upperBounds, const Labels& labels = {});

  // A callback that refreshes gauges right before each render (e.g. queue depth read from
  // the database), so scrapes see current values without a background thread.
  void onRender(std::function<void()> refresh);

  std::string render() const;

  // Latency buckets in seconds, 1 ms to 10 s.
  static std::vector<double> latencyBuckets();

 private:
  enum class Type { kCounter, kGauge, kHistogram };
  struct Family {
    Type type;
    std::string help;
    std::vector<double> bounds;
    std::map<Labels, std::unique_ptr<Counter>> counters;
    std::map<Labels, std::unique_ptr<Gauge>> gauges;
    std::map<Labels, std::unique_ptr<Histogram>> histograms;
  };
  Family& family(const std::string& name, Type type, const std::string& help);

  mutable std::mutex mu_;
  std::map<std::string, Family> families_;         // guarded by mu_
  std::vector<std::function<void()>> refreshers_;  // guarded by mu_
};

// Escapes a label value for the text format: backslash, double quote and newline.
std::string escapeLabelValue(const std::string& value);

}  // namespace ferry::metrics
