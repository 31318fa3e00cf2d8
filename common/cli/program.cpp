#include "common/cli/program.h"

#include <unistd.h>

#include <algorithm>
#include <iostream>

#include "common/config/config_loader.h"
#include "common/version/version.h"

namespace ferry::cli {

const std::vector<OptionSpec>& globalOptions() {
  static const std::vector<OptionSpec> options = {
      {"config", true, "FILE", "configuration file (JSON)"},
      {"state", true, "DIR", "state directory (default: the config's stateDir, else ./.ferry)"},
      {"log-level", true, "LEVEL", "debug, info, warning or error (overrides log.level)"},
      {"help", false, "", "show this help and exit"},
      {"version", false, "", "print the version and exit"},
  };
  return options;
}

namespace {

int usageError(const ProgramSpec& spec, const std::string& message) {
  std::cerr << spec.name << ": " << message << "\n";
  return 2;
}

}  // namespace

int runProgram(const ProgramSpec& spec, const std::map<std::string, CommandHandler>& handlers,
               int argc, char** argv, char** envp) {
  std::vector<std::string> args(argv + 1, argv + argc);
  auto parsed = parseCommandLine(args, spec.commands, globalOptions());
  if (!parsed) return usageError(spec, parsed.status().message());
  ParsedCommand& command = *parsed;

  if (command.has("help")) {
    std::cout << helpText(spec.name, spec.description, spec.commands, globalOptions());
    if (spec.configSpec) {
      std::cout << "\nConfiguration keys (JSON; environment override FERRY_<KEY_PATH>):\n"
                << schema::describe(*spec.configSpec);
    }
    return 0;
  }
  if (command.has("version")) {
    std::cout << versionLine(spec.name) << "\n";
    return 0;
  }
  if (!command.command->available) {
    return usageError(spec, "'" + command.command->name +
                                "' is not yet available in this version (" +
                                std::string(ferryVersion()) + ")");
  }

  std::string logLevelName = command.get("log-level");
  if (!logLevelName.empty() && !parseLogLevel(logLevelName)) {
    return usageError(
        spec, "unknown log level '" + logLevelName + "' (use debug, info, warning or error)");
  }

  Invocation inv{command, ferry::Json::object(), "", "",
                 Logger(std::make_shared<FdLogSink>(2), LogLevel::kInfo, spec.name)};
  bool loadsConfig = std::find(spec.commandsWithoutConfig.begin(), spec.commandsWithoutConfig.end(),
                               command.command->name) == spec.commandsWithoutConfig.end();
  if (loadsConfig && spec.configSpec) {
    std::optional<std::string> path;
    if (command.has("config")) {
      path = command.get("config");
    } else if (!spec.defaultConfigPath.empty() &&
               ::access(spec.defaultConfigPath.c_str(), F_OK) == 0) {
      path = spec.defaultConfigPath;
    }
    auto env = config::processEnvironment(envp);
    auto loaded = config::loadConfig(path, *spec.configSpec, env);
    if (!loaded) return usageError(spec, loaded.status().message());
    inv.config = std::move(*loaded);
    inv.configPath = path.value_or("");
  }

  std::string configLevel = inv.config.value("/log/level"_json_pointer, std::string("info"));
  inv.logger.setLevel(
      parseLogLevel(logLevelName.empty() ? configLevel : logLevelName).value_or(LogLevel::kInfo));
  if (command.has("state")) {
    inv.stateDir = command.get("state");
  } else {
    inv.stateDir = inv.config.value("stateDir", std::string());
    if (inv.stateDir.empty()) inv.stateDir = "./.ferry";
  }

  auto handler = handlers.find(command.command->name);
  if (handler == handlers.end()) {
    return usageError(spec, "'" + command.command->name + "' is not yet available");
  }
  return handler->second(inv);
}

}  // namespace ferry::cli
