#include "tests/support/database_servers.h"

#include <pwd.h>
#include <signal.h>
#include <unistd.h>

#include <filesystem>
#include <random>
#include <stdexcept>
#include <thread>

namespace ferry::testing {

namespace {

namespace fs = std::filesystem;

std::string randomPassword() {
  std::random_device rd;
  const char* alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  std::string out;
  for (int i = 0; i < 24; ++i) out += alphabet[rd() % 62];
  return out;
}

// As root, servers refuse to run (PostgreSQL) or should not run as root: they run as the
// package's system user, which must own their data dir and reach it. setpriv execs the
// command in place (runuser would stay as its parent), so a signal to the child process
// reaches the server itself and nothing outlives the test.
std::vector<std::string> asUser(const std::string& user, std::vector<std::string> argv) {
  if (::geteuid() != 0) return argv;
  std::vector<std::string> out = {"/usr/bin/setpriv", "--reuid=" + user, "--regid=" + user,
                                  "--init-groups", "--"};
  out.insert(out.end(), argv.begin(), argv.end());
  return out;
}

void giveTo(const std::string& user, const std::string& path) {
  if (::geteuid() != 0) return;
  const passwd* pw = ::getpwnam(user.c_str());
  if (pw == nullptr) throw std::runtime_error("system user " + user + " is missing");
  if (fs::is_directory(path)) {
    for (const auto& entry : fs::recursive_directory_iterator(path)) {
      if (::chown(entry.path().c_str(), pw->pw_uid, pw->pw_gid) != 0) {
        throw std::runtime_error("chown failed: " + entry.path().string());
      }
    }
  }
  if (::chown(path.c_str(), pw->pw_uid, pw->pw_gid) != 0) {
    throw std::runtime_error("chown failed: " + path);
  }
}

void check(const ProcessResult& r, const std::string& what) {
  if (r.exitCode != 0) {
    throw std::runtime_error(what + " failed (exit " + std::to_string(r.exitCode) + "): " + r.err +
                             r.out);
  }
}

void waitAccepting(int port, ChildProcess& process, const std::string& what) {
  for (int i = 0; i < 3000; ++i) {
    if (tcpAccepting(port)) return;
    if (process.wait(std::chrono::milliseconds(0))) {
      throw std::runtime_error(what + " exited: " + process.stderrText() + process.stdoutText());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  throw std::runtime_error(what + " did not listen on port " + std::to_string(port) + ": " +
                           process.stderrText());
}

std::string postgresBinDir() {
  for (const char* v : {"17", "16", "15", "14", "13"}) {
    std::string dir = std::string("/usr/lib/postgresql/") + v + "/bin";
    if (fs::exists(dir + "/initdb")) return dir;
  }
  throw std::runtime_error("PostgreSQL server is not installed (scripts/deps.sh installs it)");
}

}  // namespace

PostgresServer::PostgresServer(DatabaseServerOptions options)
    : port_(freeTcpPort()), password_(randomPassword()), binDir_(postgresBinDir()) {
  fs::permissions(dir_.path(), fs::perms::owner_all | fs::perms::group_read |
                                   fs::perms::group_exec | fs::perms::others_read |
                                   fs::perms::others_exec);
  dataDir_ = dir_.file("data");
  fs::create_directory(dataDir_);
  std::string pwfile = dir_.write("pwfile", password_ + "\n");
  giveTo("postgres", dataDir_);
  giveTo("postgres", pwfile);
  check(runProcess(asUser("postgres", {binDir_ + "/initdb", "-D", dataDir_, "-A", "scram-sha-256",
                                       "--pwfile=" + pwfile, "-U", "ferry", "-E", "UTF8",
                                       "--locale=C.UTF-8", "--no-sync"})),
        "initdb");
  durable_ = options.durable;
  launch();
  // Accepting TCP precedes accepting logins for a moment (startup recovery).
  for (int i = 0;; ++i) {
    auto r = runProcess({binDir_ + "/psql", "-h", "127.0.0.1", "-p", std::to_string(port_), "-U",
                         "ferry", "-d", "postgres", "-Atc", "CREATE DATABASE ferry"},
                        "", {{"PGPASSWORD", password_}});
    if (r.exitCode == 0) break;
    if (i > 200) throw std::runtime_error("PostgreSQL is not accepting logins: " + r.err);
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
}

void PostgresServer::launch() {
  std::vector<std::string> argv = {binDir_ + "/postgres",
                                   "-D",
                                   dataDir_,
                                   "-p",
                                   std::to_string(port_),
                                   "-k",
                                   dataDir_,
                                   "-c",
                                   "listen_addresses=127.0.0.1",
                                   "-c",
                                   "max_connections=50"};
  if (!durable_) {
    for (const char* setting : {"fsync=off", "synchronous_commit=off", "full_page_writes=off"}) {
      argv.push_back("-c");
      argv.push_back(setting);
    }
  }
  process_ = std::make_unique<ChildProcess>(asUser("postgres", argv), dir_.path());
  waitAccepting(port_, *process_, "postgres");
}

void PostgresServer::kill() {
  if (!process_) return;
  process_->signal(SIGKILL);
  process_->wait(std::chrono::seconds(10));
  process_.reset();
  // The port frees with the postmaster; its backends notice its death and exit on their own,
  // and the next postmaster waits for their shared memory (the pid file tells it which).
  for (int i = 0; i < 500 && tcpAccepting(port_); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

void PostgresServer::start() {
  launch();
  for (int i = 0;; ++i) {
    auto r = runProcess({binDir_ + "/psql", "-h", "127.0.0.1", "-p", std::to_string(port_), "-U",
                         "ferry", "-d", "ferry", "-Atc", "SELECT 1"},
                        "", {{"PGPASSWORD", password_}});
    if (r.exitCode == 0) return;
    if (i > 400) throw std::runtime_error("PostgreSQL did not come back: " + r.err);
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
}

PostgresServer::~PostgresServer() {
  if (process_) {
    process_->signal(SIGKILL);
    process_->wait(std::chrono::seconds(10));
  }
}

std::string PostgresServer::connectionString() const {
  return "host=127.0.0.1 port=" + std::to_string(port_) +
         " dbname=ferry user=ferry password=" + password_;
}

std::string PostgresServer::psql(const std::string& sql) const {
  auto r = runProcess({binDir_ + "/psql", "-h", "127.0.0.1", "-p", std::to_string(port_), "-U",
                       "ferry", "-d", "ferry", "-v", "ON_ERROR_STOP=1", "-Atq", "-f", "-"},
                      sql, {{"PGPASSWORD", password_}});
  check(r, "psql");
  return r.out;
}

MariadbServer::MariadbServer(DatabaseServerOptions options)
    : port_(freeTcpPort()), password_(randomPassword()) {
  fs::permissions(dir_.path(), fs::perms::owner_all | fs::perms::group_read |
                                   fs::perms::group_exec | fs::perms::others_read |
                                   fs::perms::others_exec);
  dataDir_ = dir_.file("data");
  // In the data dir, which the server's user owns (as root it runs as mysql).
  socket_ = dataDir_ + "/mysqld.sock";
  fs::create_directory(dataDir_);
  giveTo("mysql", dataDir_);
  const std::string user = ::geteuid() == 0 ? "mysql" : ::getpwuid(::geteuid())->pw_name;
  check(runProcess({"/usr/bin/mariadb-install-db", "--no-defaults", "--user=" + user,
                    "--datadir=" + dataDir_, "--auth-root-authentication-method=socket",
                    "--skip-test-db", "--skip-name-resolve"}),
        "mariadb-install-db");
  std::vector<std::string> argv = {"/usr/sbin/mariadbd",
                                   "--no-defaults",
                                   "--user=" + user,
                                   "--datadir=" + dataDir_,
                                   "--port=" + std::to_string(port_),
                                   "--bind-address=127.0.0.1",
                                   "--socket=" + socket_,
                                   "--pid-file=" + dataDir_ + "/mysqld.pid",
                                   "--skip-name-resolve",
                                   "--character-set-server=utf8mb4",
                                   "--collation-server=utf8mb4_bin"};
  if (!options.durable) {
    argv.push_back("--innodb-flush-log-at-trx-commit=0");
    argv.push_back("--sync-binlog=0");
  }
  process_ = std::make_unique<ChildProcess>(argv, dir_.path());
  waitAccepting(port_, *process_, "mariadbd");
  // root logs in through the socket (unix_socket auth) to create the test user.
  const std::string setup =
      "CREATE DATABASE ferry CHARACTER SET utf8mb4 COLLATE utf8mb4_bin; "
      "CREATE USER 'ferry'@'127.0.0.1' IDENTIFIED BY '" +
      password_ + "'; GRANT ALL ON *.* TO 'ferry'@'127.0.0.1'; FLUSH PRIVILEGES;";
  std::vector<std::string> client = {"/usr/bin/mariadb",
                                     "--no-defaults",
                                     "-u",
                                     ::geteuid() == 0 ? "root" : user,
                                     "--socket=" + socket_,
                                     "-e",
                                     setup};
  check(runProcess(client), "creating the ferry user");
}

MariadbServer::~MariadbServer() {
  if (process_) {
    process_->signal(SIGKILL);
    process_->wait(std::chrono::seconds(10));
  }
}

std::string MariadbServer::connectionString() const {
  return "host=127.0.0.1;port=" + std::to_string(port_) +
         ";db=ferry;user=ferry;password=" + password_;
}

std::string MariadbServer::sql(const std::string& statements) const {
  auto r = runProcess({"/usr/bin/mariadb", "--no-defaults", "-h", "127.0.0.1", "-P",
                       std::to_string(port_), "-u", "ferry", "-D", "ferry", "-B", "-N"},
                      statements, {{"MYSQL_PWD", password_}});
  check(r, "mariadb");
  return r.out;
}

}  // namespace ferry::testing
