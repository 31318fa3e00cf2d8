#include "controller/cli/controller_commands.h"
#include "controller/store/sqlite_threading.h"

int main(int argc, char** argv, char** envp) {
  ferry::controller::store::useLeasedSqliteConnections();
  return ferry::controller::controllerMain(argc, argv, envp);
}
