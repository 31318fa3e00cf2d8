#pragma once

#include "common/cli/program.h"

namespace ferry::agent {

// `ferry-agent run FILE [--flow ID]`: runs the flows of a definitions file once through the
// state directory's queue and exits. Progress goes to stderr (a live line on a terminal,
// else a JSON line at most once a second per flow); a summary table, with the first errors
// of each run, goes to stdout. Exit 0 when every run succeeded, 1 when one failed or was
// partial (or the file is invalid: its problems are printed), 2 for usage errors.
int runFlowsCommand(cli::Invocation& invocation);

}  // namespace ferry::agent
