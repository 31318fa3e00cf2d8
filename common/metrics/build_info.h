#pragma once

#include <string>

namespace ferry::metrics {

// The ferry_build_info gauge in Prometheus text format 0.0.4 (HELP, TYPE, one sample).
std::string buildInfoText();

}  // namespace ferry::metrics
