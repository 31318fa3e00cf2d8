#pragma once

#include <map>
#include <string>
#include <string_view>

#include "common/status/result.h"

namespace ferry::controller::store {

enum class Backend { kSqlite, kPostgresql };
std::string_view backendName(Backend b);

// Where the store lives, from controller.json's `store` URL.
struct StoreLocation {
  Backend backend = Backend::kSqlite;
  std::string sqlitePath;                  // kSqlite: absolute path of the database file
  std::string sqliteSynchronous = "FULL";  // kSqlite: FULL (default) or NORMAL
  // kPostgresql:
  std::string host;  // "" with a `host` query parameter naming a socket directory
  int port = 5432;
  std::string user;
  std::string database;
  std::string passwordSecret = "store-password";   // secret holding the password
  std::map<std::string, std::string> libpqParams;  // sslmode, sslrootcert, … as given
};

// Accepted forms (anything else is kInvalidArgument naming the URL and the problem;
// a password in the URL is refused and never echoed):
//   ""                                  → sqlite:///<stateDir>/controller.db
//   sqlite:///abs/path/file.db[?synchronous=FULL|NORMAL]
//   postgresql://user@host[:port]/database[?sslmode=…&sslrootcert=…&sslcert=…&sslkey=…
//       &connect_timeout=…&application_name=…&host=/socket/dir&passwordSecret=NAME]
//   (postgres:// is accepted as an alias; user, host and database are percent-decoded)
Result<StoreLocation> parseStoreUrl(std::string_view url, std::string_view stateDir);

// The libpq keyword/value connection string for `loc`, with `password` when not empty.
// connect_timeout defaults to 10 s so a dead server fails fast.
std::string libpqConnectionString(const StoreLocation& loc, const std::string& password);

// `url` with any password in its user info replaced by "***", for messages.
std::string redactStoreUrl(std::string_view url);

}  // namespace ferry::controller::store
