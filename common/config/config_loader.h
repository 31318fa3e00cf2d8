#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "common/json/json_fwd.h"
#include "common/schema/field_spec.h"
#include "common/status/result.h"

namespace ferry::config {

// The FERRY_* variables of the process, passed in explicitly so loading stays testable.
using Environment = std::map<std::string, std::string>;
Environment processEnvironment(char** envp);

// "FERRY_" + the key path in upper snake case: {"mqtt","keepAliveSeconds"} ->
// FERRY_MQTT_KEEP_ALIVE_SECONDS.
std::string environmentName(const std::vector<std::string>& path);

// Loads a JSON config: reads `path` if given (a missing or malformed file is an error that
// names it), applies FERRY_* overrides from `env` (secrets excepted: they only come from
// the secret store), validates against `spec` (every problem with its JSON Pointer) and
// fills in defaults. Errors are kInvalidArgument (fix the file) or kNotFound (no file).
Result<ferry::Json> loadConfig(const std::optional<std::string>& path,
                               const schema::ObjectSpec& spec, const Environment& env);

// Parses JSON text; on error the message names `origin` with line and column.
Result<ferry::Json> parseJsonText(const std::string& text, const std::string& origin);

// Reads a whole file; kNotFound names the path.
Result<std::string> readTextFile(const std::string& path);

}  // namespace ferry::config
