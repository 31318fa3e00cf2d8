#include "controller/api/token_command.h"

#include <iostream>

#include "common/config/controller_config.h"
#include "controller/api/store_opener.h"
#include "controller/api/time_format.h"
#include "controller/api/tokens.h"

namespace ferry::controller::api {

namespace {

int fail(const cli::Invocation& inv, const std::string& message) {
  std::cerr << "token " << inv.command.command->name.substr(6) << ": " << message << "\n";
  return 1;
}

// Token names show up in listings and logs: keep them short and printable.
bool validName(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (unsigned char c : name) {
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}

}  // namespace

int tokenCommand(cli::Invocation& inv) {
  const std::string& command = inv.command.command->name;
  config::ControllerConfig cfg = config::controllerConfigFromJson(inv.config);
  auto store = openControllerStore(cfg, inv.stateDir);
  if (!store) return fail(inv, store.status().message());
  if (command == "token create") {
    std::string name = inv.command.get("name");
    if (!validName(name)) {
      std::cerr << "ferry-controller: --name must be 1-64 printable characters without spaces\n";
      return 2;
    }
    auto token = newToken(kApiTokenPrefix);
    if (!token) return fail(inv, token.status().message());
    auto created = (*store)->createToken(name, tokenHash(*token));
    if (!created) {
      if (created.status().code() == StatusCode::kAlreadyExists) {
        return fail(inv, "a token named '" + name + "' exists (delete it first)");
      }
      return fail(inv, created.status().message());
    }
    std::cout << *token << "\n";
    std::cerr << "token '" << name << "' created; it is shown only this once\n";
    return 0;
  }
  if (command == "token list") {
    auto tokens = (*store)->listTokens();
    if (!tokens) return fail(inv, tokens.status().message());
    for (const auto& t : *tokens) {
      std::cout << t.name << "\tcreated " << isoTime(t.createdAtMs) << "\tlast used "
                << (t.lastUsedAtMs ? isoTime(t.lastUsedAtMs) : std::string("never")) << "\n";
    }
    return 0;
  }
  // token delete NAME
  const std::string& name = inv.command.args.at(0);
  Status st = (*store)->deleteToken(name);
  if (!st.isOk()) {
    if (st.code() == StatusCode::kNotFound) return fail(inv, "no token named '" + name + "'");
    return fail(inv, st.message());
  }
  std::cerr << "token '" << name << "' deleted\n";
  return 0;
}

}  // namespace ferry::controller::api
