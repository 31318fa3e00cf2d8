#include "agent/cli/agent_commands.h"

#include <iostream>

#include "agent/cli/check_command.h"
#include "agent/cli/enroll_command.h"
#include "agent/cli/errors_command.h"
#include "agent/cli/preview_command.h"
#include "agent/cli/run_command.h"
#include "agent/cli/status_command.h"
#include "agent/service/agent_service.h"
#include "common/config/config_loader.h"
#include "common/config/config_schemas.h"
#include "common/secrets/secret_commands.h"

namespace ferry::agent {

namespace {

cli::ProgramSpec buildProgram() {
  using cli::CommandSpec;
  cli::ProgramSpec p;
  p.name = "ferry-agent";
  p.description = "runs integration flows next to on-premise systems";
  p.defaultConfigPath = "/etc/ferry/agent.json";
  p.configSpec = &config::agentConfigSpec();
  p.commandsWithoutConfig = {"check"};
  p.commands = {
      {"", "", "run as a service in the foreground (systemd runs this)", {}, 0, 0, true},
      {"run",
       "FILE [--flow ID]",
       "run the flows of a definitions file once, with progress",
       {{"flow", true, "ID", "run only this flow"}},
       1,
       1,
       true},
      {"check",
       "FILE | --config FILE",
       "validate a definitions file or a config file",
       {{"json", false, "", "machine-readable output"}},
       0,
       1,
       true},
      {"preview",
       "FILE --flow ID [--input F]",
       "run a flow's steps on sample records (JSON Lines)",
       {{"flow", true, "ID", "the flow to preview"}, {"input", true, "F", "input records"}},
       1,
       1,
       true},
      {"secret set", "NAME", "store a secret (value read from stdin)", {}, 1, 1, true},
      {"secret list", "", "list secret names", {}, 0, 0, true},
      {"secret delete", "NAME", "delete a secret", {}, 1, 1, true},
      {"errors list",
       "[--all] [--json]",
       "list open per-record errors (--all: resolved too)",
       {{"all", false, "", "include resolved errors"}, {"json", false, "", "one JSON line each"}},
       0,
       0,
       true},
      {"errors retry",
       "IDS [--record FILE]",
       "run failed records again from their failed step (optionally an edited record)",
       {{"record", true, "FILE", "edited record (JSON) for one error"}},
       1,
       1000,
       true},
      {"errors resolve", "IDS", "mark errors resolved", {}, 1, 1000, true},
      {"enroll",
       "--controller URL --token T [--ca FILE]",
       "register with a controller, write the identity",
       {{"controller", true, "URL", "controller base URL"},
        {"token", true, "T", "enrollment token"},
        {"ca", true, "FILE", "CA certificate the controller's HTTPS certificate is signed by"}},
       0,
       0,
       true},
      {"status",
       "[--json]",
       "flows, last and next runs, queue lag, outbox backlog, open errors",
       {{"json", false, "", "one JSON object"}},
       0,
       0,
       true},
  };
  return p;
}

// `check --config FILE`: print every problem of a config file, exit 1 if there are any.
// `check FILE` validates a definitions file (check_command.h).
int checkCommand(cli::Invocation& inv) {
  const auto& cmd = inv.command;
  if (!cmd.has("config")) {
    if (cmd.args.size() == 1) return checkDefinitionsCommand(inv);
    std::cerr << "ferry-agent: 'check' needs FILE (definitions) or --config FILE\n";
    return 2;
  }
  if (!cmd.args.empty()) {
    std::cerr << "ferry-agent: give either FILE or --config FILE to 'check', not both\n";
    return 2;
  }
  std::string path = cmd.get("config");
  auto loaded = config::loadConfig(path, config::agentConfigSpec(), {});
  if (!loaded) {
    if (loaded.status().code() == StatusCode::kNotFound) {
      std::cerr << "ferry-agent: " << loaded.status().message() << "\n";
      return 2;
    }
    if (cmd.has("json")) {
      ferry::Json out = {{"ok", false}, {"error", loaded.status().message()}};
      std::cout << out.dump() << "\n";
    } else {
      std::cout << loaded.status().message() << "\n";
    }
    return 1;
  }
  if (cmd.has("json")) {
    std::cout << ferry::Json({{"ok", true}, {"file", path}}).dump() << "\n";
  } else {
    std::cout << path << ": configuration is valid\n";
  }
  return 0;
}

}  // namespace

const cli::ProgramSpec& agentProgram() {
  static const cli::ProgramSpec program = buildProgram();  // immutable after first use
  return program;
}

int agentMain(int argc, char** argv, char** envp) {
  std::map<std::string, cli::CommandHandler> handlers = {
      {"secret set", secrets::secretCommand},
      {"secret list", secrets::secretCommand},
      {"secret delete", secrets::secretCommand},
      {"", [](cli::Invocation& inv) { return runAgentService(inv); }},
      {"check", checkCommand},
      {"preview", previewCommand},
      {"run", runFlowsCommand},
      {"errors list", errorsCommand},
      {"errors retry", errorsCommand},
      {"errors resolve", errorsCommand},
      {"status", statusCommand},
      {"enroll", enrollCommand},
  };
  return cli::runProgram(agentProgram(), handlers, argc, argv, envp);
}

}  // namespace ferry::agent
