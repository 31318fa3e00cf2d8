#pragma once

#include <string>

#include "common/cli/program.h"
#include "common/json/json_fwd.h"
#include "common/status/result.h"

namespace ferry::agent {

// `ferry-agent check FILE [--json]`: validates a definitions file. Prints every problem,
// one per line, pointer first (or one JSON object with --json); exits 1 when there is an
// error (malformed JSON: file:line:column), 0 with a summary when the file is valid, and 2
// when the file cannot be read.
int checkDefinitionsCommand(cli::Invocation& invocation);

// Reads and parses a definitions file. kNotFound when it does not exist; kInvalidArgument
// naming file:line:column when the JSON is malformed.
Result<ferry::Json> readDefinitionsFile(const std::string& path);

}  // namespace ferry::agent
