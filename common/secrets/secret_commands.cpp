#include "common/secrets/secret_commands.h"

#include <termios.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>
#include <iterator>

#include "common/fs/state_dir.h"
#include "common/secrets/secret_store.h"

namespace ferry::secrets {

namespace {

// Reads the value from stdin. On a terminal the user is prompted and nothing is echoed.
std::string readValue(const std::string& name) {
  bool tty = ::isatty(0) == 1;
  termios saved{};
  if (tty) {
    std::cerr << "value for secret '" << name << "' (input hidden): " << std::flush;
    ::tcgetattr(0, &saved);
    termios quiet = saved;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(0, TCSANOW, &quiet);
  }
  std::string value;
  if (tty) {
    std::getline(std::cin, value);
    ::tcsetattr(0, TCSANOW, &saved);
    std::cerr << "\n";
  } else {
    value.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
    // `echo value | ferry-agent secret set NAME` adds one newline that is not part of it.
    if (!value.empty() && value.back() == '\n') value.pop_back();
    if (!value.empty() && value.back() == '\r') value.pop_back();
  }
  return value;
}

int fail(const cli::Invocation& inv, const Status& status) {
  std::cerr << inv.command.command->name << ": " << status.message() << "\n";
  return 1;
}

}  // namespace

int secretCommand(cli::Invocation& inv) {
  const std::string& command = inv.command.command->name;
  if (Status st = fs::ensureStateDir(inv.stateDir); !st.isOk()) return fail(inv, st);
  SecretStore::Options options;
  options.stateDir = inv.stateDir;
  if (const char* creds = std::getenv("CREDENTIALS_DIRECTORY")) options.credentialsDir = creds;
  auto store = SecretStore::open(options);
  if (!store) return fail(inv, store.status());

  if (command == "secret list") {
    auto names = (*store)->list();
    if (!names) return fail(inv, names.status());
    for (const auto& n : *names) std::cout << n << "\n";
    return 0;
  }
  const std::string& name = inv.command.args.at(0);
  if (Status st = SecretStore::validateName(name); !st.isOk()) return fail(inv, st);
  if (command == "secret set") {
    std::string value = readValue(name);
    Status st = (*store)->set(name, value);
    std::fill(value.begin(), value.end(), '\0');
    if (!st.isOk()) return fail(inv, st);
    std::cout << "secret '" << name << "' stored\n";
    return 0;
  }
  if (Status st = (*store)->remove(name); !st.isOk()) return fail(inv, st);
  std::cout << "secret '" << name << "' deleted\n";
  return 0;
}

}  // namespace ferry::secrets
