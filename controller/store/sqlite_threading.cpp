#include "controller/store/sqlite_threading.h"

#include <Poco/Data/SQLite/Utility.h>

namespace ferry::controller::store {

bool useLeasedSqliteConnections() {
  using Poco::Data::SQLite::Utility;
  return Utility::setThreadMode(Utility::THREAD_MODE_MULTI);
}

}  // namespace ferry::controller::store
