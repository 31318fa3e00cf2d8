#include "common/log/logger.h"

#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <ctime>

#include "common/json/json.h"

namespace ferry {

std::string_view logLevelName(LogLevel level) {
  switch (level) {
    case LogLevel::kDebug: return "debug";
    case LogLevel::kInfo: return "info";
    case LogLevel::kWarning: return "warning";
    case LogLevel::kError: return "error";
  }
  return "info";
}

std::optional<LogLevel> parseLogLevel(std::string_view name) {
  if (name == "debug") return LogLevel::kDebug;
  if (name == "info") return LogLevel::kInfo;
  if (name == "warning" || name == "warn") return LogLevel::kWarning;
  if (name == "error") return LogLevel::kError;
  return std::nullopt;
}

void FdLogSink::write(std::string_view line) {
  std::lock_guard lock(mu_);
  const char* p = line.data();
  size_t left = line.size();
  while (left > 0) {
    ssize_t n = ::write(fd_, p, left);
    if (n < 0) {
      if (errno == EINTR) continue;
      return;  // nowhere left to report a failing log write
    }
    p += n;
    left -= static_cast<size_t>(n);
  }
}

Logger::Logger(std::shared_ptr<LogSink> sink, LogLevel level, std::string component)
    : sink_(std::move(sink)), level_(level), component_(std::move(component)) {}

Logger Logger::child(std::string_view component) const {
  std::string name = component_;
  if (!name.empty()) name += '.';
  name += component;
  return Logger(sink_, level_, std::move(name));
}

namespace {

std::string utcTimestamp() {
  auto now = std::chrono::system_clock::now();
  auto secs = std::chrono::time_point_cast<std::chrono::seconds>(now);
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(now - secs).count();
  std::time_t t = std::chrono::system_clock::to_time_t(secs);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[96];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(millis));
  return buf;
}

}  // namespace

void Logger::log(LogLevel level, std::string_view message, LogFields fields) const {
  if (!enabled(level) || !sink_) return;
  nlohmann::ordered_json line;
  line["time"] = utcTimestamp();
  line["level"] = logLevelName(level);
  line["component"] = component_;
  line["msg"] = message;
  for (const auto& f : fields) {
    std::string key(f.key);
    std::visit([&](const auto& v) { line[key] = v; }, f.value);
  }
  // Replace invalid UTF-8 instead of throwing: a log line must never take the process down.
  std::string text = line.dump(-1, ' ', false, ferry::Json::error_handler_t::replace);
  text += '\n';
  sink_->write(text);
}

}  // namespace ferry
