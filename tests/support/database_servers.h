#pragma once

#include <memory>
#include <string>

#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

namespace ferry::testing {

// Real database servers for connector tests, each in its own temp dir on a free loopback
// port, started by the constructor and stopped (SIGKILL, then the dir is removed) by the
// destructor. As root the server runs as its system user (postgres, mysql), as the
// packages install them; otherwise as the current user. Throws std::runtime_error with the
// server's log when it does not come up. Each creates database "ferry" owned by user
// "ferry" with a random password.
struct DatabaseServerOptions {
  bool durable = false;  // false: fsync off, for speed (tests do not crash the server)
};

class PostgresServer {
 public:
  explicit PostgresServer(DatabaseServerOptions options = {});
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  int port() const { return port_; }
  const std::string& password() const { return password_; }
  // libpq keyword string for user ferry on database ferry.
  std::string connectionString() const;
  // Runs SQL through psql as user ferry; returns psql's result (stdout has the rows,
  // unaligned, tuples only). Throws when psql fails.
  std::string psql(const std::string& sql) const;
  const TempDir& dir() const { return dir_; }
  std::string binDir() const { return binDir_; }

  // SIGKILLs the server (an outage, a crash) and starts it again on the same port and data;
  // start() waits until it accepts logins.
  void kill();
  void start();

 private:
  void launch();

  TempDir dir_;
  int port_ = 0;
  std::string password_;
  std::string binDir_;
  std::string dataDir_;
  bool durable_ = false;
  std::unique_ptr<ChildProcess> process_;
};

class MariadbServer {
 public:
  explicit MariadbServer(DatabaseServerOptions options = {});
  ~MariadbServer();
  MariadbServer(const MariadbServer&) = delete;
  MariadbServer& operator=(const MariadbServer&) = delete;

  int port() const { return port_; }
  const std::string& password() const { return password_; }
  // Poco::Data MySQL connection string for user ferry on database ferry.
  std::string connectionString() const;
  // Runs SQL through the mariadb client as user ferry (batch mode, no column names).
  std::string sql(const std::string& statements) const;

 private:
  TempDir dir_;
  int port_ = 0;
  std::string password_;
  std::string dataDir_;
  std::string socket_;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace ferry::testing
