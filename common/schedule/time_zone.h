#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/schedule/posix_tz.h"
#include "common/status/result.h"

namespace ferry::schedule {

inline constexpr const char* kDefaultZoneinfoDir = "/usr/share/zoneinfo";

// An IANA time zone read from its TZif file (RFC 8536, versions 1-4), including the POSIX
// rule in the footer for times after the last listed transition. GCC 12's libstdc++ has no
// std::chrono::tzdb, and TZ/localtime_r would mean process-wide state, hence this reader.
// Immutable after load; safe to share between threads.
class TimeZone {
 public:
  static TimeZone utc();
  // Reads <zoneinfoDir>/<name>. kInvalidArgument for a name that is not a zone name
  // (with a "did you mean" when a zone of that region is close), kNotFound for none.
  static Result<TimeZone> load(std::string_view name,
                               const std::string& zoneinfoDir = kDefaultZoneinfoDir);
  // Parses TZif bytes; kInvalidArgument when they are malformed.
  static Result<TimeZone> fromTzif(std::string name, std::string_view bytes);

  const std::string& name() const { return name_; }

  // Seconds east of UTC in force at `t`.
  std::chrono::seconds offsetAt(std::chrono::sys_seconds t) const;
  std::chrono::local_seconds toLocal(std::chrono::sys_seconds t) const;

  // The instants a wall-clock time names: one (kUnique), two in a repeated hour
  // (kAmbiguous: first < second), or none in a skipped hour (kGap: `first` is the instant
  // the gap ends, i.e. the first valid time after it).
  struct Instants {
    enum class Kind { kUnique, kAmbiguous, kGap } kind = Kind::kUnique;
    std::chrono::sys_seconds first;
    std::chrono::sys_seconds second;
  };
  Instants toUtc(std::chrono::local_seconds local) const;

 private:
  TimeZone() = default;

  std::string name_;
  std::vector<std::int64_t> transitions_;     // UTC seconds, ascending
  std::vector<std::uint8_t> transitionType_;  // index into offsets_, per transition
  std::vector<std::int32_t> offsets_;         // per local time type; [0] before any transition
  std::optional<PosixTz> footer_;             // after the last transition
};

}  // namespace ferry::schedule
