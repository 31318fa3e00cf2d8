#pragma once

#include "common/cli/program.h"

namespace ferry::controller::api {

// `deploy FILE --url U --token T` (token also from FERRY_TOKEN): validates the definitions
// file, PUTs each of its resources that differs from the controller's copy (integrations
// first, flows last, so references resolve), then deploys every integration the file holds
// or its flows name. Returns 0, 1 when the file or the controller refuses, 2 on usage errors.
int deployCommand(cli::Invocation& inv);

}  // namespace ferry::controller::api
