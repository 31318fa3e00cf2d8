#include "controller/store/store_url.h"

#include <gtest/gtest.h>

#include <cctype>

#include "controller/store/page_cursor.h"
#include "controller/store/placeholders.h"

namespace ferry::controller::store {
namespace {

std::string errorOf(std::string_view url) {
  auto r = parseStoreUrl(url, "/var/lib/ferry/controller");
  EXPECT_FALSE(r.isOk()) << url;
  if (r.isOk()) return "";
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  return r.status().message();
}

TEST(StoreUrlTest, EmptyMeansSqliteInTheStateDirectory) {
  auto r = parseStoreUrl("", "/var/lib/ferry/controller/");
  ASSERT_TRUE(r.isOk());
  EXPECT_EQ(r->backend, Backend::kSqlite);
  EXPECT_EQ(r->sqlitePath, "/var/lib/ferry/controller/controller.db");
  EXPECT_EQ(r->sqliteSynchronous, "FULL");
  auto none = parseStoreUrl("", "");
  ASSERT_FALSE(none.isOk());
  EXPECT_NE(none.status().message().find("stateDir"), std::string::npos);
}

TEST(StoreUrlTest, SqliteUrls) {
  auto r = parseStoreUrl("sqlite:///data/ferry%20store/c.db?synchronous=normal", "");
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  EXPECT_EQ(r->sqlitePath, "/data/ferry store/c.db");
  EXPECT_EQ(r->sqliteSynchronous, "NORMAL");
  EXPECT_NE(errorOf("sqlite://relative.db").find("absolute path"), std::string::npos);
  EXPECT_NE(errorOf("sqlite:///data/").find("directory"), std::string::npos);
  EXPECT_NE(errorOf("sqlite:///data/c.db?synchronous=OFF").find("FULL or NORMAL"),
            std::string::npos);
  EXPECT_NE(errorOf("sqlite:///data/c.db?mode=ro").find("unknown query parameter \"mode\""),
            std::string::npos);
}

TEST(StoreUrlTest, PostgresUrls) {
  auto r = parseStoreUrl(
      "postgresql://ferry%40corp@db.example:6543/ferry_prod?sslmode=verify-full&"
      "sslrootcert=/etc/ferry/ca.pem&passwordSecret=pg",
      "");
  ASSERT_TRUE(r.isOk()) << r.status().toString();
  EXPECT_EQ(r->backend, Backend::kPostgresql);
  EXPECT_EQ(r->user, "ferry@corp");
  EXPECT_EQ(r->host, "db.example");
  EXPECT_EQ(r->port, 6543);
  EXPECT_EQ(r->database, "ferry_prod");
  EXPECT_EQ(r->passwordSecret, "pg");
  EXPECT_EQ(r->libpqParams.at("sslmode"), "verify-full");
  EXPECT_EQ(libpqConnectionString(*r, "it's"),
            "host='db.example' port=6543 dbname='ferry_prod' user='ferry@corp' "
            "password='it\\'s' connect_timeout=10 application_name='ferry' "
            "options='--client_min_messages=warning' sslmode='verify-full' "
            "sslrootcert='/etc/ferry/ca.pem'");

  auto v6 = parseStoreUrl("postgres://u@[::1]/db", "");
  ASSERT_TRUE(v6.isOk()) << v6.status().toString();
  EXPECT_EQ(v6->host, "::1");
  EXPECT_EQ(v6->port, 5432);
  EXPECT_EQ(v6->passwordSecret, "store-password");

  auto socket = parseStoreUrl("postgresql://u@/db?host=/var/run/postgresql", "");
  ASSERT_TRUE(socket.isOk()) << socket.status().toString();
  EXPECT_EQ(socket->host, "/var/run/postgresql");
}

TEST(StoreUrlTest, MalformedPostgresUrlsSayWhatIsWrong) {
  EXPECT_NE(errorOf("postgresql://db.example/ferry").find("user is missing"), std::string::npos);
  EXPECT_NE(errorOf("postgresql://u@db.example").find("database name is missing"),
            std::string::npos);
  EXPECT_NE(errorOf("postgresql://u@db.example:99999/x").find("port \"99999\""), std::string::npos);
  EXPECT_NE(errorOf("postgresql://u@db.example:/x").find("port"), std::string::npos);
  EXPECT_NE(errorOf("postgresql://u@/x").find("host is missing"), std::string::npos);
  EXPECT_NE(errorOf("postgresql://u@h/x?sslmode=maybe").find("sslmode \"maybe\""),
            std::string::npos);
  EXPECT_NE(errorOf("postgresql://u@h/x?timeout=3").find("unknown query parameter \"timeout\""),
            std::string::npos);
  EXPECT_NE(errorOf("postgresql://u@h/x?sslmode").find("not name=value"), std::string::npos);
  EXPECT_NE(errorOf("postgresql://u@h/x%2").find("%-escape"), std::string::npos);
  EXPECT_NE(errorOf("mysql://u@h/x").find("unknown scheme"), std::string::npos);
  EXPECT_NE(errorOf("postgresql://u@h/my%20db").find("whitespace"), std::string::npos);
  EXPECT_NE(errorOf("postgresql://u@h/x?sslrootcert=/etc/my%20ca.pem").find("whitespace"),
            std::string::npos);

  std::string withPassword = errorOf("postgresql://u:s3cr3t@h/x");
  EXPECT_NE(withPassword.find("secret store"), std::string::npos);
  EXPECT_EQ(withPassword.find("s3cr3t"), std::string::npos) << withPassword;
  EXPECT_NE(withPassword.find("postgresql://u:***@h/x"), std::string::npos) << withPassword;
}

TEST(PlaceholdersTest, PostgresGetsNumberedPlaceholdersOutsideQuotesAndComments) {
  const std::string sql =
      "SELECT '?', \"a?\" FROM t WHERE a = ? -- why?\n AND b = ? /* ? */ AND c = 'it''s ?' "
      "AND d = ?";
  EXPECT_EQ(renderPlaceholders(sql, Backend::kSqlite), sql);
  EXPECT_EQ(renderPlaceholders(sql, Backend::kPostgresql),
            "SELECT '?', \"a?\" FROM t WHERE a = $1 -- why?\n AND b = $2 /* ? */ AND c = "
            "'it''s ?' AND d = $3");
  EXPECT_EQ(renderPlaceholders("VALUES (?, ?)", Backend::kPostgresql), "VALUES ($1, $2)");
}

TEST(PageCursorTest, RoundTripsAndRefusesForeignTokens) {
  const std::string fp = filterFingerprint({"orders", "", "plant-1"});
  EXPECT_NE(fp, filterFingerprint({"orders", "plant-1", ""}));
  std::string token = encodeCursor('r', {1700000000123, "run|with|bars"}, fp);
  for (char c : token)
    EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_');
  auto pos = decodeCursor(token, 'r', fp);
  ASSERT_TRUE(pos.isOk()) << pos.status().toString();
  EXPECT_EQ(pos->timeMs, 1700000000123);
  EXPECT_EQ(pos->id, "run|with|bars");
  EXPECT_EQ(decodeCursor(token, 'e', fp).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(decodeCursor(token, 'r', filterFingerprint({})).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_EQ(decodeCursor("abc!", 'r', fp).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(decodeCursor("cjF8", 'r', fp).status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace ferry::controller::store
