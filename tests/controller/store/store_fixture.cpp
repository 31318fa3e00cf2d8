#include "tests/controller/store/store_fixture.h"

#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>

namespace ferry::controller::store::testing {

std::string backendParamName(const ::testing::TestParamInfo<TestBackend>& info) {
  return info.param == TestBackend::kSqlite ? "Sqlite" : "Postgresql";
}

ferry::testing::PostgresServer& postgres() {
  // One server per test binary (the suite is one ctest test); destroyed at exit.
  static ferry::testing::PostgresServer server;
  return server;
}

void StoreTest::SetUp() {
  if (isPostgres()) {
    postgres().psql(
        "SET client_min_messages = warning; DROP SCHEMA public CASCADE; CREATE SCHEMA public;");
  }
  auto opened = openStore(options());
  ASSERT_TRUE(opened.isOk()) << opened.status().toString();
  store_ = std::move(*opened);
}

std::string StoreTest::url() const {
  if (!isPostgres()) return "sqlite://" + dir_.file("controller.db");
  return "postgresql://ferry@127.0.0.1:" + std::to_string(postgres().port()) +
         "/ferry?sslmode=disable&passwordSecret=pg-test";
}

StoreOptions StoreTest::options() const {
  StoreOptions o;
  o.url = url();
  o.stateDir = dir_.path();
  o.clock = &clock_;
  o.maxSessions = 4;
  if (isPostgres()) {
    o.resolvePassword = [](const std::string& name) -> Result<std::string> {
      if (name != "pg-test") return Status::notFound("no secret " + name);
      return postgres().password();
    };
  }
  return o;
}

std::unique_ptr<Store> StoreTest::openAnother(bool migrate) const {
  StoreOptions o = options();
  o.migrate = migrate;
  auto opened = openStore(o);
  EXPECT_TRUE(opened.isOk()) << opened.status().toString();
  return opened.isOk() ? std::move(*opened) : nullptr;
}

void StoreTest::execRaw(const std::string& sql) const {
  if (isPostgres()) {
    postgres().psql(sql);
    return;
  }
  Poco::Data::SQLite::Connector::registerConnector();
  Poco::Data::Session s("SQLite", dir_.file("controller.db"));
  s << sql, Poco::Data::Keywords::now;
}

}  // namespace ferry::controller::store::testing
