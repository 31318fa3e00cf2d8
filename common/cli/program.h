#pragma once

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "common/cli/command_line.h"
#include "common/json/json.h"
#include "common/log/logger.h"
#include "common/schema/field_spec.h"

namespace ferry::cli {

// What a binary is: its commands and its config schema. Shared by ferry-agent and
// ferry-controller so both answer --help, --version, bad flags and bad configs alike.
struct ProgramSpec {
  std::string name;         // "ferry-agent"
  std::string description;  // one line
  std::vector<CommandSpec> commands;
  std::string defaultConfigPath;  // used when it exists and --config is not given
  const schema::ObjectSpec* configSpec = nullptr;
  // Commands that read their own --config (e.g. "check" validates it): no config loading.
  std::vector<std::string> commandsWithoutConfig;
};

// Everything a command handler needs; built by runProgram.
struct Invocation {
  ParsedCommand command;
  ferry::Json config;      // validated and defaulted
  std::string configPath;  // "" when none was read
  std::string stateDir;    // --state, else config stateDir, else ./.ferry
  Logger logger;
};

// Returns the process exit status (0 ok, 1 the work failed, 2 usage/config error).
using CommandHandler = std::function<int(Invocation&)>;

// Parses the command line, answers --help/--version, loads and validates the config,
// and calls the handler registered for the command's name. Usage and config errors are
// one line on stderr "<program>: <message>" and exit 2.
int runProgram(const ProgramSpec& spec, const std::map<std::string, CommandHandler>& handlers,
               int argc, char** argv, char** envp);

// The global options every command takes.
const std::vector<OptionSpec>& globalOptions();

}  // namespace ferry::cli
