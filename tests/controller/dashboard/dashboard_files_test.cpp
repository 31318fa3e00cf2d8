// The dashboard's files as the controller serves them: paths, content types, caching, and
// that the embedded copies are the files in controller/dashboard/web/ with every reference
// between them resolvable.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "controller/dashboard/dashboard.h"
#include "controller/dashboard/embedded_assets.h"

namespace ferry::controller::dashboard {
namespace {

http::HttpRequest get(const std::string& path, std::map<std::string, std::string> headers = {}) {
  http::HttpRequest req;
  req.method = "GET";
  req.path = path;
  req.headers = std::move(headers);
  return req;
}

std::string header(const http::HttpResponse& r, const std::string& name) {
  for (const auto& [k, v] : r.headers) {
    if (k == name) return v;
  }
  return "";
}

std::string sourceFile(const std::string& name) {
  std::ifstream in(std::string(FERRY_SOURCE_DIR) + "/controller/dashboard/web/" + name,
                   std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(DashboardFilesTest, RootServesTheIndexWithAnETagAndAStrictPolicy) {
  auto r = dashboardResponse(get("/"));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->contentType, "text/html; charset=utf-8");
  EXPECT_NE(r->body.find("<title>Ferry controller</title>"), std::string::npos);
  EXPECT_EQ(header(*r, "Cache-Control"), "no-cache");
  EXPECT_NE(header(*r, "Content-Security-Policy").find("script-src 'self'"), std::string::npos);
  std::string etag = header(*r, "ETag");
  ASSERT_GE(etag.size(), 3u);
  EXPECT_EQ(etag.front(), '"');
  EXPECT_EQ(etag.back(), '"');

  auto again = dashboardResponse(get("/", {{"if-none-match", etag}}));
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(again->status, 304);
  EXPECT_TRUE(again->body.empty());
  EXPECT_EQ(header(*again, "ETag"), etag);
  auto stale = dashboardResponse(get("/", {{"if-none-match", "\"0000\""}}));
  EXPECT_EQ(stale->status, 200);
}

TEST(DashboardFilesTest, AssetsHaveTheirContentTypes) {
  auto js = dashboardResponse(get("/assets/app.js"));
  ASSERT_TRUE(js.has_value());
  EXPECT_EQ(js->status, 200);
  EXPECT_EQ(js->contentType, "text/javascript; charset=utf-8");
  EXPECT_EQ(header(*js, "X-Content-Type-Options"), "nosniff");
  EXPECT_EQ(dashboardResponse(get("/assets/style.css"))->contentType, "text/css; charset=utf-8");
  EXPECT_EQ(dashboardResponse(get("/assets/favicon.svg"))->contentType, "image/svg+xml");
  http::HttpRequest head = get("/assets/style.css");
  head.method = "HEAD";
  EXPECT_EQ(dashboardResponse(head)->status, 200);
}

TEST(DashboardFilesTest, UnknownAssetsAndOtherMethodsAreProblems) {
  auto missing = dashboardResponse(get("/assets/nope.js"));
  ASSERT_TRUE(missing.has_value());
  EXPECT_EQ(missing->status, 404);
  EXPECT_EQ(missing->contentType, "application/problem+json");
  EXPECT_NE(missing->body.find("no file 'nope.js'"), std::string::npos) << missing->body;
  EXPECT_EQ(dashboardResponse(get("/assets/"))->status, 404);
  EXPECT_EQ(dashboardResponse(get("/assets/../controller.db"))->status, 404);

  http::HttpRequest post = get("/");
  post.method = "POST";
  auto refused = dashboardResponse(post);
  ASSERT_TRUE(refused.has_value());
  EXPECT_EQ(refused->status, 405);
  EXPECT_EQ(header(*refused, "Allow"), "GET, HEAD");
  EXPECT_NE(refused->body.find("\"status\":405"), std::string::npos);
}

TEST(DashboardFilesTest, OtherPathsAreLeftToTheApi) {
  EXPECT_FALSE(dashboardResponse(get("/api/v1/agents")).has_value());
  EXPECT_FALSE(dashboardResponse(get("/metrics")).has_value());
  EXPECT_FALSE(dashboardResponse(get("/assets")).has_value());
  EXPECT_FALSE(dashboardResponse(get("/favicon.ico")).has_value());
}

TEST(DashboardFilesTest, WithDashboardAnswersItsPathsAndPassesTheRestOn) {
  int passed = 0;
  http::HttpHandler handler = withDashboard([&passed](const http::HttpRequest&) {
    ++passed;
    http::HttpResponse r;
    r.status = 401;
    return r;
  });
  EXPECT_EQ(handler(get("/")).status, 200);
  EXPECT_EQ(handler(get("/assets/missing.css")).status, 404);
  EXPECT_EQ(passed, 0);
  EXPECT_EQ(handler(get("/api/v1/agents")).status, 401);
  EXPECT_EQ(passed, 1);
}

TEST(DashboardFilesTest, EmbeddedFilesAreTheSourceFiles) {
  ASSERT_FALSE(embeddedAssets().empty());
  for (const EmbeddedAsset& a : embeddedAssets()) {
    std::string embedded(reinterpret_cast<const char*>(a.data), a.size);
    EXPECT_EQ(embedded, sourceFile(std::string(a.name))) << a.name << " is stale: rebuild";
    auto served = dashboardResponse(get("/assets/" + std::string(a.name)));
    ASSERT_TRUE(served.has_value());
    EXPECT_EQ(served->body, embedded);
  }
}

// A missing file would only show as a broken page in a browser: every /assets/ link of the
// index and every module import must name an embedded file.
TEST(DashboardFilesTest, EveryReferenceBetweenTheFilesResolves) {
  std::set<std::string> names;
  for (const EmbeddedAsset& a : embeddedAssets()) names.insert(std::string(a.name));
  std::string index = dashboardResponse(get("/"))->body;
  std::regex link(R"re((?:src|href)="/assets/([^"]+)")re");
  int links = 0;
  for (auto it = std::sregex_iterator(index.begin(), index.end(), link);
       it != std::sregex_iterator(); ++it) {
    EXPECT_TRUE(names.count((*it)[1])) << "index.html links /assets/" << (*it)[1];
    ++links;
  }
  EXPECT_GE(links, 3);
  std::regex import(R"re(from '\./([^']+)')re");
  for (const std::string& name : names) {
    if (name.size() < 3 || name.substr(name.size() - 3) != ".js") continue;
    std::string text = dashboardResponse(get("/assets/" + name))->body;
    for (auto it = std::sregex_iterator(text.begin(), text.end(), import);
         it != std::sregex_iterator(); ++it) {
      EXPECT_TRUE(names.count((*it)[1])) << name << " imports ./" << (*it)[1];
    }
  }
}

}  // namespace
}  // namespace ferry::controller::dashboard
