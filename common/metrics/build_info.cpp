#include "common/metrics/build_info.h"

#include "common/version/version.h"

namespace ferry::metrics {

void registerBuildInfo(Registry& registry) {
  registry
      .gauge("ferry_build_info", "Version and revision of this binary.",
             {{"version", std::string(ferryVersion())}, {"revision", std::string(ferryRevision())}})
      .set(1);
}

}  // namespace ferry::metrics
