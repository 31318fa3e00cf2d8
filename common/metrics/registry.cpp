#include "common/metrics/registry.h"

#include <algorithm>
#include <cmath>
#include <sstream>
#include <stdexcept>

namespace ferry::metrics {

namespace {

bool validName(const std::string& name) {
  if (name.empty()) return false;
  for (std::size_t i = 0; i < name.size(); ++i) {
    char c = name[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':' ||
              (i > 0 && c >= '0' && c <= '9');
    if (!ok) return false;
  }
  return true;
}

std::string number(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "+Inf" : "-Inf";
  if (v == std::floor(v) && std::fabs(v) < 1e15) {
    return std::to_string(static_cast<long long>(v));
  }
  std::ostringstream s;
  s.precision(17);
  s << v;
  return s.str();
}

std::string labelText(const Labels& labels, const std::string& extraKey = "",
                      const std::string& extraValue = "") {
  if (labels.empty() && extraKey.empty()) return "";
  std::string out = "{";
  bool first = true;
  for (const auto& [k, v] : labels) {
    if (!first) out += ',';
    first = false;
    out += k + "=\"" + escapeLabelValue(v) + "\"";
  }
  if (!extraKey.empty()) {
    if (!first) out += ',';
    out += extraKey + "=\"" + extraValue + "\"";
  }
  return out + "}";
}

std::string escapeHelp(const std::string& help) {
  std::string out;
  for (char c : help) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

void checkLabels(const Labels& labels) {
  for (const auto& [k, v] : labels) {
    if (!validName(k) || k.rfind("__", 0) == 0) {
      throw std::invalid_argument("invalid metric label name '" + k + "'");
    }
  }
}

}  // namespace

std::string escapeLabelValue(const std::string& value) {
  std::string out;
  for (char c : value) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '"') {
      out += "\\\"";
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out += c;
    }
  }
  return out;
}

Histogram::Histogram(std::vector<double> upperBounds)
    : bounds_(std::move(upperBounds)), counts_(bounds_.size() + 1, 0) {
  std::sort(bounds_.begin(), bounds_.end());
}

void Histogram::observe(double v) {
  std::lock_guard lock(mu_);
  auto it = std::lower_bound(bounds_.begin(), bounds_.end(), v);
  ++counts_[static_cast<std::size_t>(it - bounds_.begin())];
  sum_ += v;
}

Histogram::Snapshot Histogram::snapshot() const {
  std::lock_guard lock(mu_);
  Snapshot s;
  s.bounds = bounds_;
  std::uint64_t running = 0;
  for (auto c : counts_) {
    running += c;
    s.cumulative.push_back(running);
  }
  s.count = running;
  s.sum = sum_;
  return s;
}

// Metric and label names are fixed in code, so a bad one is a programming error and throws
// (caught by tests), rather than a Status every caller would have to carry.
Registry::Family& Registry::family(const std::string& name, Type type, const std::string& help) {
  if (!validName(name)) throw std::invalid_argument("invalid metric name '" + name + "'");
  auto [it, inserted] = families_.try_emplace(name);
  if (inserted) {
    it->second.type = type;
    it->second.help = help;
  } else if (it->second.type != type) {
    throw std::invalid_argument("metric '" + name + "' registered with another type");
  }
  return it->second;
}

Counter& Registry::counter(const std::string& name, const std::string& help, const Labels& labels) {
  checkLabels(labels);
  std::lock_guard lock(mu_);
  auto& child = family(name, Type::kCounter, help).counters[labels];
  if (!child) child = std::make_unique<Counter>();
  return *child;
}

Gauge& Registry::gauge(const std::string& name, const std::string& help, const Labels& labels) {
  checkLabels(labels);
  std::lock_guard lock(mu_);
  auto& child = family(name, Type::kGauge, help).gauges[labels];
  if (!child) child = std::make_unique<Gauge>();
  return *child;
}

Histogram& Registry::histogram(const std::string& name, const std::string& help,
                               const std::vector<double>& upperBounds, const Labels& labels) {
  checkLabels(labels);
  std::lock_guard lock(mu_);
  Family& f = family(name, Type::kHistogram, help);
  if (f.bounds.empty()) f.bounds = upperBounds;
  auto& child = f.histograms[labels];
  if (!child) child = std::make_unique<Histogram>(f.bounds);
  return *child;
}

void Registry::onRender(std::function<void()> refresh) {
  std::lock_guard lock(mu_);
  refreshers_.push_back(std::move(refresh));
}

std::vector<double> Registry::latencyBuckets() {
  return {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

std::string Registry::render() const {
  std::vector<std::function<void()>> refreshers;
  {
    std::lock_guard lock(mu_);
    refreshers = refreshers_;
  }
  for (const auto& r : refreshers) r();  // outside the lock: they set gauges of this registry

  std::lock_guard lock(mu_);
  std::string out;
  for (const auto& [name, f] : families_) {
    const char* type = f.type == Type::kCounter ? "counter"
                       : f.type == Type::kGauge ? "gauge"
                                                : "histogram";
    out += "# HELP " + name + " " + escapeHelp(f.help) + "\n";
    out += "# TYPE " + name + " " + type + "\n";
    for (const auto& [labels, c] : f.counters) {
      out += name + labelText(labels) + " " + number(c->value()) + "\n";
    }
    for (const auto& [labels, g] : f.gauges) {
      out += name + labelText(labels) + " " + number(g->value()) + "\n";
    }
    for (const auto& [labels, h] : f.histograms) {
      auto s = h->snapshot();
      for (std::size_t i = 0; i < s.bounds.size(); ++i) {
        out += name + "_bucket" + labelText(labels, "le", number(s.bounds[i])) + " " +
               std::to_string(s.cumulative[i]) + "\n";
      }
      out +=
          name + "_bucket" + labelText(labels, "le", "+Inf") + " " + std::to_string(s.count) + "\n";
      out += name + "_sum" + labelText(labels) + " " + number(s.sum) + "\n";
      out += name + "_count" + labelText(labels) + " " + std::to_string(s.count) + "\n";
    }
  }
  return out;
}

}  // namespace ferry::metrics
