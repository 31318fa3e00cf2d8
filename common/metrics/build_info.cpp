#include "common/metrics/build_info.h"

#include "common/version/version.h"

namespace ferry::metrics {

std::string buildInfoText() {
  std::string out = "# HELP ferry_build_info Version and revision of this binary.\n";
  out += "# TYPE ferry_build_info gauge\n";
  out += "ferry_build_info{version=\"" + std::string(ferryVersion()) + "\",revision=\"" +
         std::string(ferryRevision()) + "\"} 1\n";
  return out;
}

}  // namespace ferry::metrics
