#pragma once

#include "common/metrics/registry.h"

namespace ferry::metrics {

// Registers ferry_build_info{version,revision} 1.
void registerBuildInfo(Registry& registry);

}  // namespace ferry::metrics
