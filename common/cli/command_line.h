#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/status/result.h"

namespace ferry::cli {

struct OptionSpec {
  std::string name;  // without dashes: "config"
  bool takesValue = false;
  std::string valueName;  // "FILE"
  std::string help;
};

// One subcommand of the surface in DESIGN.md. `name` may have two words ("secret set").
struct CommandSpec {
  std::string name;                 // "" is the service mode (no subcommand)
  std::string usage;                // arguments after the name: "FILE [--flow ID]"
  std::string summary;              // one line for --help
  std::vector<OptionSpec> options;  // in addition to the global ones
  std::size_t minArgs = 0;
  std::size_t maxArgs = 0;
  bool available = true;  // false: answers "not yet available" (exit 2)
};

struct ParsedCommand {
  const CommandSpec* command = nullptr;
  std::map<std::string, std::string> options;  // flags without value map to "true"
  std::vector<std::string> args;

  bool has(const std::string& option) const { return options.count(option) > 0; }
  std::string get(const std::string& option, const std::string& fallback = "") const;
};

// Parses argv[1..]: global options anywhere, the longest matching command name from the
// leading words, then the command's options and positional arguments ("--" ends options).
// Errors are kInvalidArgument with a one-line message naming the offending word.
// The result's `command` points into `commands`, which must outlive it.
Result<ParsedCommand> parseCommandLine(const std::vector<std::string>& argv,
                                       const std::vector<CommandSpec>& commands,
                                       const std::vector<OptionSpec>& globalOptions);

std::string helpText(const std::string& program, const std::string& description,
                     const std::vector<CommandSpec>& commands,
                     const std::vector<OptionSpec>& globalOptions);

}  // namespace ferry::cli
