#pragma once

#include "common/cli/program.h"

namespace ferry::agent {

// `ferry-agent errors list [--json] [--all]`: open per-record errors (with --all, resolved
// ones too), oldest first. `errors resolve ID…`: marks them resolved. `errors retry ID…
// [--record FILE]`: runs each error's record through the step that failed and the steps
// after it, with the current definitions (config `definitions`), optionally with an edited
// record (one ID); a record that now passes resolves its error, one that fails again keeps
// it open with the new message. Exit 1 when a retried record fails again or an id is
// unknown.
int errorsCommand(cli::Invocation& invocation);

}  // namespace ferry::agent
