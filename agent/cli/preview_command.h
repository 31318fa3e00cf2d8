#pragma once

#include "common/cli/program.h"

namespace ferry::agent {

// `ferry-agent preview FILE --flow ID [--input F]`: runs one flow's steps on sample records
// (JSON Lines from F or stdin) and prints one JSON line per record:
// {"input": n, "filtered": b, "output": {…}, "imports": {id: {…}}, "errors": […]}, where n
// is the record's line number. Nothing is written anywhere and no connection is opened:
// lookups are reported as skipped. A line that is not a JSON object prints
// {"input": n, "error": "line n: …"} and the run goes on.
// Exit status: 0; 1 when the definitions are invalid or a line was malformed; 2 for an
// unknown flow or an unreadable file.
int previewCommand(cli::Invocation& invocation);

}  // namespace ferry::agent
