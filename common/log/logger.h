#pragma once

#include <cstdint>
#include <initializer_list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace ferry {

enum class LogLevel { kDebug = 0, kInfo, kWarning, kError };

std::string_view logLevelName(LogLevel level);
std::optional<LogLevel> parseLogLevel(
    std::string_view name);  // "debug", "info", "warning", "error"

using LogValue = std::variant<std::string, std::int64_t, double, bool>;
struct LogField {
  std::string_view key;
  LogValue value;
  LogField(std::string_view k, std::string v) : key(k), value(std::move(v)) {}
  LogField(std::string_view k, std::string_view v) : key(k), value(std::string(v)) {}
  LogField(std::string_view k, const char* v) : key(k), value(std::string(v)) {}
  LogField(std::string_view k, std::int64_t v) : key(k), value(v) {}
  LogField(std::string_view k, int v) : key(k), value(std::int64_t{v}) {}
  LogField(std::string_view k, std::uint64_t v) : key(k), value(static_cast<std::int64_t>(v)) {}
  LogField(std::string_view k, double v) : key(k), value(v) {}
  LogField(std::string_view k, bool v) : key(k), value(v) {}
};
using LogFields = std::initializer_list<LogField>;

// Where log lines go. One sink per process, shared by every Logger; thread-safe.
class LogSink {
 public:
  virtual ~LogSink() = default;
  virtual void write(std::string_view line) = 0;  // one complete JSON line, with '\n'
};

// Writes to a file descriptor (stderr by default) with one write(2) per line, so lines
// from several threads or processes never interleave.
class FdLogSink final : public LogSink {
 public:
  explicit FdLogSink(int fd = 2) : fd_(fd) {}
  void write(std::string_view line) override;

 private:
  std::mutex mu_;
  int fd_;
};

// Structured logger: each line is a JSON object
// {"time":"…","level":"info","component":"…","msg":"…", <fields>}.
// Cheap to copy; copies share the sink and the level. Never pass secrets or records in fields.
class Logger {
 public:
  Logger(std::shared_ptr<LogSink> sink, LogLevel level, std::string component);

  // A logger for a sub-component sharing sink and level ("agent" -> "agent.queue").
  Logger child(std::string_view component) const;

  bool enabled(LogLevel level) const { return level >= level_; }
  LogLevel level() const { return level_; }
  void setLevel(LogLevel level) { level_ = level; }

  void log(LogLevel level, std::string_view message, LogFields fields = {}) const;
  void debug(std::string_view m, LogFields f = {}) const { log(LogLevel::kDebug, m, f); }
  void info(std::string_view m, LogFields f = {}) const { log(LogLevel::kInfo, m, f); }
  void warning(std::string_view m, LogFields f = {}) const { log(LogLevel::kWarning, m, f); }
  void error(std::string_view m, LogFields f = {}) const { log(LogLevel::kError, m, f); }

 private:
  std::shared_ptr<LogSink> sink_;
  LogLevel level_;
  std::string component_;
};

}  // namespace ferry
