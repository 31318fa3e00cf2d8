#include "controller/cli/controller_commands.h"

#include <iostream>

#include "common/config/config_schemas.h"
#include "common/config/controller_config.h"
#include "common/secrets/secret_commands.h"
#include "controller/api/deploy_command.h"
#include "controller/api/store_opener.h"
#include "controller/api/token_command.h"
#include "controller/service/controller_service.h"

namespace ferry::controller {

namespace {

cli::ProgramSpec buildProgram() {
  cli::ProgramSpec p;
  p.name = "ferry-controller";
  p.description = "stores definitions, steers agents, serves the API and dashboard";
  p.defaultConfigPath = "/etc/ferry/controller.json";
  p.configSpec = &config::controllerConfigSpec();
  p.commands = {
      {"", "", "run the controller (API, dashboard, MQTT ingest)", {}, 0, 0, true},
      {"token create",
       "--name N",
       "print a new API token once (stored hashed)",
       {{"name", true, "N", "what the token is for"}},
       0,
       0,
       true},
      {"token list", "", "list API tokens (names, created, last used)", {}, 0, 0, true},
      {"token delete", "NAME", "delete an API token", {}, 1, 1, true},
      {"migrate", "", "bring the store's schema up to date", {}, 0, 0, true},
      {"deploy",
       "FILE --url U --token T",
       "send a definitions file to a controller and deploy it",
       {{"url", true, "U", "controller base URL"},
        {"token", true, "T", "API token (or FERRY_TOKEN)"}},
       1,
       1,
       true},
      {"secret set", "NAME", "store a secret (value read from stdin)", {}, 1, 1, true},
      {"secret list", "", "list secret names", {}, 0, 0, true},
      {"secret delete", "NAME", "delete a secret", {}, 1, 1, true},
  };
  return p;
}

// `ferry-controller migrate`: applies the migrations the configured store lacks and says how
// many; safe to run again, and while replicas start (they migrate under a lock too).
int migrateCommand(cli::Invocation& inv) {
  config::ControllerConfig cfg = config::controllerConfigFromJson(inv.config);
  auto store = api::openControllerStore(cfg, inv.stateDir, /*migrate=*/false);
  if (!store) {
    std::cerr << "ferry-controller: " << store.status().message() << "\n";
    return 1;
  }
  auto applied = (*store)->migrate();
  auto version = (*store)->schemaVersion();
  if (!applied || !version) {
    std::cerr << "ferry-controller: migrate: "
              << (applied ? version.status() : applied.status()).message() << "\n";
    return 1;
  }
  std::cout << (*store)->backendName() << " store at schema version " << *version << " ("
            << *applied << " migration(s) applied)\n";
  return 0;
}

}  // namespace

const cli::ProgramSpec& controllerProgram() {
  static const cli::ProgramSpec program = buildProgram();  // immutable after first use
  return program;
}

int controllerMain(int argc, char** argv, char** envp) {
  std::map<std::string, cli::CommandHandler> handlers = {
      {"secret set", secrets::secretCommand},
      {"secret list", secrets::secretCommand},
      {"secret delete", secrets::secretCommand},
      {"token create", api::tokenCommand},
      {"token list", api::tokenCommand},
      {"token delete", api::tokenCommand},
      {"deploy", api::deployCommand},
      {"migrate", migrateCommand},
      {"", [](cli::Invocation& inv) { return runControllerService(inv); }},
  };
  return cli::runProgram(controllerProgram(), handlers, argc, argv, envp);
}

}  // namespace ferry::controller
