#pragma once

#include <chrono>
#include <optional>
#include <string_view>

#include "common/status/result.h"

namespace ferry::schedule {

// The POSIX TZ rule in a TZif footer (e.g. "CET-1CEST,M3.5.0,M10.5.0/3"): the offsets a zone
// uses after its last listed transition. Offsets are seconds east of UTC (the TZ string
// writes them west, we flip the sign).
struct PosixTz {
  struct Rule {  // when a change happens, in local time of the offset in force before it
    enum class Form { kMonthWeekDay, kJulianNoLeap, kJulianZero } form = Form::kMonthWeekDay;
    int month = 0;  // Mm.w.d
    int week = 0;   // 1-5, 5 = last
    int weekday = 0;
    int day = 0;  // Jn (1-365, Feb 29 never counted) or n (0-365)
    std::chrono::seconds time{7200};
  };
  std::chrono::seconds stdOffset{0};
  bool hasDst = false;
  std::chrono::seconds dstOffset{0};
  Rule start;  // std -> dst
  Rule end;    // dst -> std

  // kInvalidArgument on anything this parser does not understand.
  static Result<PosixTz> parse(std::string_view text);

  std::chrono::seconds offsetAt(std::chrono::sys_seconds t) const;
};

}  // namespace ferry::schedule
